//! The cooperative's IT support setting: durations rounded up to this many minutes.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "it_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub rounding_minutes: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
