//! A member's pay period (YYYY-MM) and its transitions.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payroll_periods")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub period: String,
    pub status: String,
    pub cutoff_on: Date,
    pub submitted_at: Option<DateTimeUtc>,
    pub submitted_by: Option<String>,
    pub validated_at: Option<DateTimeUtc>,
    pub validated_by: Option<String>,
    pub exported_at: Option<DateTimeUtc>,
    pub reopened_at: Option<DateTimeUtc>,
    pub reopened_by: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub reopen_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
