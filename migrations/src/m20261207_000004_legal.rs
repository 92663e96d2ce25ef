//! Legal templates: the cooperative's library (each template and its versions, a
//! published version never changing), the documents members generate from them (the
//! version and values kept, so a document regenerates identically), and the notices of a
//! new version to the members who used an earlier one.
use sea_orm_migration::prelude::*;

use crate::columns::{a, big, member_owned_table, pk_auto, text, text_null, ts, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("legal_templates"))
                .col(pk_auto("id"))
                .col(text("slug"))
                .col(text("title"))
                .col(text("category"))
                .col(ColumnDef::new(a("latest_version")).integer().not_null())
                .col(ColumnDef::new(a("published_version")).integer().null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_legal_templates_slug")
                .table(a("legal_templates"))
                .col(a("slug"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("legal_template_versions"))
                .col(pk_auto("id"))
                .col(big("template_id"))
                .col(ColumnDef::new(a("version")).integer().not_null())
                .col(text("status"))
                .col(text("title"))
                .col(ColumnDef::new(a("source")).text().not_null())
                .col(text_null("changelog"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .col(ts_null("published_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("legal_template_versions"), a("template_id"))
                        .to(a("legal_templates"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_legal_template_versions")
                .table(a("legal_template_versions"))
                .col(a("template_id"))
                .col(a("version"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            member_owned_table("legal_documents")
                .col(big("template_id"))
                .col(text("template_slug"))
                .col(ColumnDef::new(a("template_version")).integer().not_null())
                .col(text("title"))
                .col(ColumnDef::new(a("input")).text().not_null())
                .col(text("created_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            member_owned_table("legal_notices")
                .col(big("template_id"))
                .col(text("title"))
                .col(ColumnDef::new(a("from_version")).integer().not_null())
                .col(ColumnDef::new(a("to_version")).integer().not_null())
                .col(text_null("changelog"))
                .col(ts("created_at"))
                .col(ts_null("read_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "legal_notices",
            "legal_documents",
            "legal_template_versions",
            "legal_templates",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
