//! Entity for the `billing_charges` table (written by hand; see migrations).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "billing_charges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub module: String,
    pub code: String,
    pub label: String,
    pub kind: String,
    pub effective_from: String,
    pub active: bool,
    pub amount_cents: Option<i64>,
    pub meter: Option<String>,
    pub unit_price: Option<String>,
    pub tiers: Option<String>,
    pub fixed_share: Option<String>,
    pub fixed_basis: Option<String>,
    pub fixed_meter: Option<String>,
    pub vat_rate: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
