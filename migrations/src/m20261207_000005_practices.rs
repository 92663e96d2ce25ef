//! Practice exchange: the themes (an editable list, seeded), members' practice sheets
//! (draft → submitted → published or returned → archived) and every earlier version of a
//! sheet, kept.
use sea_orm_migration::prelude::*;

use crate::columns::{a, big, member_owned_table, pk_auto, text, text_null, ts, ts_null, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The five themes of the issue, with their French labels.
const THEMES: [(&str, &str, i32); 5] = [
    ("systemes_information", "Systèmes d’information", 1),
    ("personnes_accompagnees", "Personnes accompagnées", 2),
    ("salaries", "Salariés", 3),
    ("formation", "Formation", 4),
    ("communication", "Communication", 5),
];

fn long(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("practices_themes"))
                .col(pk_auto("id"))
                .col(text("code"))
                .col(text("label"))
                .col(ColumnDef::new(a("position")).integer().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_practices_themes_code")
                .table(a("practices_themes"))
                .col(a("code"))
                .unique()
                .to_owned(),
        )
        .await?;
        let mut insert = Query::insert()
            .into_table(a("practices_themes"))
            .columns([a("code"), a("label"), a("position")])
            .to_owned();
        for (code, label, position) in THEMES {
            insert.values_panic([code.into(), label.into(), position.into()]);
        }
        m.exec_stmt(insert).await?;

        m.create_table(
            member_owned_table("practices_sheets")
                .col(text("title"))
                .col(long("summary"))
                .col(long("body"))
                // JSON lists of codes.
                .col(long("themes"))
                .col(long("tags"))
                .col(long("establishment_types"))
                .col(text("status"))
                .col(ColumnDef::new(a("version")).integer().not_null())
                .col(big("author_id"))
                .col(text("author_name"))
                .col(text_null("moderator_comment"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("published_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_practices_sheets_status")
                .table(a("practices_sheets"))
                .col(a("status"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            member_owned_table("practices_sheet_versions")
                .col(uuid_col("sheet_id"))
                .col(ColumnDef::new(a("version")).integer().not_null())
                .col(text("title"))
                .col(long("summary"))
                .col(long("body"))
                .col(long("themes"))
                .col(long("tags"))
                .col(long("establishment_types"))
                .col(big("author_id"))
                .col(ts("created_at"))
                .foreign_key(&mut crate::columns::member_ref(
                    "practices_sheet_versions",
                    "sheet_id",
                    "practices_sheets",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_practices_sheet_versions")
                .table(a("practices_sheet_versions"))
                .col(a("member_id"))
                .col(a("sheet_id"))
                .col(a("version"))
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "practices_sheet_versions",
            "practices_sheets",
            "practices_themes",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
