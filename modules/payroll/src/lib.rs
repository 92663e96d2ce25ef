//! Payroll preparation. The module is in the catalogue and members subscribe to it;
//! until its pages exist, a member sees its landing page (subscription, usage).
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
