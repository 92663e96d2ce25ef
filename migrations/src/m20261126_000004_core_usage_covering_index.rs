//! The period index covers the quantity, so that a period's totals per member and meter
//! are read from the index alone, in GROUP BY order (the period close reads 10 million
//! events in a few seconds instead of a table lookup per event).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_usage_events_period")
                .table(Alias::new("usage_events"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_usage_events_period_totals")
                .table(Alias::new("usage_events"))
                .col(Alias::new("period"))
                .col(Alias::new("member_id"))
                .col(Alias::new("meter"))
                .col(Alias::new("quantity_micros"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_usage_events_period_totals")
                .table(Alias::new("usage_events"))
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
        .await
    }
}
