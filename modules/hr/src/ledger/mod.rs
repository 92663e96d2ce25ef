//! The leave ledger in the database: requests and their approval, manual adjustments,
//! and the monthly accrual run. The ledger is append-only: a balance is always the sum
//! of its movements; a correction is a new movement.
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, Utc};
use mutualis_core::{
    audit::{self, Actor},
    db::begin_write,
    error::{AppError, AppResult, FieldError},
    ids::new_id,
    limits::{Check, Dates, Text},
    scope::Scope,
    tenant::{MemberOwned, Tenant},
    time::{Month, fr_date, paris_today},
};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set, TransactionSession,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    calendar,
    contracts::{self, Contract},
    entities::{hr_accrual_runs, hr_leave_entries, hr_leave_requests, hr_settings},
    leave::{self, EarnedSoFar, MonthFacts, cp_period, days, fr_days, micros},
};

mod requests;
pub use requests::*;
mod decisions;
pub use decisions::*;
mod accruals;
pub use accruals::*;

/// A member's HR settings (defaults when never saved).
///
/// # Errors
/// Database errors.
pub async fn settings<C: ConnectionTrait>(db: &C, tenant: Tenant) -> AppResult<hr_settings::Model> {
    Ok(hr_settings::Entity::find_in(tenant)
        .one(db)
        .await?
        .unwrap_or(hr_settings::Model {
            member_id: tenant.member_id(),
            alsace_moselle: false,
            first_interview_months: 12,
            interview_every_years: 4,
            review_every_years: 8,
            reminder_days: 60,
            updated_at: Utc::now(),
        }))
}

/// Saves a member's HR settings.
///
/// # Errors
/// Database errors.
pub async fn save_settings<C: TransactionTrait<Transaction = sea_orm::DatabaseTransaction>>(
    db: &C,
    scope: &Scope,
    s: &hr_settings::Model,
) -> AppResult<()> {
    let w = scope.write(db).await?;
    hr_settings::Entity::delete_in(w.tenant())
        .exec(w.txn())
        .await?;
    hr_settings::Entity::insert_in(
        w.tenant(),
        hr_settings::ActiveModel {
            alsace_moselle: Set(s.alsace_moselle),
            first_interview_months: Set(s.first_interview_months),
            interview_every_years: Set(s.interview_every_years),
            review_every_years: Set(s.review_every_years),
            reminder_days: Set(s.reminder_days),
            updated_at: Set(Utc::now()),
            ..Default::default()
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "hr_settings",
        &scope.member_id().to_string(),
        "update",
        serde_json::json!({"alsace_moselle": s.alsace_moselle, "interview_every_years": s.interview_every_years, "review_every_years": s.review_every_years}),
    )
    .await?;
    w.commit().await
}

/// The balance of one leave type and period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Balance {
    pub leave_type: String,
    pub period: String,
    pub accrued: Decimal,
    pub taken: Decimal,
    pub adjusted: Decimal,
    pub expired: Decimal,
    pub carried: Decimal,
    pub balance: Decimal,
}

/// Balances from ledger movements, by type then period (oldest first).
#[must_use]
pub fn balances_of(entries: &[hr_leave_entries::Model]) -> Vec<Balance> {
    let mut by: BTreeMap<(usize, String, String), Balance> = BTreeMap::new();
    for e in entries {
        let order = leave::TYPES
            .iter()
            .position(|t| t.code == e.leave_type)
            .unwrap_or(usize::MAX);
        let b = by
            .entry((order, e.leave_type.clone(), e.period.clone()))
            .or_insert_with(|| Balance {
                leave_type: e.leave_type.clone(),
                period: e.period.clone(),
                ..Default::default()
            });
        let d = days(e.days_micros);
        match e.kind.as_str() {
            "accrual" => b.accrued += d,
            "taking" => b.taken -= d,
            "expiry" => b.expired -= d,
            "carry_over" => b.carried += d,
            _ => b.adjusted += d,
        }
        b.balance += d;
    }
    by.into_values().collect()
}

/// One employee's ledger, oldest first (404 for another member's employee).
///
/// # Errors
/// 404; database errors.
pub async fn entries<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
) -> AppResult<Vec<hr_leave_entries::Model>> {
    crate::employees::get(db, scope.tenant(), employee_id).await?;
    entries_for(db, scope.tenant(), Some(employee_id)).await
}

pub(crate) async fn entries_for<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    employee_id: Option<Uuid>,
) -> AppResult<Vec<hr_leave_entries::Model>> {
    let mut q = hr_leave_entries::Entity::find_in(tenant);
    if let Some(e) = employee_id {
        q = q.filter(hr_leave_entries::Column::EmployeeId.eq(e));
    }
    Ok(q.order_by_asc(hr_leave_entries::Column::EffectiveDate)
        .order_by_asc(hr_leave_entries::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Every employee's total balance per leave type (for the leave overview).
///
/// # Errors
/// Database errors.
pub async fn totals<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> AppResult<HashMap<(Uuid, String), Decimal>> {
    let mut out: HashMap<(Uuid, String), Decimal> = HashMap::new();
    for e in entries_for(db, scope.tenant(), None).await? {
        *out.entry((e.employee_id, e.leave_type)).or_default() += days(e.days_micros);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
