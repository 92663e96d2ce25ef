//! Payroll preparation: each member's settings (cut-off day, export profile, its codes at
//! its provider), pay periods and their transitions, the variable elements (lines), the
//! checks' findings with their acknowledgements, spreadsheet imports (staged, recognised
//! by their content's hash), the header mapping a member's files use, and every export
//! kept (hashed and versioned). Export profiles are cooperative data.
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
        m.create_table(
            Table::create()
                .table(a("payroll_profiles"))
                .col(pk_auto("id"))
                .col(text("code"))
                .col(text("name"))
                .col(long("config"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payroll_profiles_code",
            "payroll_profiles",
            &["code"],
            true,
        ))
        .await?;
        m.create_table(
            member_owned_table("payroll_settings")
                .col(int("cutoff_day"))
                .col(text("profile"))
                .col(text_null("company_code"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payroll_settings",
            "payroll_settings",
            &["member_id"],
            true,
        ))
        .await?;
        m.create_table(
            member_owned_table("payroll_code_maps")
                .col(text("code"))
                .col(text("provider_code"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payroll_code_maps",
            "payroll_code_maps",
            &["member_id", "code"],
            true,
        ))
        .await?;
        m.create_table(
            member_owned_table("payroll_periods")
                .col(text("period"))
                .col(text("status"))
                .col(ColumnDef::new(a("cutoff_on")).date().not_null())
                .col(ts_null("submitted_at"))
                .col(text_null("submitted_by"))
                .col(ts_null("validated_at"))
                .col(text_null("validated_by"))
                .col(ts_null("exported_at"))
                .col(ts_null("reopened_at"))
                .col(text_null("reopened_by"))
                .col(long_null("reopen_reason"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payroll_periods",
            "payroll_periods",
            &["member_id", "period"],
            true,
        ))
        .await?;
        m.create_table(
            member_owned_table("payroll_lines")
                .col(text("period"))
                .col(text("concerns"))
                .col(uuid_col("employee_id"))
                .col(text("matricule"))
                .col(text("code"))
                .col(big("quantity_micros"))
                .col(text_null("rate"))
                .col(big_null("amount_cents"))
                .col(date_null("start_date"))
                .col(date_null("end_date"))
                .col(ColumnDef::new(a("first_stop")).boolean().null())
                .col(flag("certificate"))
                .col(text("source"))
                .col(text_null("source_ref"))
                .col(flag("late"))
                .col(long_null("comment"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut member_ref(
                    "payroll_lines",
                    "employee_id",
                    "hr_employees",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payroll_lines_period",
            "payroll_lines",
            &["member_id", "period", "matricule"],
            false,
        ))
        .await?;
        m.create_table(
            member_owned_table("payroll_findings")
                .col(text("period"))
                .col(text("finding_key"))
                .col(text("rule"))
                .col(text("severity"))
                .col(text("matricule"))
                .col(ColumnDef::new(a("line_id")).uuid().null())
                .col(long("message"))
                .col(flag("active"))
                .col(text_null("acknowledged_by"))
                .col(ts_null("acknowledged_at"))
                .col(long_null("ack_comment"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payroll_findings_key",
            "payroll_findings",
            &["member_id", "period", "finding_key"],
            true,
        ))
        .await?;
        m.create_table(
            member_owned_table("payroll_imports")
                .col(text("period"))
                .col(text("filename"))
                .col(text("sha256"))
                .col(big("rows"))
                .col(big("valid"))
                .col(long("report"))
                .col(long("staged"))
                .col(text("status"))
                .col(big("imported"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payroll_imports_hash",
            "payroll_imports",
            &["member_id", "sha256"],
            false,
        ))
        .await?;
        m.create_table(
            member_owned_table("payroll_import_maps")
                .col(text("title"))
                .col(text("field"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payroll_import_maps",
            "payroll_import_maps",
            &["member_id", "title"],
            true,
        ))
        .await?;
        m.create_table(
            member_owned_table("payroll_exports")
                .col(text("period"))
                .col(text("kind"))
                .col(text("profile"))
                .col(int("version"))
                .col(text("name"))
                .col(text("sha256"))
                .col(ColumnDef::new(a("content")).binary().not_null())
                .col(flag("current"))
                .col(text("created_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payroll_exports",
            "payroll_exports",
            &["member_id", "period", "kind", "version"],
            true,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "payroll_exports",
            "payroll_import_maps",
            "payroll_imports",
            "payroll_findings",
            "payroll_lines",
            "payroll_periods",
            "payroll_code_maps",
            "payroll_settings",
            "payroll_profiles",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
