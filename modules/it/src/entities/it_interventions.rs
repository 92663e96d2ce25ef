//! An intervention of the IT staff for a member: the journal support hours are metered from.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "it_interventions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub day: Date,
    pub minutes: i64,
    pub ticket: Option<String>,
    pub category: String,
    pub remote: bool,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub contact: Option<String>,
    pub status: String,
    pub resolved_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
