//! A DPIA of an activity (Art. 35) and its four sign-offs.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gdpr_dpias")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub activity_id: Uuid,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: Option<String>,
    pub author_name: Option<String>,
    pub author_signed_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub dpo_opinion: Option<String>,
    pub dpo_signed_by: Option<String>,
    pub dpo_signed_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub representative_opinion: Option<String>,
    pub representative_signed_by: Option<String>,
    pub representative_signed_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub controller_decision: Option<String>,
    pub controller_signed_by: Option<String>,
    pub controller_signed_at: Option<DateTimeUtc>,
    pub consultation_sent_on: Option<Date>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
