//! Billing: dated charge models, invoices and credit notes with their lines, board
//! approvals, and the gapless counters of the numbering series.
use sea_orm_migration::prelude::*;

use crate::columns::{a, big, big_null, date_null, text, text_null, ts, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[allow(clippy::too_many_lines)]
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Charge models: one row per version; the version in effect for a period is the
        // latest whose `effective_from` is not after it. Amounts in cents, prices and
        // shares as exact decimal strings.
        m.create_table(
            Table::create()
                .table(a("billing_charges"))
                .col(
                    ColumnDef::new(a("id"))
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(text("module"))
                .col(text("code"))
                .col(text("label"))
                .col(text("kind"))
                .col(text("effective_from"))
                .col(
                    ColumnDef::new(a("active"))
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .col(big_null("amount_cents"))
                .col(text_null("meter"))
                .col(text_null("unit_price"))
                .col(text_null("tiers"))
                .col(text_null("fixed_share"))
                .col(text_null("fixed_basis"))
                .col(text_null("fixed_meter"))
                .col(text("vat_rate"))
                .col(big_null("created_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_billing_charges_version")
                .table(a("billing_charges"))
                .col(a("module"))
                .col(a("code"))
                .col(a("effective_from"))
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("billing_invoices"))
                .col(big("member_id"))
                .col(ColumnDef::new(a("id")).uuid().not_null())
                .col(text("kind"))
                .col(text("draft_key"))
                .col(text("period"))
                .col(text("status"))
                .col(text_null("number"))
                .col(big("subtotal_cents"))
                .col(big("vat_cents"))
                .col(big("total_cents"))
                .col(ColumnDef::new(a("refers_to")).uuid().null())
                .col(text_null("reason"))
                .col(date_null("issued_on"))
                .col(date_null("due_on"))
                .col(date_null("paid_on"))
                .col(ts_null("finalized_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .primary_key(Index::create().col(a("member_id")).col(a("id")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("billing_invoices"), a("member_id"))
                        .to(a("members"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_billing_invoices_draft_key")
                .table(a("billing_invoices"))
                .col(a("member_id"))
                .col(a("draft_key"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_billing_invoices_id")
                .table(a("billing_invoices"))
                .col(a("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_billing_invoices_period")
                .table(a("billing_invoices"))
                .col(a("period"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("billing_invoice_lines"))
                .col(big("member_id"))
                .col(ColumnDef::new(a("id")).uuid().not_null())
                .col(ColumnDef::new(a("invoice_id")).uuid().not_null())
                .col(ColumnDef::new(a("position")).integer().not_null())
                .col(text("module"))
                .col(text("charge_code"))
                .col(text("charge_kind"))
                .col(text("label"))
                .col(text_null("meter"))
                .col(text("quantity"))
                .col(text("unit"))
                .col(text_null("unit_price"))
                .col(text_null("share_pct"))
                .col(big_null("pool_cents"))
                .col(big("amount_cents"))
                .col(text("vat_rate"))
                .col(big("vat_cents"))
                .col(ColumnDef::new(a("explanation")).text().not_null())
                .primary_key(Index::create().col(a("member_id")).col(a("id")))
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            a("billing_invoice_lines"),
                            (a("member_id"), a("invoice_id")),
                        )
                        .to(a("billing_invoices"), (a("member_id"), a("id")))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_billing_lines_invoice")
                .table(a("billing_invoice_lines"))
                .col(a("member_id"))
                .col(a("invoice_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("billing_approvals"))
                .col(big("member_id"))
                .col(ColumnDef::new(a("invoice_id")).uuid().not_null())
                .col(big("user_id"))
                .col(ts("approved_at"))
                .primary_key(
                    Index::create()
                        .col(a("member_id"))
                        .col(a("invoice_id"))
                        .col(a("user_id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("billing_approvals"), (a("member_id"), a("invoice_id")))
                        .to(a("billing_invoices"), (a("member_id"), a("id")))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        // Gapless numbering: one row per (series, year), incremented in the transaction
        // that finalizes (never a database sequence: a rollback would burn a number).
        m.create_table(
            Table::create()
                .table(a("billing_counters"))
                .col(text("series"))
                .col(ColumnDef::new(a("year")).integer().not_null())
                .col(big("next"))
                .primary_key(Index::create().col(a("series")).col(a("year")))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "billing_counters",
            "billing_approvals",
            "billing_invoice_lines",
            "billing_invoices",
            "billing_charges",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
