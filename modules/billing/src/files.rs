//! The documents of a finalized invoice, as downloads: PDF (and, with `cii`, the
//! EN 16931 XML). Rendered on demand from the invoice's immutable data.
use axum::response::Response;
use loco_rs::app::AppContext;
use mutualis_core::{
    entities::members,
    error::{AppError, AppResult},
    tenant::OwnedRow,
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
    Ok(mutualis_core::web::page::download(
        content_type,
        &format!("{what}-{number}.{ext}"),
        body,
    ))
}
