//! The payroll officer's board (`/coop/payroll`): every served member's current period —
//! status, lines, blocking findings and warnings, cut-off date, days left —, the members
//! late for their cut-off first. A member not served is invisible.
use chrono::NaiveDate;
use mutualis_core::{error::AppResult, served::Served, time::Month};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::{domain::Severity, findings, lines, periods};

/// One member's current period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = PayrollBoardRow)]
pub struct Row {
    /// The member's slug.
    pub member: String,
    #[serde(skip)]
    pub member_name: String,
    /// `YYYY-MM`.
    pub period: String,
    pub status: String,
    pub cutoff_on: NaiveDate,
    /// Days left before the cut-off (negative once past).
    pub days_left: i64,
    pub lines: usize,
    pub blocking: usize,
    /// Warnings not acknowledged yet.
    pub warnings: usize,
    /// Past the cut-off and still open.
    pub late: bool,
}

/// The board for `month` over the members served.
///
/// # Errors
/// Database errors.
pub async fn rows<C: ConnectionTrait>(
    db: &C,
    served: &[Served],
    month: Month,
    today: NaiveDate,
) -> AppResult<Vec<Row>> {
    let mut out = Vec::new();
    for s in served {
        let t = s.tenant();
        let settings = periods::settings(db, t).await?;
        let p = periods::find(db, t, month).await?;
        let status = p
            .as_ref()
            .map_or_else(|| periods::status::OPEN.to_string(), |p| p.status.clone());
        let cutoff = p.as_ref().map_or_else(
            || periods::cutoff_on(month, settings.cutoff_day),
            |p| p.cutoff_on,
        );
        let all = lines::all(db, t, month).await?;
        let found = findings::of_period(db, t, month).await?;
        let blocking = found
            .iter()
            .filter(|f| f.severity == Severity::Blocking.code())
            .count();
        let warnings = found
            .iter()
            .filter(|f| f.severity == Severity::Warning.code() && !f.acknowledged)
            .count();
        let days_left = (cutoff - today).num_days();
        out.push(Row {
            member: s.member.slug.clone(),
            member_name: s.member.name.clone(),
            period: month.to_string(),
            late: periods::is_open(&status) && days_left < 0,
            status,
            cutoff_on: cutoff,
            days_left,
            lines: all.len(),
            blocking,
            warnings,
        });
    }
    out.sort_by(|a, b| {
        b.late
            .cmp(&a.late)
            .then(a.days_left.cmp(&b.days_left))
            .then(a.member_name.cmp(&b.member_name))
    });
    Ok(out)
}
