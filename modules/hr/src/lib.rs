//! HR for a member's director and HR officer: employees (NIR validated, masked in lists,
//! every full view audited), dated contract versions, the personnel register, the leave
//! ledger with the French accrual rules, skills, training and interviews, and the
//! spreadsheet import.
pub mod api;
pub mod audit_labels;
pub use mutualis_core::calendar;
pub mod contracts;
pub mod employees;
pub mod facts;
// Entities are the crate's own; outside it they exist only for the tests (feature
// `testkit`). Inside, module code reaches them only through core's tenant handles
// (`modules/clippy.toml`).
#[cfg(feature = "testkit")]
pub mod entities;
#[cfg(not(feature = "testkit"))]
pub(crate) mod entities;
pub mod import;
pub mod leave;
pub mod ledger;
pub mod meter;
pub mod monthly;
pub mod nir;
pub mod notify;
pub mod positions;
pub mod register;
pub mod register_docs;
pub mod seed;
pub mod skills;
pub mod skills_web;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod web;

use mutualis_core::{
    authz::Role::{CoopAdmin, Director, HrOfficer, Staff},
    module::{MemberNav, ModuleDef},
    scope::NavEntry,
};

/// The HR module, as the app lists it.
pub const MODULE: ModuleDef = ModuleDef::new("hr", "Ressources humaines")
    .api_doc(api::api_doc)
    .routes(routes)
    .audit_labels(audit_labels::LABELS)
    .member_nav(&[
        MemberNav {
            label: "Ressources humaines",
            path: "hr",
            obj: "hr.home",
            act: "read",
        },
        // A staff member sees only their own leave.
        MemberNav {
            label: "Mes congés",
            path: "hr/me",
            obj: "hr.own_leave",
            act: "read",
        },
    ])
    .coop_nav(&[NavEntry {
        label: "Valeurs du point",
        href: "/coop/hr/point-values",
        obj: "hr.point_values",
        act: "read",
    }])
    .meters(&meter::METERS)
    .policies(&[
        (Director, "hr.*", "*"),
        // Everything of HR but approving leave (the director decides).
        (HrOfficer, "hr.home", "read"),
        (HrOfficer, "hr.employees", "*"),
        (HrOfficer, "hr.contracts", "*"),
        (HrOfficer, "hr.leave", "*"),
        (HrOfficer, "hr.register", "*"),
        (HrOfficer, "hr.imports", "*"),
        (HrOfficer, "hr.skills", "*"),
        (HrOfficer, "hr.settings", "read"),
        (HrOfficer, "hr.own_leave", "*"),
        (Staff, "hr.own_leave", "*"),
        // The collective agreements' point values are cooperative configuration.
        (CoopAdmin, "hr.point_values", "*"),
    ])
    .exports(register::exports)
    .retention(register::RETENTION)
    .seed(seed_demo)
    .tasks(|| vec![Box::new(monthly::HrMonthly)]);

fn seed_demo<'a>(
    ctx: &'a loco_rs::app::AppContext,
    svc: &'a mutualis_core::scope::Services,
) -> mutualis_core::module::BoxFut<'a, mutualis_core::AppResult<()>> {
    Box::pin(async move {
        seed::demo(&ctx.db, &svc.authz).await?;
        Ok(())
    })
}

/// Every route of the module.
#[must_use]
pub fn routes() -> Vec<loco_rs::controller::Routes> {
    vec![api::routes(), web::routes(), skills_web::routes()]
}
