//! Every state an activity was in, from its creation: the register at a past date.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gdpr_activity_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub activity_id: Uuid,
    pub version: i32,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub fields: String,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
