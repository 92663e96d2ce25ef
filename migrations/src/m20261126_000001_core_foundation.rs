//! The foundation: members, establishments, modules, subscriptions, users, sessions,
//! authorization rules, audit log, API keys and usage events.
//!
//! Cooperative tables keep a plain bigint key; member-owned tables are keyed
//! `(member_id, id)` with an application-generated UUIDv7 `id` (see ARCHITECTURE.md).
use sea_orm_migration::prelude::*;

use crate::columns::{a, big, pk_auto, text, text_null, ts, ts_null, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[allow(clippy::too_many_lines)]
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // --- cooperative tables -------------------------------------------------
        m.create_table(
            Table::create()
                .table(a("members"))
                .col(pk_auto("id"))
                .col(text("slug").unique_key().to_owned())
                .col(text("name"))
                .col(text("siren"))
                .col(text("address"))
                .col(text_null("finess"))
                .col(text("vat_status"))
                .col(text("billing_email"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("modules"))
                .col(text("code").primary_key().to_owned())
                .col(text("name"))
                .col(text("description"))
                .col(ColumnDef::new(a("position")).integer().not_null())
                .to_owned(),
        )
        .await?;
        let seed = Query::insert()
            .into_table(a("modules"))
            .columns([a("code"), a("name"), a("description"), a("position")])
            .values_panic([
                "billing".into(),
                "Facturation".into(),
                "Consommation, répartition des coûts et factures de l’adhérent".into(),
                1.into(),
            ])
            .values_panic([
                "hr".into(),
                "Ressources humaines".into(),
                "Salariés, contrats, registre du personnel, congés, formations".into(),
                2.into(),
            ])
            .values_panic([
                "payroll".into(),
                "Paie".into(),
                "Éléments variables de paie : saisie, contrôles, validation, export".into(),
                3.into(),
            ])
            .values_panic([
                "gdpr".into(),
                "RGPD".into(),
                "Registre des traitements, violations, demandes d’exercice de droits".into(),
                4.into(),
            ])
            .values_panic([
                "legal".into(),
                "Modèles juridiques".into(),
                "Bibliothèque de modèles juridiques partagés".into(),
                5.into(),
            ])
            .values_panic([
                "practices".into(),
                "Échange de pratiques".into(),
                "Fiches pratiques partagées entre adhérents".into(),
                6.into(),
            ])
            .to_owned();
        m.exec_stmt(seed).await?;

        m.create_table(
            Table::create()
                .table(a("users"))
                .col(pk_auto("id"))
                .col(text("email").unique_key().to_owned())
                .col(text("name"))
                .col(text("password_hash"))
                .col(ts_null("disabled_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("sessions"))
                .col(text("token_hash").primary_key().to_owned())
                .col(big("user_id"))
                .col(text("csrf_token"))
                .col(text_null("member_slug"))
                .col(ts("created_at"))
                .col(ts("last_seen_at"))
                .col(ts("expires_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("sessions"), a("user_id"))
                        .to(a("users"), a("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_sessions_user")
                .table(a("sessions"))
                .col(a("user_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("password_resets"))
                .col(text("token_hash").primary_key().to_owned())
                .col(big("user_id"))
                .col(ts("expires_at"))
                .col(ts_null("used_at"))
                .col(ts("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("password_resets"), a("user_id"))
                        .to(a("users"), a("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("login_failures"))
                .col(pk_auto("id"))
                .col(text("throttle_key"))
                .col(ts("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_login_failures_key_at")
                .table(a("login_failures"))
                .col(a("throttle_key"))
                .col(a("at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("casbin_rule"))
                .col(pk_auto("id"))
                .col(text("ptype"))
                .col(text("v0"))
                .col(text("v1"))
                .col(text("v2"))
                .col(text("v3"))
                .col(text("v4"))
                .col(text("v5"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_casbin_rule_unique")
                .table(a("casbin_rule"))
                .col(a("ptype"))
                .col(a("v0"))
                .col(a("v1"))
                .col(a("v2"))
                .col(a("v3"))
                .col(a("v4"))
                .col(a("v5"))
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("api_keys"))
                .col(pk_auto("id"))
                .col(text("name"))
                .col(text("prefix"))
                .col(text("key_hash").unique_key().to_owned())
                .col(big("created_by"))
                .col(ts("created_at"))
                .col(ts_null("last_used_at"))
                .col(ts_null("revoked_at"))
                .to_owned(),
        )
        .await?;

        // The audit chain: one head row, updated first in every append so that appends
        // are serialized on SQLite and PostgreSQL alike.
        m.create_table(
            Table::create()
                .table(a("audit_head"))
                .col(ColumnDef::new(a("id")).integer().not_null().primary_key())
                .col(big("seq"))
                .col(text("last_hash"))
                .to_owned(),
        )
        .await?;
        let head = Query::insert()
            .into_table(a("audit_head"))
            .columns([a("id"), a("seq"), a("last_hash")])
            .values_panic([1.into(), 0.into(), "0".repeat(64).into()])
            .to_owned();
        m.exec_stmt(head).await?;

        m.create_table(
            Table::create()
                .table(a("audit_log"))
                .col(
                    ColumnDef::new(a("seq"))
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ts("at"))
                .col(ColumnDef::new(a("user_id")).big_integer().null())
                .col(text("actor"))
                .col(ColumnDef::new(a("member_id")).big_integer().null())
                .col(text("object_type"))
                .col(text("object_id"))
                .col(text("action"))
                .col(ColumnDef::new(a("details")).text().not_null())
                .col(text("prev_hash"))
                .col(text("hash"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_log_member")
                .table(a("audit_log"))
                .col(a("member_id"))
                .col(a("seq"))
                .to_owned(),
        )
        .await?;

        // --- member-owned tables: primary key (member_id, id) ---------------------
        m.create_table(
            Table::create()
                .table(a("establishments"))
                .col(big("member_id"))
                .col(uuid_col("id"))
                .col(text("name"))
                .col(text("siret"))
                .col(text("nic"))
                .col(ts("created_at"))
                .primary_key(Index::create().col(a("member_id")).col(a("id")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("establishments"), a("member_id"))
                        .to(a("members"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_establishments_siret")
                .table(a("establishments"))
                .col(a("member_id"))
                .col(a("siret"))
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("subscriptions"))
                .col(big("member_id"))
                .col(uuid_col("id"))
                .col(text("module"))
                .col(ColumnDef::new(a("start_date")).date().not_null())
                .col(ColumnDef::new(a("end_date")).date().null())
                .col(ts("created_at"))
                .primary_key(Index::create().col(a("member_id")).col(a("id")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("subscriptions"), a("member_id"))
                        .to(a("members"), a("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("subscriptions"), a("module"))
                        .to(a("modules"), a("code")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_subscriptions_member_module")
                .table(a("subscriptions"))
                .col(a("member_id"))
                .col(a("module"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("usage_events"))
                .col(big("member_id"))
                .col(uuid_col("id"))
                .col(text("meter"))
                // Quantities in millionths (exact integer arithmetic on both databases).
                .col(big("quantity_micros"))
                .col(ts("occurred_at"))
                .col(ts("received_at"))
                .col(text("idempotency_key"))
                .col(text("source"))
                .col(text_null("unique_value"))
                .col(text_null("reason"))
                .col(ColumnDef::new(a("properties")).text().not_null())
                .primary_key(Index::create().col(a("member_id")).col(a("id")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("usage_events"), a("member_id"))
                        .to(a("members"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_usage_events_idempotency")
                .table(a("usage_events"))
                .col(a("member_id"))
                .col(a("idempotency_key"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_usage_events_member_meter_time")
                .table(a("usage_events"))
                .col(a("member_id"))
                .col(a("meter"))
                .col(a("occurred_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "usage_events",
            "subscriptions",
            "establishments",
            "audit_log",
            "audit_head",
            "api_keys",
            "casbin_rule",
            "login_failures",
            "password_resets",
            "sessions",
            "users",
            "modules",
            "members",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
