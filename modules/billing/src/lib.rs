//! Billing: charge models, period close, cost allocation by consumption, board review
//! and approval, numbered invoices. Built on `mutualis_core::metering` (it never reads
//! other modules' tables).
pub mod adjust;
pub mod api;
pub mod charges;
pub mod chart;
pub mod cii;
pub mod close_task;
pub mod compute;
pub mod engine;
pub mod entities;
pub mod export;
pub mod files;
pub mod notify;
pub mod pdf;
pub mod seed;
pub mod service;
pub mod web;

use loco_rs::app::AppContext;
use mutualis_core::{
    authz::Role::{Board, CoopAdmin, Director},
    module::ModuleDef,
    scope::NavEntry,
};
use serde::Deserialize;

/// `settings.billing` in the loco config.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Board approvals needed to finalize an invoice.
    #[serde(default = "one")]
    pub quorum: u64,
    /// The cooperative, seller of every invoice.
    #[serde(default)]
    pub seller: Seller,
}

fn one() -> u64 {
    1
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            quorum: 1,
            seller: Seller::default(),
        }
    }
}

/// The cooperative as the seller on invoices (mandatory mentions, EN 16931 seller party).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Seller {
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub siren: String,
    /// Intra-community VAT number (needed for VAT-exempt lines by EN 16931 rule BR-E-02).
    pub vat_id: String,
    pub email: String,
    pub iban: String,
    /// The late-payment penalty rate, as printed.
    pub late_penalty: String,
}

impl Default for Seller {
    fn default() -> Self {
        Self {
            name: "Mutualis, coopérative de services partagés".to_string(),
            address: "10 rue de la Coopération".to_string(),
            postcode: "37000".to_string(),
            city: "Tours".to_string(),
            country: "FR".to_string(),
            siren: "782456909".to_string(),
            vat_id: "FR33782456909".to_string(),
            email: "facturation@mutualis.example".to_string(),
            iban: "FR76 3000 4000 0312 3456 7890 143".to_string(),
            late_penalty: "trois fois le taux d’intérêt légal".to_string(),
        }
    }
}

/// The billing settings (defaults when absent).
#[must_use]
pub fn settings(ctx: &AppContext) -> Settings {
    ctx.config
        .settings
        .as_ref()
        .and_then(|s| s.get("billing"))
        .and_then(|b| serde_json::from_value(b.clone()).ok())
        .unwrap_or_default()
}

/// The billing module, as the app lists it.
pub const MODULE: ModuleDef = ModuleDef::new("billing", "Facturation")
    .routes(routes)
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
