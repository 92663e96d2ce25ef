//! Pay periods (one per member and month) and their transitions: open → submitted →
//! validated by the director (locked) → exported → reopened with a reason; each audited.
//! The member's settings: the cut-off day (20 by default), the export profile, its code at
//! the provider.
use chrono::{Datelike, NaiveDate, Utc};
use mutualis_core::{
    error::{AppError, AppResult},
    ids::new_id,
    limits::{Check, Text},
    tenant::{MemberOwned, Tenant},
    time::Month,
    write::Write,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};

use crate::entities::{payroll_periods, payroll_settings};

/// The statuses.
pub mod status {
    pub const OPEN: &str = "open";
    pub const SUBMITTED: &str = "submitted";
    pub const VALIDATED: &str = "validated";
    pub const EXPORTED: &str = "exported";
    pub const REOPENED: &str = "reopened";
}

/// Whether lines may still be added to or removed from a period in this status.
#[must_use]
pub fn is_open(s: &str) -> bool {
    s == status::OPEN || s == status::REOPENED
}

/// The French label of a status.
#[must_use]
pub fn status_label(s: &str) -> &'static str {
    match s {
        status::OPEN => "Ouverte",
        status::SUBMITTED => "Soumise",
        status::VALIDATED => "Validée par la direction",
        status::EXPORTED => "Exportée",
        status::REOPENED => "Rouverte",
        _ => "—",
    }
}

/// The default cut-off day.
pub const DEFAULT_CUTOFF_DAY: i32 = 20;

/// A member's settings (the defaults when it has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub cutoff_day: i32,
    /// The export profile's code (`generic`, `123paie`).
    pub profile: String,
    /// The member's company code at its provider (the `societe` column).
    pub company_code: Option<String>,
}

/// The member's settings.
///
/// # Errors
/// Database errors.
pub async fn settings<C: ConnectionTrait>(db: &C, tenant: Tenant) -> AppResult<Settings> {
    Ok(payroll_settings::Entity::find_in(tenant)
        .one(db)
        .await?
        .map_or_else(
            || Settings {
                cutoff_day: DEFAULT_CUTOFF_DAY,
                profile: "generic".to_string(),
                company_code: None,
            },
            |s| Settings {
                cutoff_day: s.cutoff_day,
                profile: s.profile,
                company_code: s.company_code,
            },
        ))
}

/// Saves the member's settings (audited).
///
/// # Errors
/// 422 on a cut-off day outside 1–28 or an unknown profile; database errors.
pub async fn save_settings(
    w: &Write<'_>,
    cutoff_day: &str,
    profile: &str,
    company_code: &str,
    profiles: &[String],
) -> AppResult<Settings> {
    let mut c = Check::new();
    let day = match cutoff_day.trim().parse::<i32>() {
        Ok(d @ 1..=28) => Some(d),
        _ => {
            c.error("cutoff_day", "Le jour de clôture va du 1er au 28 du mois.");
            None
        }
    };
    let profile = profile.trim();
    if !profiles.iter().any(|p| p == profile) {
        c.error("profile", "Profil d’export inconnu.");
    }
    let company = c.optional_text("company_code", "Le code société", company_code, Text::Code);
    let day = c.finish(|| day).map_err(AppError::Validation)?;
    let now = Utc::now();
    let existing = payroll_settings::Entity::find_in(w.tenant())
        .one(w.txn())
        .await?;
    if let Some(row) = existing {
        let mut m: payroll_settings::ActiveModel = row.into();
        m.cutoff_day = Set(day);
        m.profile = Set(profile.to_string());
        m.company_code = Set(company.clone());
        m.updated_at = Set(now);
        payroll_settings::Entity::update_in(w.tenant(), m, w.txn()).await?;
    } else {
        payroll_settings::Entity::insert_in(
            w.tenant(),
            payroll_settings::ActiveModel {
                member_id: Set(w.tenant().member_id()),
                id: Set(new_id()),
                cutoff_day: Set(day),
                profile: Set(profile.to_string()),
                company_code: Set(company.clone()),
                updated_at: Set(now),
            },
            w.txn(),
        )
        .await?;
    }
    w.audit(
        "payroll_settings",
        &w.tenant().member_id().to_string(),
        "update",
        serde_json::json!({"cutoff_day": day, "profile": profile}),
    )
    .await?;
    Ok(Settings {
        cutoff_day: day,
        profile: profile.to_string(),
        company_code: company,
    })
}

/// The cut-off date of `month` for a cut-off day.
#[must_use]
pub fn cutoff_on(month: Month, day: i32) -> NaiveDate {
    let first = month.first_day();
    let day = u32::try_from(day.clamp(1, 28)).unwrap_or(20);
    first.with_day(day).unwrap_or(first)
}

/// The last day of `month`.
#[must_use]
pub fn last_day(month: Month) -> NaiveDate {
    month
        .next()
        .first_day()
        .pred_opt()
        .unwrap_or_else(|| month.first_day())
}

/// A period as stored, or as it would be (open, not yet stored) when nothing was
/// recorded for it.
///
/// # Errors
/// Database errors.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
) -> AppResult<Option<payroll_periods::Model>> {
    Ok(payroll_periods::Entity::find_in(tenant)
        .filter(payroll_periods::Column::Period.eq(month.to_string()))
        .one(db)
        .await?)
}

