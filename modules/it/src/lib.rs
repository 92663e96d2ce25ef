//! IT support: the cooperative's shared IT staff serve every member and record their
//! interventions per member; the support hours the board shares out are metered from that
//! journal (and may also arrive from an outside helpdesk on `POST /api/usage/events`, the
//! intervention's id being the event's). Members see what they consumed.
pub mod api;
pub mod audit_labels;
pub mod desk;
// Entities are the crate's own; outside it they exist only for the tests (feature
// `testkit`). Inside, module code reaches them only through core's tenant handles.
#[cfg(feature = "testkit")]
pub mod entities;
#[cfg(not(feature = "testkit"))]
pub(crate) mod entities;
pub mod interventions;
pub mod seed;
pub mod web;

use mutualis_core::{
    authz::Role::{Board, CoopAdmin, Director, ItSupport},
    metering::{Aggregation, Meter},
    module::{MemberNav, ModuleDef},
    scope::NavEntry,
};

/// `it.support_hours`: the hours of the interventions (sum; compensations on edits).
pub const SUPPORT_HOURS: Meter = METERS[0];
/// `it.tickets`: ticket references handled.
pub const TICKETS: Meter = METERS[1];

/// The module's meters.
pub const METERS: [Meter; 2] = [
    Meter {
        code: "it.support_hours",
        module: "it",
        aggregation: Aggregation::Sum,
        unit: "heures",
        label: "Heures de support informatique",
        max_per_event: 1_000_000,
    },
    Meter {
        code: "it.tickets",
        module: "it",
        aggregation: Aggregation::Count,
        unit: "tickets",
        label: "Tickets de support informatique",
        max_per_event: 1_000_000,
    },
];

/// The IT support module, as the app lists it.
pub const MODULE: ModuleDef = ModuleDef::new("it", "Support informatique")
    .api_doc(api::api_doc)
    .routes(routes)
    .member_nav(&[MemberNav {
        label: "Support informatique",
        path: "it",
        obj: "it.home",
        act: "read",
    }])
    .served_nav(&[NavEntry {
        label: "Support informatique",
        href: "/coop/it",
        obj: "it.desk",
        act: "read",
    }])
    .coop_nav(&[NavEntry {
        label: "Support informatique",
        href: "/coop/it/settings",
        obj: "it.settings",
        act: "read",
    }])
    .meters(&METERS)
    .policies(&[
        // The member's director reads its interventions and recap.
        (Director, "it.home", "read"),
        (Director, "it.interventions", "read"),
        // The IT staff of each member served: record, edit, the contact, the desk.
        (ItSupport, "it.home", "read"),
        (ItSupport, "it.interventions", "*"),
        (ItSupport, "it.contact", "*"),
        (ItSupport, "it.desk", "read"),
        (Board, "it.*", "read"),
        (CoopAdmin, "it.*", "read"),
        (CoopAdmin, "it.settings", "*"),
    ])
    .audit_labels(audit_labels::LABELS)
    .seed(seed_demo);

fn seed_demo<'a>(
    ctx: &'a loco_rs::app::AppContext,
    svc: &'a mutualis_core::scope::Services,
) -> mutualis_core::module::BoxFut<'a, mutualis_core::AppResult<()>> {
    Box::pin(async move { seed::demo(&ctx.db, svc).await })
}

/// Every route of the module.
#[must_use]
pub fn routes() -> Vec<loco_rs::controller::Routes> {
    vec![api::routes(), web::routes()]
}
