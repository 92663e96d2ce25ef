//! HR, continued: employee contact and work-permit fields, dated contract versions, the
//! dated point values of the collective agreements, the leave ledger with its requests
//! and accrual runs, the import staging area, skills, training and interviews.
//!
//! Member-owned tables have the primary key `(member_id, id)` and reference the
//! employee through `(member_id, employee_id)`, so a row can never point at another
//! member's employee. Decimal quantities are exact: day counts in millionths (BIGINT,
//! like usage quantities), hours and point values as decimal strings.
use sea_orm_migration::prelude::*;

use crate::columns::{
    a, big, big_null, date_null, pk_auto, text, text_null, ts, ts_null, uuid_col,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn date(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).date().not_null().to_owned()
}

fn flag(name: &str, default: bool) -> ColumnDef {
    ColumnDef::new(a(name))
        .boolean()
        .not_null()
        .default(default)
        .to_owned()
}

fn int(name: &str, default: i32) -> ColumnDef {
    ColumnDef::new(a(name))
        .integer()
        .not_null()
        .default(default)
        .to_owned()
}

fn int_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).integer().null().to_owned()
}

/// A member-owned table keyed `(member_id, id)`, optionally tied to an employee.
fn owned(name: &str, employee: bool) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(a(name))
        .col(ColumnDef::new(a("member_id")).big_integer().not_null())
        .col(uuid_col("id"))
        .primary_key(Index::create().col(a("member_id")).col(a("id")))
        .foreign_key(
            ForeignKey::create()
                .from(a(name), a("member_id"))
                .to(a("members"), a("id")),
        );
    if employee {
        t.col(uuid_col("employee_id")).foreign_key(
            ForeignKey::create()
                .from(a(name), (a("member_id"), a("employee_id")))
                .to(a("hr_employees"), (a("member_id"), a("id"))),
        );
    }
    t.to_owned()
}

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: &str,
    cols: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(name).table(a(table));
    for c in cols {
        i.col(a(c));
    }
    if unique {
        i.unique();
    }
    m.create_index(i.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(clippy::too_many_lines, reason = "one table after the other")]
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            text_null("address"),
            text_null("phone"),
            text_null("permit_type"),
            text_null("permit_number"),
            date_null("permit_expiry"),
        ] {
            m.alter_table(
                Table::alter()
                    .table(a("hr_employees"))
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }

        // Contracts: one row per version, never updated. A contract is the set of rows
        // sharing `contract_id`; the version in force at a date is the latest whose
        // `valid_from` is not after it.
        m.create_table(
            owned("hr_contracts", true)
                .col(uuid_col("contract_id"))
                .col(int("version", 1))
                .col(date("valid_from"))
                .col(text("kind"))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .col(text_null("cdd_reason"))
                .col(date_null("trial_end"))
                .col(text("weekly_hours"))
                .col(text("agreement"))
                .col(text("position"))
                .col(text_null("qualification"))
                .col(int_null("coefficient"))
                .col(int_null("step"))
                .col(flag("quarterly_leave", false))
                .col(text_null("agency"))
                .col(text_null("reason"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_hr_contracts_version",
            "hr_contracts",
            &["member_id", "contract_id", "version"],
            true,
        )
        .await?;
        index(
            m,
            "idx_hr_contracts_employee",
            "hr_contracts",
            &["member_id", "employee_id", "start_date"],
            false,
        )
        .await?;

        // Point values of the collective agreements (cooperative-wide, dated).
        m.create_table(
            Table::create()
                .table(a("hr_point_values"))
                .col(pk_auto("id"))
                .col(text("agreement"))
                .col(date("valid_from"))
                .col(text("value"))
                .col(text_null("source"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_hr_point_values",
            "hr_point_values",
            &["agreement", "valid_from"],
            true,
        )
        .await?;

        // Per-member HR settings.
        m.create_table(
            Table::create()
                .table(a("hr_settings"))
                .col(
                    ColumnDef::new(a("member_id"))
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(flag("alsace_moselle", false))
                .col(int("first_interview_months", 12))
                .col(int("interview_every_years", 4))
                .col(int("review_every_years", 8))
                .col(int("reminder_days", 60))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("hr_settings"), a("member_id"))
                        .to(a("members"), a("id")),
                )
                .to_owned(),
        )
        .await?;

        // Leave requests (and absences recorded by HR): pending → approved / refused /
        // cancelled.
        m.create_table(
            owned("hr_leave_requests", true)
                .col(text("leave_type"))
                .col(date("start_date"))
                .col(date("end_date"))
                .col(big("days_micros"))
                .col(text("status"))
                .col(text_null("comment"))
                .col(text("requested_by"))
                .col(text_null("decided_by"))
                .col(ts_null("decided_at"))
                .col(text_null("decision_note"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_hr_leave_requests_employee",
            "hr_leave_requests",
            &["member_id", "employee_id", "start_date"],
            false,
        )
        .await?;

        // The leave ledger: append-only; every balance is a sum over it.
        m.create_table(
            owned("hr_leave_entries", true)
                .col(text("leave_type"))
                .col(text("kind"))
                .col(big("days_micros"))
                .col(text("period"))
                .col(date("effective_date"))
                .col(text_null("source_key"))
                .col(ColumnDef::new(a("request_id")).uuid().null())
                .col(text_null("note"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_hr_leave_entries_source",
            "hr_leave_entries",
            &["member_id", "source_key"],
            true,
        )
        .await?;
        index(
            m,
            "idx_hr_leave_entries_employee",
            "hr_leave_entries",
            &["member_id", "employee_id", "leave_type", "period"],
            false,
        )
        .await?;

        // Accrual runs: visible, never silent.
        m.create_table(
            Table::create()
                .table(a("hr_accrual_runs"))
                .col(pk_auto("id"))
                .col(big("member_id"))
                .col(text("month"))
                .col(text("status"))
                .col(big("employees"))
                .col(big("entries"))
                .col(text_null("message"))
                .col(text("started_by"))
                .col(ts("started_at"))
                .col(ts_null("finished_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("hr_accrual_runs"), a("member_id"))
                        .to(a("members"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_hr_accrual_runs",
            "hr_accrual_runs",
            &["member_id", "month"],
            false,
        )
        .await?;

        // Spreadsheet imports: the staged valid rows and the per-row report.
        m.create_table(
            owned("hr_imports", false)
                .col(text("filename"))
                .col(text("status"))
                .col(big("rows"))
                .col(big("valid"))
                .col(ColumnDef::new(a("payload")).text().not_null())
                .col(ColumnDef::new(a("errors")).text().not_null())
                .col(big_null("imported"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .col(ts_null("confirmed_at"))
                .to_owned(),
        )
        .await?;

        // Skills and training (GPEC).
        m.create_table(
            owned("hr_skills", false)
                .col(text("name"))
                .col(text_null("category"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_hr_skills_name",
            "hr_skills",
            &["member_id", "name"],
            true,
        )
        .await?;
        m.create_table(
            owned("hr_employee_skills", true)
                .col(uuid_col("skill_id"))
                .col(int("level", 1))
                .col(date("assessed_on"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("hr_employee_skills"), (a("member_id"), a("skill_id")))
                        .to(a("hr_skills"), (a("member_id"), a("id"))),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_hr_employee_skills",
            "hr_employee_skills",
            &["member_id", "employee_id", "skill_id"],
            true,
        )
        .await?;
        m.create_table(
            owned("hr_trainings", true)
                .col(text("title"))
                .col(text_null("provider"))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .col(text_null("hours"))
                .col(text_null("certificate"))
                .col(date_null("certificate_expiry"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_hr_trainings_employee",
            "hr_trainings",
            &["member_id", "employee_id"],
            false,
        )
        .await?;
        m.create_table(
            owned("hr_interviews", true)
                .col(text("kind"))
                .col(date("held_on"))
                .col(text_null("notes"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_hr_interviews_employee",
            "hr_interviews",
            &["member_id", "employee_id", "held_on"],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "hr_interviews",
            "hr_trainings",
            "hr_employee_skills",
            "hr_skills",
            "hr_imports",
            "hr_accrual_runs",
            "hr_leave_entries",
            "hr_leave_requests",
            "hr_settings",
            "hr_point_values",
            "hr_contracts",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        for c in [
            "address",
            "phone",
            "permit_type",
            "permit_number",
            "permit_expiry",
        ] {
            m.alter_table(
                Table::alter()
                    .table(a("hr_employees"))
                    .drop_column(a(c))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
