//! HR: the skills each position requires, with the level expected (GPEC), per member.
use sea_orm_migration::prelude::*;

use crate::columns::{a, member_owned_table, member_ref, text, ts, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            member_owned_table("hr_position_skills")
                .col(text("position"))
                .col(uuid_col("skill_id"))
                .col(ColumnDef::new(a("level")).integer().not_null())
                .col(text("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut member_ref(
                    "hr_position_skills",
                    "skill_id",
                    "hr_skills",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_hr_position_skills")
                .table(a("hr_position_skills"))
                .col(a("member_id"))
                .col(a("position"))
                .col(a("skill_id"))
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("hr_position_skills")).to_owned())
            .await
    }
}
