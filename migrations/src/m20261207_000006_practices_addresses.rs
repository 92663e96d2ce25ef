//! Practice exchange, continued: members' good addresses (providers, tools, contacts…)
//! with one review per member, and the files attached to practice sheets.
use sea_orm_migration::prelude::*;

use crate::columns::{a, big, member_owned_table, text, text_null, ts, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn long(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // An address, owned by the member that proposed it; every subscribed member reads it.
        m.create_table(
            member_owned_table("practices_addresses")
                .col(text("name"))
                .col(text("category"))
                .col(text("region"))
                .col(text_null("website"))
                .col(long("contact"))
                .col(long("description"))
                .col(big("author_id"))
                .col(text("author_name"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        // A review belongs to the reviewing member and points at an address of any
        // member (`address_member_id`, `address_id`): one per member and address.
        m.create_table(
            member_owned_table("practices_address_reviews")
                .col(big("address_member_id"))
                .col(uuid_col("address_id"))
                .col(ColumnDef::new(a("rating")).integer().not_null())
                .col(long("text"))
                .col(big("author_id"))
                .col(text("author_name"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            a("practices_address_reviews"),
                            (a("address_member_id"), a("address_id")),
                        )
                        .to(a("practices_addresses"), (a("member_id"), a("id"))),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_practices_address_reviews_one")
                .table(a("practices_address_reviews"))
                .col(a("member_id"))
                .col(a("address_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_practices_address_reviews_address")
                .table(a("practices_address_reviews"))
                .col(a("address_id"))
                .to_owned(),
        )
        .await?;
        // A file attached to a sheet, in the sheet's member.
        m.create_table(
            member_owned_table("practices_attachments")
                .col(uuid_col("sheet_id"))
                .col(text("file_name"))
                .col(text("media_type"))
                .col(big("size"))
                .col(ColumnDef::new(a("bytes")).binary().not_null())
                .col(text("sha256"))
                .col(big("uploaded_by"))
                .col(text("uploaded_by_name"))
                .col(ts("created_at"))
                .foreign_key(&mut crate::columns::member_ref(
                    "practices_attachments",
                    "sheet_id",
                    "practices_sheets",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_practices_attachments_sheet")
                .table(a("practices_attachments"))
                .col(a("member_id"))
                .col(a("sheet_id"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "practices_attachments",
            "practices_address_reviews",
            "practices_addresses",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
