//! Running monthly usage totals: one row per (member, period, meter), brought up to date
//! in the transaction that stores the events (`core::metering::insert_events`), so the
//! board's billing review, a member's usage page and the period close read a few rows
//! instead of summing the month's events. Distinct values of `unique_count` meters are
//! kept apart (one row per value). Filled from existing events at boot
//! (`metering::fill_totals`).
use sea_orm_migration::prelude::*;

use crate::columns::{a, big, big_null, text, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("usage_totals"))
                .col(big("member_id"))
                .col(text("period"))
                .col(text("meter"))
                // Whole units and millionths summed apart (see `metering::Totals`).
                .col(big("units"))
                .col(big("micros"))
                // Events counted +1, corrections (negative quantities) −1.
                .col(big("signed_count"))
                .col(big("max_micros"))
                .col(big("events"))
                // The newest event by (occurred_at, id), for `latest` meters.
                .col(ts_null("latest_at"))
                .col(ColumnDef::new(a("latest_id")).uuid().null())
                .col(big_null("latest_micros"))
                .primary_key(
                    Index::create()
                        .col(a("member_id"))
                        .col(a("period"))
                        .col(a("meter")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("usage_totals"), a("member_id"))
                        .to(a("members"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        // The board's views read every member of a period.
        m.create_index(
            Index::create()
                .name("idx_usage_totals_period")
                .table(a("usage_totals"))
                .col(a("period"))
                .col(a("member_id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("usage_unique_values"))
                .col(big("member_id"))
                .col(text("period"))
                .col(text("meter"))
                .col(text("value"))
                .primary_key(
                    Index::create()
                        .col(a("member_id"))
                        .col(a("period"))
                        .col(a("meter"))
                        .col(a("value")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("usage_unique_values"), a("member_id"))
                        .to(a("members"), a("id")),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["usage_unique_values", "usage_totals"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
