//! Exporting a validated period: the files for the member's payroll software (the generic
//! CSV of DOMAIN.md, the same as XLSX, the 123Paie layout), and the recap PDF per
//! establishment for the director's signature — each stored, hashed and versioned (a
//! re-export makes new current versions and keeps the earlier ones). `payroll.payslips` is
//! recorded in the same transaction, one event per employee and period: a re-export, or a
//! reopened period exported again, counts each employee once.
use std::collections::BTreeMap;

use chrono::Utc;
use mutualis_core::{
    error::{AppError, AppResult},
    member,
    metering::Usage,
    tenant::CoopOwned,
    time::Month,
    write::Write,
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, QueryFilter};
use serde::Serialize;

use crate::{
    entities::payroll_profiles,
    files, findings,
    formats::{self, ExportContext, ExportProfile, RecapContext},
    lines, periods,
};

/// The files of an export, by kind: (kind, file name suffix, media type).
pub const KINDS: [(&str, &str, &str); 4] = [
    ("csv", "generique.csv", "text/csv; charset=utf-8"),
    ("xlsx", "generique.xlsx", mutualis_core::web::page::XLSX),
    ("123paie", "123paie.txt", "text/plain; charset=us-ascii"),
    ("recap", "recapitulatif.pdf", "application/pdf"),
];

/// One file made by an export.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = PayrollExportFile)]
pub struct FileInfo {
    pub name: String,
    pub sha256: String,
    pub version: i32,
}

/// The profile named `code`: the cooperative's stored ones first, then the built-ins.
///
/// # Errors
/// 422 naming `profile` when there is none; database errors.
pub async fn profile<C: sea_orm::ConnectionTrait>(db: &C, code: &str) -> AppResult<ExportProfile> {
    if let Some(row) = payroll_profiles::Entity::find_shared()
        .filter(payroll_profiles::Column::Code.eq(code))
        .one(db)
        .await?
    {
        return ExportProfile::from_json(&row.config).map_err(|m| AppError::field("profile", m));
    }
    ExportProfile::builtin(code).ok_or_else(|| {
        AppError::field(
            "profile",
            "Profil d’export inconnu : « generic » ou « 123paie ».",
        )
    })
}

/// Exports a validated (or already exported) period with `profile_code`; returns the
/// files, the profile's own first.
///
/// # Errors
/// 409 before the director's validation; 422 on an unknown profile; database errors.
pub async fn export(
    w: &Write<'_>,
    by: &str,
    month: Month,
    profile_code: &str,
) -> AppResult<Vec<FileInfo>> {
    let period = periods::get_or_create(w, month).await?;
    if !matches!(
        period.status.as_str(),
        periods::status::VALIDATED | periods::status::EXPORTED
    ) {
        return Err(AppError::Conflict(
            "La période doit d’abord être validée par la direction avant d’être exportée."
                .to_string(),
        ));
    }
    let chosen = profile(w.txn(), profile_code).await?;
    let t = w.tenant();
    let m = member::find_by_id(w.txn(), t.member_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let settings = periods::settings(w.txn(), t).await?;
    let all: Vec<_> = lines::stored(w.txn(), t, month)
        .await?
        .iter()
        .map(lines::line_of)
        .collect();
    let employees = findings::employee_facts(w.txn(), t, month).await?;
    let code_map = files::code_map(w.txn(), t).await?;
    let alsace = mutualis_hr::facts::alsace_moselle(w.txn(), t).await?;
    let ctx = ExportContext {
        company: settings
            .company_code
            .clone()
            .unwrap_or_else(|| m.siren.clone()),
        period: month,
        alsace_moselle: alsace,
    };
    let recap = RecapContext {
        member_name: m.name.clone(),
        period: month,
        establishments: member::establishments(w.txn(), m.id)
            .await?
            .into_iter()
            .map(|e| (e.nic, e.name))
            .collect(),
        validated_by: period.validated_by.clone(),
        validated_at: period.validated_at,
        generated_at: Utc::now(),
    };
    let generic = ExportProfile::builtin("generic").ok_or(AppError::NotFound)?;
    let paie123 = ExportProfile::builtin("123paie").ok_or(AppError::NotFound)?;
    // A stored profile of the cooperative's own: its file too.
    let own = !matches!(profile_code, "generic" | "123paie");
    // The files are independent renderings of the same lines: made side by side, the
    // XLSX and the PDF (the longest) on threads of their own.
    let (xlsx, recap_pdf, texts) = std::thread::scope(|s| {
        let xlsx = s.spawn(|| formats::xlsx(&ctx, &all, &employees, &code_map));
        let pdf = s.spawn(|| formats::recap_pdf(&recap, &all, &employees));
        let csv = formats::render(&generic, &ctx, &all, &employees, &code_map);
        let paie = formats::render(&paie123, &ctx, &all, &employees, &code_map);
        let profile = own.then(|| formats::render(&chosen, &ctx, &all, &employees, &code_map));
        (xlsx.join(), pdf.join(), (csv, paie, profile))
    });
    let failed = || AppError::Unexpected(anyhow::anyhow!("payroll export: a renderer panicked"));
    let xlsx = xlsx.map_err(|_| failed())??;
    let recap_pdf = recap_pdf
        .map_err(|_| failed())?
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e.to_string())))?;
    let (csv, paie, profile) = texts;
    let mut made: Vec<(&str, Vec<u8>)> = vec![
        ("csv", csv),
        ("xlsx", xlsx),
        ("123paie", paie),
        ("recap", recap_pdf),
    ];
    if let Some(own_file) = profile {
        made.insert(0, ("profile", own_file));
    } else if profile_code == "123paie" {
        made.swap(0, 2);
    }
    let mut out = Vec::new();
    for (kind, content) in made {
        let suffix = KINDS.iter().find(|(k, _, _)| *k == kind).map_or_else(
            || format!("{profile_code}.txt"),
            |(_, s, _)| (*s).to_string(),
        );
        let name = format!("paie-{}-{month}-{suffix}", m.slug);
        let row = files::store(w, by, month, kind, profile_code, &name, content).await?;
        out.push(FileInfo {
            name: row.name,
            sha256: row.sha256,
            version: row.version,
        });
    }
    // One payslip per employee exported for the period, whatever the re-exports.
    let by_matricule = lines::employees_by_matricule(w.txn(), t).await?;
    let mut exported: BTreeMap<uuid::Uuid, ()> = BTreeMap::new();
    for l in &all {
        if let Some(e) = by_matricule.get(&l.matricule) {
            exported.insert(e.id, ());
        }
    }
    for id in exported.keys() {
        w.usage(Usage::new(
            crate::meter::PAYSLIPS.code,
            Decimal::ONE,
            &format!("payroll.payslips:{month}:{id}"),
        ))
        .await?;
    }
    periods::mark_exported(w, by, month).await?;
    w.audit(
        "payroll_export",
        &month.to_string(),
        "create",
        serde_json::json!({"period": month.to_string(), "profile": profile_code,
                           "files": out.len(), "employees": exported.len()}),
    )
    .await?;
    Ok(out)
}

/// The media type of a kind of file.
#[must_use]
pub fn media_type(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or("application/octet-stream", |(_, _, t)| t)
}
