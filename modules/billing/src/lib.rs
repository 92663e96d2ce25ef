//! Billing: charge models, period close, cost allocation by consumption, board review
//! and approval, numbered invoices. Built on `mutualis_core::metering` (it never reads
//! other modules' tables).
pub mod adjust;
pub mod api;
pub mod audit_labels;
pub mod charges;
pub mod chart;
pub mod cii;
pub mod close_task;
pub mod compute;
pub mod engine;
// Entities are the crate's own; outside it they exist only for the tests (feature
// `testkit`). Inside, module code reaches them only through core's tenant handles
// (`modules/clippy.toml`).
#[cfg(feature = "testkit")]
pub mod entities;
#[cfg(not(feature = "testkit"))]
pub(crate) mod entities;
pub mod export;
pub mod files;
pub mod notify;
pub mod pdf;
pub mod seed;
pub mod service;
pub mod settings;
pub mod web;

use mutualis_core::{
    authz::Role::{Board, CoopAdmin, Director},
    module::ModuleDef,
    scope::NavEntry,
};

pub use settings::{Seller, Settings, settings};

/// The billing module, as the app lists it.
pub const MODULE: ModuleDef = ModuleDef::new("billing", "Facturation")
    // Every member is invoiced, subscribed to Facturation or not: its invoices are read
    // by its director and by the cooperative's staff whatever it subscribes to.
    .read_unsubscribed()
    .api_doc(api::api_doc)
    .routes(routes)
    .audit_labels(audit_labels::LABELS)
    .coop_nav(&[NavEntry {
        label: "Facturation",
        href: "/coop/billing",
        obj: "billing.preview",
        act: "read",
    }])
    .policies(&[
        (Director, "billing.*", "read"),
        (Board, "billing.*", "read"),
        (Board, "billing.approve", "*"),
        // Everything of billing but the board's approval (separation of duties).
        (CoopAdmin, "billing.*", "read"),
        (CoopAdmin, "billing.charges", "*"),
        (CoopAdmin, "billing.close", "*"),
        (CoopAdmin, "billing.invoices", "*"),
        (CoopAdmin, "billing.payments", "*"),
    ])
    .boot(settings::boot)
    .exports(files::exports)
    .retention(files::RETENTION)
    .seed(seed_demo)
    .tasks(|| vec![Box::new(close_task::ClosePeriod)]);

fn seed_demo<'a>(
    ctx: &'a loco_rs::app::AppContext,
    svc: &'a mutualis_core::scope::Services,
) -> mutualis_core::module::BoxFut<'a, mutualis_core::AppResult<()>> {
    Box::pin(async move {
        seed::demo(&ctx.db, &svc.meters).await?;
        Ok(())
    })
}

/// Installs, for unit tests, the modules whose French names billing prints.
#[cfg(test)]
pub(crate) fn install_test_modules() {
    static LIST: &[&ModuleDef] = &[
        &mutualis_it::MODULE,
        &MODULE,
        &mutualis_hr::MODULE,
        &mutualis_gdpr::MODULE,
    ];
    mutualis_core::module::install(LIST).expect("test modules install");
}

/// Every route of the module.
#[must_use]
pub fn routes() -> Vec<loco_rs::controller::Routes> {
    vec![api::routes(), web::routes()]
}
