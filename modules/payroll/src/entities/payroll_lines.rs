//! A variable element of a period (quantities in millionths, amounts in cents).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payroll_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub period: String,
    pub concerns: String,
    pub employee_id: Uuid,
    pub matricule: String,
    pub code: String,
    pub quantity_micros: i64,
    pub rate: Option<String>,
    pub amount_cents: Option<i64>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub first_stop: Option<bool>,
    pub certificate: bool,
    pub source: String,
    pub source_ref: Option<String>,
    pub late: bool,
    #[sea_orm(column_type = "Text")]
    pub comment: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
