//! A personal data breach (Art. 33/34), its times in UTC.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gdpr_breaches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub discovered_at: DateTimeUtc,
    pub aware_at: DateTimeUtc,
    pub ongoing: bool,
    #[sea_orm(column_type = "Text")]
    pub natures: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text")]
    pub origin: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub cause: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub data_categories: String,
    #[sea_orm(column_type = "Text")]
    pub person_categories: String,
    pub persons_count: Option<i64>,
    pub records_count: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub consequences: Option<String>,
    pub severity: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub measures_taken: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub measures_planned: Option<String>,
    pub decision: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub decision_reason: Option<String>,
    pub notified_at: Option<DateTimeUtc>,
    pub notification_reference: Option<String>,
    pub notification_kind: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub late_reason: Option<String>,
    pub persons_informed: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub persons_exemption: Option<String>,
    pub ars_reported_at: Option<DateTimeUtc>,
    pub declared_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
