//! A service the cooperative runs for its members as their processor (Art. 30(2)).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gdpr_coop_services")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub module: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub purposes: String,
    #[sea_orm(column_type = "Text")]
    pub data_categories: String,
    #[sea_orm(column_type = "Text")]
    pub subprocessors: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub transfers: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub security: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
