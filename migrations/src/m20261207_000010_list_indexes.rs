//! The indexes of the keyset-paginated lists (`core::keyset`): each page is one range
//! scan of an index that starts with `member_id` and ends with the list's sort key.
use sea_orm_migration::prelude::*;

use crate::columns::a;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_hr_employees_name")
                .table(a("hr_employees"))
                .col(a("member_id"))
                .col(a("last_name"))
                .col(a("first_name"))
                .col(a("id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_hr_employees_name")
                .table(a("hr_employees"))
                .to_owned(),
        )
        .await
    }
}
