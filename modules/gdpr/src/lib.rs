//! GDPR registers and the shared DPO's desk: the processing register (Art. 30(1), the
//! CNIL model with the medico-social fields), processors (Art. 28), breaches timed to the
//! hour with the CNIL's 72 hours, data-subject requests with their exact legal deadlines,
//! DPIAs with their four sign-offs, templates the DPO deploys to many members, and the
//! desk where a DPO sees every running clock of every member served.
pub mod activities;
pub mod api;
pub mod audit_labels;
pub mod breaches;
pub mod codes;
pub mod desk;
pub mod dpias;
pub mod exports;
// Entities are the crate's own; outside it they exist only for the tests (feature
// `testkit`). Inside, module code reaches them only through core's tenant handles.
#[cfg(feature = "testkit")]
pub mod entities;
#[cfg(not(feature = "testkit"))]
pub(crate) mod entities;
pub mod meter;
pub mod processors;
pub mod reminders;
pub mod requests;
pub mod rules;
pub mod seed;
pub mod templates;
pub mod web;
pub mod web_exports;

use mutualis_core::{
    authz::Role::{Director, Dpo, HrOfficer, ItSupport, PayrollOfficer, Staff},
    module::{MemberNav, ModuleDef},
    scope::NavEntry,
};

/// The GDPR module, as the app lists it.
pub const MODULE: ModuleDef = ModuleDef::new("gdpr", "RGPD")
    .api_doc(api::api_doc)
    .routes(routes)
    .member_nav(&[
        MemberNav {
            label: "RGPD",
            path: "gdpr",
            obj: "gdpr.home",
            act: "read",
        },
        // Any user of the member declares a breach.
        MemberNav {
            label: "Signaler une violation de données",
            path: "gdpr/breaches/new",
            obj: "gdpr.breach_report",
            act: "create",
        },
    ])
    .served_nav(&[
        NavEntry {
            label: "Bureau du DPO",
            href: "/coop/gdpr",
            obj: "gdpr.desk",
            act: "read",
        },
        NavEntry {
            label: "Modèles de traitements",
            href: "/coop/gdpr/templates",
            obj: "gdpr.templates",
            act: "write",
        },
    ])
    .meters(&meter::METERS)
    .policies(&[
        // The member's director: the register, breaches, requests, DPIAs (and the
        // controller's decision on them); not the DPO's check, opinion or time.
        (Director, "gdpr.home", "read"),
        (Director, "gdpr.activities", "*"),
        (Director, "gdpr.register", "read"),
        (Director, "gdpr.breaches", "*"),
        (Director, "gdpr.breach_report", "create"),
        (Director, "gdpr.requests", "*"),
        (Director, "gdpr.processors", "read"),
        (Director, "gdpr.dpias", "*"),
        (Director, "gdpr.controller_decision", "write"),
        (Director, "gdpr.time", "read"),
        (Director, "gdpr.reminders", "read"),
        // The DPO of the member: all of it but the controller's decision.
        (Dpo, "gdpr.home", "read"),
        (Dpo, "gdpr.activities", "*"),
        (Dpo, "gdpr.checks", "write"),
        (Dpo, "gdpr.register", "read"),
        (Dpo, "gdpr.breaches", "*"),
        (Dpo, "gdpr.breach_report", "create"),
        (Dpo, "gdpr.requests", "*"),
        (Dpo, "gdpr.processors", "*"),
        (Dpo, "gdpr.dpias", "*"),
        (Dpo, "gdpr.dpo_opinion", "write"),
        (Dpo, "gdpr.time", "*"),
        (Dpo, "gdpr.reminders", "read"),
        (Dpo, "gdpr.desk", "read"),
        (Dpo, "gdpr.templates", "write"),
        // Anyone working for the member may report a breach, and nothing else.
        (HrOfficer, "gdpr.breach_report", "create"),
        (Staff, "gdpr.breach_report", "create"),
        (ItSupport, "gdpr.breach_report", "create"),
        (PayrollOfficer, "gdpr.breach_report", "create"),
    ])
    .audit_labels(audit_labels::LABELS)
    .exports(exports::load::exports)
    .seed(seed_demo)
    .tasks(|| vec![Box::new(reminders::GdprReminders)]);

fn seed_demo<'a>(
    ctx: &'a loco_rs::app::AppContext,
    svc: &'a mutualis_core::scope::Services,
) -> mutualis_core::module::BoxFut<'a, mutualis_core::AppResult<()>> {
    Box::pin(async move { seed::demo(&ctx.db, svc).await })
}

/// Every route of the module.
#[must_use]
pub fn routes() -> Vec<loco_rs::controller::Routes> {
    api::routes()
        .into_iter()
        .chain([web::routes(), web_exports::routes()])
        .collect()
}
