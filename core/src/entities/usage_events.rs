//! Entity for the `usage_events` table (written by hand; see migrations).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "usage_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meter: String,
    pub quantity_micros: i64,
    pub occurred_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
    pub idempotency_key: String,
    pub source: String,
    pub unique_value: Option<String>,
    pub reason: Option<String>,
    pub properties: String,
    /// The period (`YYYY-MM`) the event counts in.
    pub period: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
