//! A processing activity of a member's register; `fields` holds the activity as JSON (the CNIL model's fields).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gdpr_activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub fields: String,
    pub version: i32,
    pub dpia_required: bool,
    pub dpia_override: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub dpia_override_reason: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub recommendations: Option<String>,
    pub checked_by: Option<String>,
    pub checked_at: Option<DateTimeUtc>,
    pub template_id: Option<i64>,
    pub template_version: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub template_base: Option<String>,
    pub template_rejected_version: Option<i32>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
