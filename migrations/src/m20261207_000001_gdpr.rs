//! GDPR: the processing register (activities and every version of them, so the register
//! can be shown as it stood at a date), processors, breaches, data-subject requests,
//! DPIAs, the DPO's time, the reminders sent; the cooperative's templates (versioned) and
//! its own processor register (Art. 30(2)). Lists of codes and the activity's fields are
//! JSON text.
use sea_orm_migration::prelude::*;

use crate::columns::{
    a, big, big_null, date_null, member_owned_table, member_ref, pk_auto, text, text_null, ts,
    ts_null, uuid_col,
};

fn long(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().not_null().to_owned()
}

fn long_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().null().to_owned()
}

fn flag(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}

fn int(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).integer().not_null().to_owned()
}

fn int_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).integer().null().to_owned()
}

fn date(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).date().not_null().to_owned()
}

fn index(name: &str, table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(a(table));
    for c in cols {
        i.col(a(c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[allow(clippy::too_many_lines)]
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The cooperative's templates and their versions.
        m.create_table(
            Table::create()
                .table(a("gdpr_templates"))
                .col(pk_auto("id"))
                .col(text("name"))
                .col(int("current_version"))
                .col(big("created_by_user"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("gdpr_template_versions"))
                .col(pk_auto("id"))
                .col(big("template_id"))
                .col(int("version"))
                .col(long("fields"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("gdpr_template_versions"), a("template_id"))
                        .to(a("gdpr_templates"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_gdpr_template_versions",
            "gdpr_template_versions",
            &["template_id", "version"],
            true,
        ))
        .await?;
        // The cooperative as a processor of its members (Art. 30(2)).
        m.create_table(
            Table::create()
                .table(a("gdpr_coop_services"))
                .col(pk_auto("id"))
                .col(text("name"))
                .col(text_null("module"))
                .col(long("purposes"))
                .col(long("data_categories"))
                .col(long_null("subprocessors"))
                .col(long_null("transfers"))
                .col(long_null("security"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        // Processing activities, their versions.
        m.create_table(
            member_owned_table("gdpr_activities")
                .col(text("name"))
                .col(text("status"))
                .col(long("fields"))
                .col(int("version"))
                .col(flag("dpia_required"))
                .col(text_null("dpia_override"))
                .col(long_null("dpia_override_reason"))
                .col(long_null("recommendations"))
                .col(text_null("checked_by"))
                .col(ts_null("checked_at"))
                .col(big_null("template_id"))
                .col(int_null("template_version"))
                .col(long_null("template_base"))
                .col(int_null("template_rejected_version"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("archived_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_gdpr_activities_name",
            "gdpr_activities",
            &["member_id", "name"],
            false,
        ))
        .await?;
        m.create_table(
            member_owned_table("gdpr_activity_versions")
                .col(uuid_col("activity_id"))
                .col(int("version"))
                .col(text("status"))
                .col(long("fields"))
                .col(text("recorded_by"))
                .col(ts("recorded_at"))
                .foreign_key(&mut member_ref(
                    "gdpr_activity_versions",
                    "activity_id",
                    "gdpr_activities",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_gdpr_activity_versions",
            "gdpr_activity_versions",
            &["member_id", "activity_id", "version"],
            true,
        ))
        .await?;
        // Processors (Art. 28).
        m.create_table(
            member_owned_table("gdpr_processors")
                .col(text("name"))
                .col(text("service"))
                .col(text("country"))
                .col(flag("art28_clauses"))
                .col(text_null("contract_document"))
                .col(long_null("guarantees"))
                .col(flag("own_register"))
                .col(long_null("transfers"))
                .col(text_null("dpo_contact"))
                .col(date_null("expires_on"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        // Breaches (Art. 33/34).
        m.create_table(
            member_owned_table("gdpr_breaches")
                .col(ts("discovered_at"))
                .col(ts("aware_at"))
                .col(flag("ongoing"))
                .col(long("natures"))
                .col(long("description"))
                .col(long_null("origin"))
                .col(long_null("cause"))
                .col(long("data_categories"))
                .col(long("person_categories"))
                .col(big_null("persons_count"))
                .col(big_null("records_count"))
                .col(long_null("consequences"))
                .col(int_null("severity"))
                .col(long_null("measures_taken"))
                .col(long_null("measures_planned"))
                .col(text_null("decision"))
                .col(long_null("decision_reason"))
                .col(ts_null("notified_at"))
                .col(text_null("notification_reference"))
                .col(text_null("notification_kind"))
                .col(long_null("late_reason"))
                .col(text_null("persons_informed"))
                .col(long_null("persons_exemption"))
                .col(ts_null("ars_reported_at"))
                .col(text("declared_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        // Data-subject requests (Art. 12, 15–22).
        m.create_table(
            member_owned_table("gdpr_requests")
                .col(text("kind"))
                .col(date("received_on"))
                .col(long("applicant"))
                .col(text_null("applicant_contact"))
                .col(text_null("representative"))
                .col(flag("identity_verified"))
                .col(text("state"))
                .col(flag("medical_file"))
                .col(flag("file_older_than_5_years"))
                .col(date("due_on"))
                .col(long_null("extension_reason"))
                .col(date_null("informed_on"))
                .col(date_null("answered_on"))
                .col(long_null("answer"))
                .col(text_null("answer_channel"))
                .col(long("activity_ids"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        // DPIAs (Art. 35) and their four sign-offs.
        m.create_table(
            member_owned_table("gdpr_dpias")
                .col(uuid_col("activity_id"))
                .col(text("title"))
                .col(long_null("summary"))
                .col(text_null("author_name"))
                .col(ts_null("author_signed_at"))
                .col(long_null("dpo_opinion"))
                .col(text_null("dpo_signed_by"))
                .col(ts_null("dpo_signed_at"))
                .col(long_null("representative_opinion"))
                .col(text_null("representative_signed_by"))
                .col(ts_null("representative_signed_at"))
                .col(long_null("controller_decision"))
                .col(text_null("controller_signed_by"))
                .col(ts_null("controller_signed_at"))
                .col(date_null("consultation_sent_on"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut member_ref(
                    "gdpr_dpias",
                    "activity_id",
                    "gdpr_activities",
                ))
                .to_owned(),
        )
        .await?;
        // The DPO's time per member.
        m.create_table(
            member_owned_table("gdpr_time_entries")
                .col(date("day"))
                .col(big("minutes"))
                .col(long_null("note"))
                .col(big("user_id"))
                .col(text("recorded_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        // Reminders sent (one row per reminder: a re-run sends nothing twice).
        m.create_table(
            member_owned_table("gdpr_reminders")
                .col(text("reminder_key"))
                .col(ts("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_gdpr_reminders_key",
            "gdpr_reminders",
            &["member_id", "reminder_key"],
            true,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "gdpr_reminders",
            "gdpr_time_entries",
            "gdpr_dpias",
            "gdpr_requests",
            "gdpr_breaches",
            "gdpr_processors",
            "gdpr_activity_versions",
            "gdpr_activities",
            "gdpr_coop_services",
            "gdpr_template_versions",
            "gdpr_templates",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
