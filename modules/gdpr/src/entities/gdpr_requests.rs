//! A data-subject request (Art. 12, 15–22) and its deadline.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gdpr_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub received_on: Date,
    #[sea_orm(column_type = "Text")]
    pub applicant: String,
    pub applicant_contact: Option<String>,
    pub representative: Option<String>,
    pub identity_verified: bool,
    pub state: String,
    pub medical_file: bool,
    pub file_older_than_5_years: bool,
    pub due_on: Date,
    #[sea_orm(column_type = "Text")]
    pub extension_reason: Option<String>,
    pub informed_on: Option<Date>,
    pub answered_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub answer: Option<String>,
    pub answer_channel: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub activity_ids: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
