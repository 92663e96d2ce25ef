//! One movement of the append-only leave ledger.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hr_leave_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub employee_id: Uuid,
    pub leave_type: String,
    pub kind: String,
    /// Signed, in millionths of a day.
    pub days_micros: i64,
    /// The acquisition period (`2025-2026` for CP, `2026-T1` for CT66, `2026` for RTT).
    pub period: String,
    pub effective_date: Date,
    /// Unique per member when set: what makes accrual runs idempotent.
    pub source_key: Option<String>,
    pub request_id: Option<Uuid>,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
