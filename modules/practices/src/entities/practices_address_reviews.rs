//! A member's review of an address (one per member and address, editable).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practices_address_reviews")]
pub struct Model {
    /// The reviewing member.
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The address's member (an address of any member is reviewed).
    pub address_member_id: i64,
    pub address_id: Uuid,
    /// 1 to 5.
    pub rating: i32,
    pub text: String,
    pub author_id: i64,
    pub author_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
