//! `hr_accrual_runs`: the primary key starts with `member_id`, like every other
//! member-owned table's, so that the table can be distributed by member
//! (docs/SCALING.md). PostgreSQL only: on SQLite the table keeps its `INTEGER PRIMARY
//! KEY` (the rowid that gives the id; SQLite is never distributed).
use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        m.get_connection()
            .execute_unprepared(
                "ALTER TABLE hr_accrual_runs DROP CONSTRAINT hr_accrual_runs_pkey, \
                 ADD PRIMARY KEY (member_id, id)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        m.get_connection()
            .execute_unprepared(
                "ALTER TABLE hr_accrual_runs DROP CONSTRAINT hr_accrual_runs_pkey, \
                 ADD PRIMARY KEY (id)",
            )
            .await?;
        Ok(())
    }
}
