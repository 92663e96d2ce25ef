//! A spreadsheet import of variable elements: the report and the valid rows staged until confirmed.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payroll_imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub period: String,
    pub filename: String,
    pub sha256: String,
    pub rows: i64,
    pub valid: i64,
    #[sea_orm(column_type = "Text")]
    pub report: String,
    #[sea_orm(column_type = "Text")]
    pub staged: String,
    pub status: String,
    pub imported: i64,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
