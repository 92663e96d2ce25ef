//! A document a member generated: the template version and the values (JSON), from which
//! its files are made again, identical, on each download.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "legal_documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub template_id: i64,
    pub template_slug: String,
    pub template_version: i32,
    pub title: String,
    /// `{"values": {…}, "context": {…}}`: what was typed and the member's profile (and
    /// employee) as they were.
    pub input: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
