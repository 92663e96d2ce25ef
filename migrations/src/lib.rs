//! The database schema of Mutualis: one file per change, named `mYYYYMMDD_NNNNNN_module_what`,
//! the same on SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod columns;

mod m20261126_000001_core_foundation;
mod m20261126_000002_core_usage_periods;
mod m20261126_000003_billing;
mod m20261126_000004_core_usage_covering_index;
mod m20261126_000005_hr_employees;
mod m20261126_000006_hr_contracts_leave_skills;
mod m20261126_000007_hr_position_skills;
mod m20261203_000001_it_catalogue;
mod m20261207_000001_gdpr;
mod m20261207_000002_payroll;
mod m20261207_000003_it;
mod m20261207_000004_legal;
mod m20261207_000005_practices;
mod m20261207_000006_practices_addresses;
mod m20261207_000007_practices_social;
mod m20261207_000008_members_erased;
mod m20261207_000009_accrual_runs_key;
mod m20261207_000010_list_indexes;
mod m20261207_000011_usage_totals;
mod m20261207_000012_more_list_indexes;

/// Runs every migration in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_core_foundation::Migration),
            Box::new(m20261126_000002_core_usage_periods::Migration),
            Box::new(m20261126_000003_billing::Migration),
            Box::new(m20261126_000004_core_usage_covering_index::Migration),
            Box::new(m20261126_000005_hr_employees::Migration),
            Box::new(m20261126_000006_hr_contracts_leave_skills::Migration),
            Box::new(m20261126_000007_hr_position_skills::Migration),
            Box::new(m20261203_000001_it_catalogue::Migration),
            Box::new(m20261207_000001_gdpr::Migration),
            Box::new(m20261207_000002_payroll::Migration),
            Box::new(m20261207_000003_it::Migration),
            Box::new(m20261207_000004_legal::Migration),
            Box::new(m20261207_000005_practices::Migration),
            Box::new(m20261207_000006_practices_addresses::Migration),
            Box::new(m20261207_000007_practices_social::Migration),
            Box::new(m20261207_000008_members_erased::Migration),
            Box::new(m20261207_000009_accrual_runs_key::Migration),
            Box::new(m20261207_000010_list_indexes::Migration),
            Box::new(m20261207_000011_usage_totals::Migration),
            Box::new(m20261207_000012_more_list_indexes::Migration),
        ]
    }
}
