//! Usage events carry the billing period they count in (`YYYY-MM`, Europe/Paris at
//! ingestion, or the next open period when theirs is already closed), and closed periods
//! are recorded so that late events never change a closed period.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("usage_events"))
                .add_column(
                    ColumnDef::new(Alias::new("period"))
                        .string()
                        .not_null()
                        .default(""),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_usage_events_period")
                .table(Alias::new("usage_events"))
                .col(Alias::new("period"))
                .col(Alias::new("member_id"))
                .col(Alias::new("meter"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("usage_closed_periods"))
                .col(
                    ColumnDef::new(Alias::new("period"))
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Alias::new("closed_at"))
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("usage_closed_periods"))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_usage_events_period")
                .table(Alias::new("usage_events"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("usage_events"))
                .drop_column(Alias::new("period"))
                .to_owned(),
        )
        .await
    }
}
