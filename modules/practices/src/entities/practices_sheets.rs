//! A practice sheet, as it is now (its earlier versions in `practices_sheet_versions`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practices_sheets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    /// Plain text.
    pub summary: String,
    /// Markdown, as typed.
    pub body: String,
    /// JSON lists of codes.
    pub themes: String,
    pub tags: String,
    pub establishment_types: String,
    /// `draft`, `submitted`, `published`, `returned`, `archived`.
    pub status: String,
    pub version: i32,
    pub author_id: i64,
    pub author_name: String,
    pub moderator_comment: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
