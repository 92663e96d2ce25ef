//! One version of an employment contract (never updated).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hr_contracts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub employee_id: Uuid,
    pub contract_id: Uuid,
    pub version: i32,
    pub valid_from: Date,
    pub kind: String,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub cdd_reason: Option<String>,
    pub trial_end: Option<Date>,
    /// Decimal string, e.g. `17.5`.
    pub weekly_hours: String,
    pub agreement: String,
    pub position: String,
    pub qualification: Option<String>,
    pub coefficient: Option<i32>,
    pub step: Option<i32>,
    pub quarterly_leave: bool,
    pub agency: Option<String>,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
