//! The transitions that touch more than the period row: submitting writes HR's lines down
//! with the period once no blocking finding and no unacknowledged warning is left;
//! reopening takes them back (HR is read live again).
use mutualis_core::{
    error::{AppError, AppResult},
    scope::Scope,
    time::Month,
};

use crate::{entities::payroll_periods, findings, lines, periods};

/// Submits the period to the director.
///
/// # Errors
/// 422 listing what stands in the way; 409 when not open; database errors.
pub async fn submit<C>(db: &C, scope: &Scope, month: Month) -> AppResult<payroll_periods::Model>
where
    C: sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let w = scope.write(db).await?;
    let st = periods::status_of(w.txn(), w.tenant(), month).await?;
    if !periods::is_open(&st) {
        return Err(AppError::Conflict(format!(
            "La période est « {} » : elle ne se soumet plus.",
            periods::status_label(&st)
        )));
    }
    let found = findings::of_period(w.txn(), w.tenant(), month).await?;
    let obstacles = findings::obstacles(&found);
    if !obstacles.is_empty() {
        return Err(AppError::Validation(obstacles));
    }
    let by = scope.actor().label;
    let period = periods::get_or_create(&w, month).await?;
    lines::materialize_hr(&w, &by, &period).await?;
    let p = periods::submit(&w, &by, month).await?;
    w.commit().await?;
    Ok(p)
}

/// Reopens the period with its reason (the director).
///
/// # Errors
/// 422 without a reason; 409 when open; database errors.
pub async fn reopen<C>(
    db: &C,
    scope: &Scope,
    month: Month,
    reason: &str,
) -> AppResult<payroll_periods::Model>
where
    C: sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let w = scope.write(db).await?;
    let p = periods::reopen(&w, &scope.actor().label, month, reason).await?;
    lines::drop_hr(&w, month).await?;
    w.commit().await?;
    Ok(p)
}
