//! A good address (provider, tool, contact…) proposed by a member, read by every
//! subscribed member.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practices_addresses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// A code of `addresses::CATEGORIES`.
    pub category: String,
    /// A label of `addresses::REGIONS`.
    pub region: String,
    pub website: Option<String>,
    pub contact: String,
    pub description: String,
    pub author_id: i64,
    pub author_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
