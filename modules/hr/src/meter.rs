//! The HR module's meter: employees under contract in a month, recorded by the monthly
//! task, one event per employee and month (idempotent: a re-run records nothing new).
use mutualis_core::{
    db::begin_write,
    error::AppResult,
    metering::{Aggregation, Meter, Meters, Recorded, Usage, record_usage_for},
    tenant::Tenant,
    time::{Month, paris_midnight},
};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, TransactionSession, TransactionTrait};

use crate::{calendar, contracts};

/// `hr.active_employees`: distinct employees with a contract in force during the month.
pub const ACTIVE_EMPLOYEES: Meter = Meter {
    code: "hr.active_employees",
    module: "hr",
    aggregation: Aggregation::UniqueCount {
        property: "employee",
    },
    unit: "salariés",
    label: "Salariés sous contrat dans le mois",
    max_per_event: 1_000_000,
};

/// The module's meters.
pub const METERS: [Meter; 1] = [ACTIVE_EMPLOYEES];

/// Records one event per employee under contract during `month` for a member (dated on
/// the month's last day, noon in Paris). Returns (employees under contract, events new).
///
/// # Errors
/// 422 for a month not finished yet; database errors (nothing recorded).
pub async fn record_active_employees<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    meters: &Meters,
    tenant: Tenant,
    month: Month,
) -> AppResult<(usize, usize)> {
    if month >= Month::of(chrono::Utc::now()) {
        return Err(mutualis_core::error::AppError::field(
            "month",
            format!(
                "Le mois {} n’est pas terminé : les salariés sous contrat se comptent sur un mois échu.",
                mutualis_core::web::views::month_label(month)
            ),
        ));
    }
    let Some((first, last)) = calendar::month_bounds(month.year, month.month) else {
        return Ok((0, 0));
    };
    let at = paris_midnight(last) + chrono::Duration::hours(12);
    let txn = begin_write(db).await?;
    let by_employee = contracts::by_employee_for(&txn, tenant).await?;
    let mut active = 0;
    let mut new = 0;
    for (employee_id, cs) in &by_employee {
        if !cs.iter().any(|c| c.overlaps(first, last)) {
            continue;
        }
        active += 1;
        let key = format!("hr.active_employees:{month}:{employee_id}");
        let usage = Usage::new(ACTIVE_EMPLOYEES.code, Decimal::ONE, &key)
            .properties(serde_json::json!({"employee": employee_id.to_string()}))
            .at(at);
        if record_usage_for(&txn, meters, tenant, usage).await? == Recorded::Inserted {
            new += 1;
        }
    }
    txn.commit().await?;
    Ok((active, new))
}
