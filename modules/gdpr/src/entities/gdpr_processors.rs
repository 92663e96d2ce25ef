//! A processor of the member (Art. 28) and its contract.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gdpr_processors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub service: String,
    pub country: String,
    pub art28_clauses: bool,
    pub contract_document: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub guarantees: Option<String>,
    pub own_register: bool,
    #[sea_orm(column_type = "Text")]
    pub transfers: Option<String>,
    pub dpo_contact: Option<String>,
    pub expires_on: Option<Date>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
