//! `members.erased_at`: when the member was erased on its departure (its row stays,
//! the rows the law keeps still point at it).
use sea_orm_migration::prelude::*;

use crate::columns::{a, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("members"))
                .add_column(ts_null("erased_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("members"))
                .drop_column(a("erased_at"))
                .to_owned(),
        )
        .await
    }
}
