//! Payroll preparation: each month's variable elements (éléments variables de paie)
//! collected — typed, imported from a spreadsheet, and the absences HR records flowing in
//! by themselves —, checked, validated by the member's director and exported to its
//! payroll software; the payroll officer's board across the members served. The platform
//! does not compute net pay.
pub mod api;
pub mod audit_labels;
pub mod board;
pub mod checks;
pub mod domain;
pub mod exports;
// Entities are the crate's own; outside it they exist only for the tests (feature
// `testkit`). Inside, module code reaches them only through core's tenant handles.
#[cfg(feature = "testkit")]
pub mod entities;
#[cfg(not(feature = "testkit"))]
pub(crate) mod entities;
pub mod files;
pub mod findings;
pub mod formats;
pub mod imports;
pub mod lines;
pub mod meter;
pub mod periods;
pub mod seed;
pub mod transitions;
pub mod web;

use mutualis_core::{
    authz::Role::{Director, HrOfficer, PayrollOfficer},
    module::{MemberNav, ModuleDef},
    scope::NavEntry,
};

/// The payroll module, as the app lists it.
pub const MODULE: ModuleDef = ModuleDef::new("payroll", "Paie")
    .api_doc(api::api_doc)
    .routes(routes)
    .member_nav(&[MemberNav {
        label: "Paie",
        path: "payroll",
        obj: "payroll.home",
        act: "read",
    }])
    .served_nav(&[NavEntry {
        label: "Tableau de paie",
        href: "/coop/payroll",
        obj: "payroll.board",
        act: "read",
    }])
    .meters(&meter::METERS)
    .audit_labels(audit_labels::LABELS)
    .seed(seed_demo)
    .boot(boot)
    .policies(&[
        // The director: everything of the member's payroll, and alone validates and
        // reopens a period.
        (Director, "payroll.home", "read"),
        (Director, "payroll.periods", "read"),
        (Director, "payroll.entry", "write"),
        (Director, "payroll.validate", "write"),
        (Director, "payroll.reopen", "write"),
        (Director, "payroll.export", "*"),
        (Director, "payroll.settings", "*"),
        // HR officers enter the variable elements and submit; no validation, no export.
        (HrOfficer, "payroll.home", "read"),
        (HrOfficer, "payroll.periods", "read"),
        (HrOfficer, "payroll.entry", "write"),
        // The cooperative's payroll officer of each member served: entry, checks,
        // exports, the member's settings, and the board across members.
        (PayrollOfficer, "payroll.home", "read"),
        (PayrollOfficer, "payroll.periods", "read"),
        (PayrollOfficer, "payroll.entry", "write"),
        (PayrollOfficer, "payroll.export", "*"),
        (PayrollOfficer, "payroll.settings", "*"),
        (PayrollOfficer, "payroll.board", "read"),
    ]);

fn boot(
    ctx: &loco_rs::app::AppContext,
) -> mutualis_core::module::BoxFut<'_, mutualis_core::AppResult<()>> {
    Box::pin(async move { files::ensure_profiles(&ctx.db).await })
}

fn seed_demo<'a>(
    ctx: &'a loco_rs::app::AppContext,
    svc: &'a mutualis_core::scope::Services,
) -> mutualis_core::module::BoxFut<'a, mutualis_core::AppResult<()>> {
    Box::pin(async move { seed::demo(&ctx.db, svc).await })
}

/// Every route of the module.
#[must_use]
pub fn routes() -> Vec<loco_rs::controller::Routes> {
    let mut all = api::routes();
    all.push(web::routes());
    all
}
