//! The indexes of the other keyset-paginated lists (`core::keyset`):
//! - a member's usage events of one meter and period, newest first: the index of the
//!   events behind a quantity becomes `(member_id, meter, period, occurred_at, id)` (it
//!   replaces `(member_id, meter, occurred_at)`: one index less to write per event);
//! - a member's invoices, newest period first: `(member_id, period, created_at, id)`;
//! - a period's payroll lines by matricule and code: `(member_id, period, matricule,
//!   code, id)`, byte order on both engines (`COLLATE "C"` on PostgreSQL, SQLite's
//!   default `BINARY`), the order the pages merge HR's computed lines in.
//!
//! The audit log already has `(member_id, seq)` and its primary key `seq`.
use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

use crate::columns::a;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn index(name: &str, table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(a(table));
    for c in cols {
        i.col(a(c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_usage_events_member_meter_time")
                .table(a("usage_events"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_usage_events_member_meter_period",
            "usage_events",
            &["member_id", "meter", "period", "occurred_at", "id"],
        ))
        .await?;
        m.create_index(index(
            "idx_billing_invoices_member_period",
            "billing_invoices",
            &["member_id", "period", "created_at", "id"],
        ))
        .await?;
        let collate = match m.get_database_backend() {
            DbBackend::Postgres => " COLLATE \"C\"",
            _ => "",
        };
        m.get_connection()
            .execute_unprepared(&format!(
                "CREATE INDEX idx_payroll_lines_page ON payroll_lines \
                 (member_id, period, matricule{collate}, code{collate}, id)"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_payroll_lines_page")
                .table(a("payroll_lines"))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_billing_invoices_member_period")
                .table(a("billing_invoices"))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_usage_events_member_meter_period")
                .table(a("usage_events"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_usage_events_member_meter_time",
            "usage_events",
            &["member_id", "meter", "occurred_at"],
        ))
        .await
    }
}
