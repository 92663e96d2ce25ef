//! Billing: charge models, period close, cost allocation by consumption, board review
//! and approval, numbered invoices. Built on `mutualis_core::metering` (it never reads
//! other modules' tables).
pub mod adjust;
pub mod api;
pub mod charges;
pub mod compute;
pub mod engine;
pub mod entities;
pub mod notify;
pub mod seed;
pub mod service;
pub mod web;

use loco_rs::app::AppContext;
use serde::Deserialize;

/// `settings.billing` in the loco config.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Board approvals needed to finalize an invoice.
    #[serde(default = "one")]
    pub quorum: u64,
}

fn one() -> u64 {
    1
}

impl Default for Settings {
    fn default() -> Self {
        Self { quorum: 1 }
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

/// The cooperative pages of the module, for the navigation.
#[must_use]
pub fn coop_nav() -> Vec<mutualis_core::scope::NavEntry> {
    vec![mutualis_core::scope::NavEntry {
        label: "Facturation",
        href: "/coop/billing",
        obj: "billing.preview",
        act: "read",
    }]
}

/// Every route of the module.
#[must_use]
pub fn routes() -> Vec<loco_rs::controller::Routes> {
    vec![api::routes(), web::routes()]
}
