//! Practice exchange, between readers: comments on published sheets, “utile” marks (one
//! per user and sheet), each user's reading preferences (last visits of the landing
//! page, the monthly digest opt-in) and the digest's sent log (once per user and month).
use sea_orm_migration::prelude::*;

use crate::columns::{a, big, big_null, member_owned_table, pk_auto, text, ts, ts_null, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A comment belongs to its sheet's member (it is part of the sheet's thread);
        // `author_member_id` is the member its author read through.
        m.create_table(
            member_owned_table("practices_comments")
                .col(uuid_col("sheet_id"))
                .col(big("author_id"))
                .col(text("author_name"))
                .col(big_null("author_member_id"))
                .col(ColumnDef::new(a("body")).text().not_null())
                .col(ts("created_at"))
                .foreign_key(&mut crate::columns::member_ref(
                    "practices_comments",
                    "sheet_id",
                    "practices_sheets",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_practices_comments_sheet")
                .table(a("practices_comments"))
                .col(a("member_id"))
                .col(a("sheet_id"))
                .col(a("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            member_owned_table("practices_useful_marks")
                .col(uuid_col("sheet_id"))
                .col(big("user_id"))
                .col(ts("created_at"))
                .foreign_key(&mut crate::columns::member_ref(
                    "practices_useful_marks",
                    "sheet_id",
                    "practices_sheets",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_practices_useful_marks")
                .table(a("practices_useful_marks"))
                .col(a("member_id"))
                .col(a("sheet_id"))
                .col(a("user_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        // A user's own preferences, whichever member they read through.
        m.create_table(
            Table::create()
                .table(a("practices_readers"))
                .col(pk_auto("id"))
                .col(big("user_id"))
                .col(ts_null("last_visit_at"))
                .col(ts_null("previous_visit_at"))
                .col(
                    ColumnDef::new(a("digest"))
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("practices_readers"), a("user_id"))
                        .to(a("users"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_practices_readers_user")
                .table(a("practices_readers"))
                .col(a("user_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("practices_digests_sent"))
                .col(pk_auto("id"))
                .col(big("user_id"))
                // `YYYY-MM`, the month the digest tells of.
                .col(text("month"))
                .col(ColumnDef::new(a("sheets")).integer().not_null())
                .col(ts("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_practices_digests_sent")
                .table(a("practices_digests_sent"))
                .col(a("user_id"))
                .col(a("month"))
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "practices_digests_sent",
            "practices_readers",
            "practices_useful_marks",
            "practices_comments",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
