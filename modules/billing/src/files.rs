//! The documents of a finalized invoice, as downloads: PDF (and, with `cii`, the
//! EN 16931 XML). Rendered on demand from the invoice's immutable data.
use axum::response::Response;
use loco_rs::app::AppContext;
use mutualis_core::{
    entities::members,
    error::{AppError, AppResult},
    module::{BoxFut, ExportFile, Keep, Retention},
    tenant::{OwnedRow, Tenant},
};

use crate::{entities::billing_invoices, service};

/// The kinds of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Xml,
}

impl Format {
    /// From a file extension.
    #[must_use]
    pub fn from_ext(ext: &str) -> Option<Self> {
        match ext {
            "pdf" => Some(Self::Pdf),
            "xml" => Some(Self::Xml),
            _ => None,
        }
    }
}

/// Renders one document of a finalized invoice: its file name, media type and bytes.
///
/// # Errors
/// 404 for a draft (documents exist once finalized); rendering or database errors.
pub async fn render(
    ctx: &AppContext,
    member: &members::Model,
    inv: &billing_invoices::Model,
    format: Format,
) -> AppResult<(String, &'static str, Vec<u8>)> {
    let Some(number) = inv.number.clone() else {
        return Err(AppError::NotFound);
    };
    let lines = service::lines_of(&ctx.db, inv).await?;
    let refers = match inv.refers_to {
        Some(id) => service::find(&ctx.db, inv.tenant(), id)
            .await
            .ok()
            .and_then(|i| i.number),
        None => None,
    };
    let seller = crate::settings(ctx)?.seller.clone();
    let what = if inv.kind == "credit_note" {
        "avoir"
    } else {
        "facture"
    };
    let (body, content_type, ext) = match format {
        Format::Pdf => (
            crate::pdf::invoice_pdf(&seller, member, inv, &lines, refers.as_deref())?,
            "application/pdf",
            "pdf",
        ),
        Format::Xml => (
            crate::cii::invoice_cii(&seller, member, inv, &lines, refers.as_deref())?.into_bytes(),
            "application/xml",
            "xml",
        ),
    };
    Ok((format!("{what}-{number}.{ext}"), content_type, body))
}

/// Renders one document of an invoice as a download.
///
/// # Errors
/// 404 for a draft (documents exist once finalized); rendering or database errors.
pub async fn download(
    ctx: &AppContext,
    member: &members::Model,
    inv: &billing_invoices::Model,
    format: Format,
) -> AppResult<Response> {
    let (name, content_type, body) = render(ctx, member, inv, format).await?;
    Ok(mutualis_core::web::page::download(
        content_type,
        &name,
        body,
    ))
}

/// Every finalized invoice and credit note of a member, PDF and CII XML, for its
/// export on departure (`ModuleDef::exports`).
pub fn exports(ctx: &AppContext, tenant: Tenant) -> BoxFut<'_, AppResult<Vec<ExportFile>>> {
    Box::pin(async move {
        let Some(member) = mutualis_core::member::find_by_id(&ctx.db, tenant.member_id()).await?
        else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for inv in service::invoices_of(&ctx.db, tenant).await? {
            if inv.number.is_none() {
                continue;
            }
            for format in [Format::Pdf, Format::Xml] {
                let (name, _, bytes) = render(ctx, &member, &inv, format).await?;
                out.push(ExportFile {
                    path: format!("factures/{name}"),
                    bytes,
                });
            }
        }
        Ok(out)
    })
}

/// What billing keeps of a departing member: its invoices and credit notes ten years
/// from their date, with their lines and approvals; drafts go.
pub const RETENTION: &[Retention] = &[
    Retention::new(
        "billing_invoices",
        Keep::YearsAfter {
            column: "issued_on",
            years: 10,
            when_empty: false,
        },
        "Factures et avoirs émis : conservés 10 ans à compter de leur date (art. L123-22 du Code de commerce, art. L102 B du Livre des procédures fiscales).",
    ),
    Retention::new(
        "billing_invoice_lines",
        Keep::WithParent {
            column: "invoice_id",
            parent: "billing_invoices",
        },
        "Lignes des factures et avoirs conservés (art. L123-22 C. com.).",
    ),
    Retention::new(
        "billing_approvals",
        Keep::WithParent {
            column: "invoice_id",
            parent: "billing_invoices",
        },
        "Validation des factures conservées : pièce justificative (art. L123-22 C. com.).",
    ),
];