/// The period's status (`open` when nothing was recorded for it).
///
/// # Errors
/// Database errors.
pub async fn status_of<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
) -> AppResult<String> {
    Ok(find(db, tenant, month)
        .await?
        .map_or_else(|| status::OPEN.to_string(), |p| p.status))
}

/// The period, created open (with its cut-off date) on first use.
///
/// # Errors
/// Database errors.
pub async fn get_or_create(w: &Write<'_>, month: Month) -> AppResult<payroll_periods::Model> {
    if let Some(p) = find(w.txn(), w.tenant(), month).await? {
        return Ok(p);
    }
    let s = settings(w.txn(), w.tenant()).await?;
    let now = Utc::now();
    Ok(payroll_periods::Entity::insert_in(
        w.tenant(),
        payroll_periods::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            period: Set(month.to_string()),
            status: Set(status::OPEN.to_string()),
            cutoff_on: Set(cutoff_on(month, s.cutoff_day)),
            submitted_at: Set(None),
            submitted_by: Set(None),
            validated_at: Set(None),
            validated_by: Set(None),
            exported_at: Set(None),
            reopened_at: Set(None),
            reopened_by: Set(None),
            reopen_reason: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        },
        w.txn(),
    )
    .await?)
}

/// The periods recorded for the member, the latest first.
///
/// # Errors
/// Database errors.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<Vec<payroll_periods::Model>> {
    Ok(payroll_periods::Entity::find_in(tenant)
        .order_by_desc(payroll_periods::Column::Period)
        .all(db)
        .await?)
}

/// The 409 a locked period answers.
#[must_use]
pub fn locked(month: Month, status: &str) -> AppError {
    AppError::Conflict(format!(
        "La période {} est {} : elle ne se modifie plus. Les éléments qui la concernent se saisissent sur la période ouverte, où ils sont marqués comme rectificatifs.",
        mutualis_core::web::views::month_label(month),
        status_label(status).to_lowercase()
    ))
}

/// Moves the period to `to` when it is in one of `from`; audited.
async fn transition(
    w: &Write<'_>,
    by: &str,
    month: Month,
    from: &[&str],
    to: &'static str,
    reason: Option<String>,
) -> AppResult<payroll_periods::Model> {
    let p = get_or_create(w, month).await?;
    if !from.contains(&p.status.as_str()) {
        return Err(AppError::Conflict(format!(
            "La période est « {} » : ce passage n’est pas possible.",
            status_label(&p.status)
        )));
    }
    let now = Utc::now();
    let mut m: payroll_periods::ActiveModel = p.clone().into();
    m.status = Set(to.to_string());
    match to {
        status::SUBMITTED => {
            m.submitted_at = Set(Some(now));
            m.submitted_by = Set(Some(by.to_string()));
        }
        status::VALIDATED => {
            m.validated_at = Set(Some(now));
            m.validated_by = Set(Some(by.to_string()));
        }
        status::EXPORTED => m.exported_at = Set(Some(now)),
        status::REOPENED => {
            m.reopened_at = Set(Some(now));
            m.reopened_by = Set(Some(by.to_string()));
            m.reopen_reason = Set(reason.clone());
            m.submitted_at = Set(None);
            m.validated_at = Set(None);
            m.validated_by = Set(None);
        }
        _ => {}
    }
    m.updated_at = Set(now);
    let p = payroll_periods::Entity::update_in(w.tenant(), m, w.txn()).await?;
    let action = match to {
        status::SUBMITTED => "submit",
        status::VALIDATED => "validate",
        status::EXPORTED => "export",
        _ => "reopen",
    };
    w.audit(
        "payroll_period",
        &p.period,
        action,
        serde_json::json!({"period": p.period, "was": from.first(), "reason": reason}),
    )
    .await?;
    Ok(p)
}

/// Submits an open period (the caller checked the findings).
///
/// # Errors
/// 409 when not open; database errors.
pub async fn submit(w: &Write<'_>, by: &str, month: Month) -> AppResult<payroll_periods::Model> {
    transition(
        w,
        by,
        month,
        &[status::OPEN, status::REOPENED],
        status::SUBMITTED,
        None,
    )
    .await
}

/// The director validates a submitted period: it is locked.
///
/// # Errors
/// 409 when not submitted; database errors.
pub async fn validate(w: &Write<'_>, by: &str, month: Month) -> AppResult<payroll_periods::Model> {
    transition(w, by, month, &[status::SUBMITTED], status::VALIDATED, None).await
}

/// Marks a validated (or already exported) period exported.
///
/// # Errors
/// 409 when not validated; database errors.
pub async fn mark_exported(
    w: &Write<'_>,
    by: &str,
    month: Month,
) -> AppResult<payroll_periods::Model> {
    transition(
        w,
        by,
        month,
        &[status::VALIDATED, status::EXPORTED],
        status::EXPORTED,
        None,
    )
    .await
}

/// Reopens a submitted, validated or exported period, with its reason.
///
/// # Errors
/// 422 without a reason; 409 when open; database errors.
pub async fn reopen(
    w: &Write<'_>,
    by: &str,
    month: Month,
    reason: &str,
) -> AppResult<payroll_periods::Model> {
    let mut c = Check::new();
    let reason = c.text(
        "reason",
        "Le motif",
        reason,
        Text::Long,
        "Rouvrir une période demande un motif (il figure au journal).",
    );
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    transition(
        w,
        by,
        month,
        &[status::SUBMITTED, status::VALIDATED, status::EXPORTED],
        status::REOPENED,
        Some(reason),
    )
    .await
}
