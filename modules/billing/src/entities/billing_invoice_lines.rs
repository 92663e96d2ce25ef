//! Entity for the `billing_invoice_lines` table (written by hand; see migrations).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "billing_invoice_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub position: i32,
    pub module: String,
    pub charge_code: String,
    pub charge_kind: String,
    pub label: String,
    pub meter: Option<String>,
    pub quantity: String,
    pub unit: String,
    pub unit_price: Option<String>,
    pub share_pct: Option<String>,
    pub pool_cents: Option<i64>,
    pub amount_cents: i64,
    pub vat_rate: String,
    pub vat_cents: i64,
    pub explanation: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
