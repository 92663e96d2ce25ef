//! IT support: the interventions the shared IT staff record per member (the journal the
//! support hours are metered from), each member's IT contact, and the cooperative's
//! setting of the rounding of durations.
use sea_orm_migration::prelude::*;

use crate::columns::{a, big, member_owned_table, pk_auto, text, text_null, ts, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            member_owned_table("it_interventions")
                .col(ColumnDef::new(a("day")).date().not_null())
                .col(big("minutes"))
                .col(text_null("ticket"))
                .col(text("category"))
                .col(
                    ColumnDef::new(a("remote"))
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .col(ColumnDef::new(a("description")).text().not_null())
                .col(text_null("contact"))
                .col(text("status"))
                .col(ts_null("resolved_at"))
                .col(ColumnDef::new(a("version")).integer().not_null().default(1))
                .col(text("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_it_interventions_day")
                .table(a("it_interventions"))
                .col(a("member_id"))
                .col(a("day"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            member_owned_table("it_contacts")
                .col(text("name"))
                .col(text_null("email"))
                .col(text_null("phone"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_it_contacts")
                .table(a("it_contacts"))
                .col(a("member_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("it_settings"))
                .col(pk_auto("id"))
                .col(ColumnDef::new(a("rounding_minutes")).integer().not_null())
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["it_settings", "it_contacts", "it_interventions"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
