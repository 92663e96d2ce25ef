//! Shared legal templates: a versioned library the cooperative's jurist keeps once
//! (employment contracts, GDPR documents, internal rules, medico-social documents), filled
//! by every member into finished PDF and DOCX documents. A template is a source — YAML
//! front matter declaring its variables, a Markdown body with Jinja clauses rendered with
//! strict undefined —; a published version never changes; members who used an earlier
//! one are told of the new one.
pub mod api;
pub mod audit_labels;
// Entities are the crate's own; outside it they exist only for the tests (feature
// `testkit`). Inside, module code reaches them only through core's tenant handles.
#[cfg(feature = "testkit")]
pub mod entities;
#[cfg(not(feature = "testkit"))]
pub(crate) mod entities;
pub mod files;
pub mod library;
pub mod notify;
pub mod seed;
pub mod source;
pub mod values;
pub mod web;

use mutualis_core::{
    authz::Role::{CoopAdmin, Director, Dpo, HrOfficer, Staff},
    metering::{Aggregation, Meter},
    module::{MemberNav, ModuleDef},
    scope::NavEntry,
};

/// `legal.documents_generated`: documents generated from the library.
pub const DOCUMENTS_GENERATED: Meter = Meter {
    code: "legal.documents_generated",
    module: "legal",
    aggregation: Aggregation::Count,
    unit: "documents",
    label: "Documents juridiques générés",
    max_per_event: 1_000_000,
};

/// The legal templates module, as the app lists it.
pub const MODULE: ModuleDef = ModuleDef::new("legal", "Modèles juridiques")
    .api_doc(api::api_doc)
    .routes(routes)
    .member_nav(&[MemberNav {
        label: "Modèles juridiques",
        path: "legal",
        obj: "legal.home",
        act: "read",
    }])
    .coop_nav(&[NavEntry {
        label: "Bibliothèque juridique",
        href: "/coop/legal",
        obj: "legal.templates",
        act: "write",
    }])
    .meters(&[DOCUMENTS_GENERATED])
    .audit_labels(audit_labels::LABELS)
    .exports(library::exports)
    .seed(seed_demo)
    .policies(&[
        // The director and HR officers fill templates and keep the member's documents.
        (Director, "legal.*", "*"),
        (HrOfficer, "legal.home", "read"),
        (HrOfficer, "legal.templates", "read"),
        (HrOfficer, "legal.documents", "*"),
        // Staff and the DPO read the library, not the member's documents (contracts).
        (Staff, "legal.home", "read"),
        (Staff, "legal.templates", "read"),
        (Dpo, "legal.home", "read"),
        (Dpo, "legal.templates", "read"),
        // The cooperative's jurist keeps the library.
        (CoopAdmin, "legal.*", "*"),
    ]);

fn seed_demo<'a>(
    ctx: &'a loco_rs::app::AppContext,
    svc: &'a mutualis_core::scope::Services,
) -> mutualis_core::module::BoxFut<'a, mutualis_core::AppResult<()>> {
    Box::pin(async move { seed::demo(&ctx.db, svc).await })
}

/// Every route of the module.
#[must_use]
pub fn routes() -> Vec<loco_rs::controller::Routes> {
    api::routes().into_iter().chain([web::routes()]).collect()
}
