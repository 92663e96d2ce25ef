//! The payroll module's tables: member-owned ones reached only through the tenant
//! handles, the export profiles through the coop handle.
pub mod payroll_code_maps;
pub mod payroll_exports;
pub mod payroll_findings;
pub mod payroll_import_maps;
pub mod payroll_imports;
pub mod payroll_lines;
pub mod payroll_periods;
pub mod payroll_profiles;
pub mod payroll_settings;

mutualis_core::member_owned!(
    payroll_code_maps,
    payroll_exports,
    payroll_findings,
    payroll_import_maps,
    payroll_imports,
    payroll_lines,
    payroll_periods,
    payroll_settings,
);
mutualis_core::coop_owned!(payroll_profiles,);
