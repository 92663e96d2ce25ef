//! A dated point value of a collective agreement (cooperative-wide configuration).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hr_point_values")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agreement: String,
    pub valid_from: Date,
    /// Decimal string, e.g. `3.96`.
    pub value: String,
    pub source: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
