//! HR: employees of a member (member-owned: primary key `(member_id, id)`, matricule
//! unique per member).
use sea_orm_migration::prelude::*;

use crate::columns::{a, text, text_null, ts, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("hr_employees"))
                .col(ColumnDef::new(a("member_id")).big_integer().not_null())
                .col(uuid_col("id"))
                .col(text("matricule"))
                .col(text("first_name"))
                .col(text("last_name"))
                .col(text("sex"))
                .col(ColumnDef::new(a("birth_date")).date().not_null())
                .col(text("nationality"))
                .col(text("nir"))
                .col(ColumnDef::new(a("establishment_id")).uuid().null())
                .col(ColumnDef::new(a("entry_date")).date().not_null())
                .col(ColumnDef::new(a("exit_date")).date().null())
                .col(text_null("email"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .primary_key(Index::create().col(a("member_id")).col(a("id")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("hr_employees"), a("member_id"))
                        .to(a("members"), a("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("hr_employees"), (a("member_id"), a("establishment_id")))
                        .to(a("establishments"), (a("member_id"), a("id"))),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_hr_employees_matricule")
                .table(a("hr_employees"))
                .col(a("member_id"))
                .col(a("matricule"))
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("hr_employees")).to_owned())
            .await
    }
}
