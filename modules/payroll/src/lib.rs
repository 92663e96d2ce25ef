//! Payroll preparation: each month's variable elements (éléments variables de paie)
//! collected — typed, imported from a spreadsheet, and the absences HR records flowing in
//! by themselves —, checked, validated by the member's director and exported to its
//! payroll software; the payroll officer's board across the members served. The platform
//! does not compute net pay.
pub mod checks;
pub mod domain;
pub mod formats;

use mutualis_core::{
    authz::Role::{Director, HrOfficer, PayrollOfficer},
    module::ModuleDef,
};

/// The payroll module, as the app lists it.
pub const MODULE: ModuleDef = ModuleDef::new("payroll", "Paie").policies(&[
    (Director, "payroll.*", "*"),
    // HR officers enter the variable elements; validation is the director's.
    (HrOfficer, "payroll.entry", "*"),
    (HrOfficer, "payroll.*", "read"),
    (PayrollOfficer, "payroll.*", "*"),
]);
