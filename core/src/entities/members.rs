//! Entity for the `members` table (written by hand; see migrations).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub siren: String,
    pub address: String,
    pub finess: Option<String>,
    pub vat_status: String,
    pub billing_email: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the member was erased on its departure (`core::offboarding`).
    pub erased_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
