//! A finding of the checks of a period, kept by its key with its acknowledgement.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payroll_findings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub period: String,
    pub finding_key: String,
    pub rule: String,
    pub severity: String,
    pub matricule: String,
    pub line_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    pub active: bool,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub ack_comment: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
