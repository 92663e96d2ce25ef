//! The IT support module joins the catalogue: its support hours and tickets were billed
//! to members while "Support informatique" was in no member's module list.
use sea_orm_migration::prelude::*;

use crate::columns::a;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let insert = Query::insert()
            .into_table(a("modules"))
            .columns([a("code"), a("name"), a("description"), a("position")])
            .values_panic([
                "it".into(),
                "Support informatique".into(),
                "Interventions du support informatique mutualisé : heures et tickets".into(),
                7.into(),
            ])
            .to_owned();
        m.exec_stmt(insert).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let delete = Query::delete()
            .from_table(a("modules"))
            .and_where(Expr::col(a("code")).eq("it"))
            .to_owned();
        m.exec_stmt(delete).await
    }
}
