//! Practice exchange between members: practice sheets written by a member's users,
//! moderated by the cooperative, found with a French full-text search (tantivy).
pub mod addresses;
pub mod addresses_api;
pub mod addresses_seed;
pub mod addresses_web;
pub mod api;
pub mod attachments;
pub mod attachments_api;
pub mod audit_labels;
pub mod authoring_web;
pub mod digest;
// Entities are the crate's own; outside it they exist only for the tests (feature
// `testkit`). Inside, module code reaches them only through core's tenant handles.
#[cfg(feature = "testkit")]
pub mod entities;
#[cfg(not(feature = "testkit"))]
pub(crate) mod entities;
pub mod index;
pub mod markdown;
pub mod moderation_web;
pub mod search;
pub mod seed;
pub mod sheets;
pub mod social;
pub mod social_api;
pub mod social_web;
pub mod web;

use mutualis_core::{
    authz::Role::{CoopAdmin, Director, Dpo, HrOfficer, Moderator, Staff},
    module::{MemberNav, ModuleDef},
    scope::NavEntry,
};

/// The practice exchange module, as the app lists it.
pub const MODULE: ModuleDef = ModuleDef::new("practices", "Échange de pratiques")
    .api_doc(api::api_doc)
    .routes(routes)
    .member_nav(&[MemberNav {
        label: "Échange de pratiques",
        path: "practices",
        obj: "practices.sheets",
        act: "read",
    }])
    .coop_nav(&[NavEntry {
        label: "Modération des fiches",
        href: "/coop/practices",
        obj: "practices.moderation",
        act: "write",
    }])
    .audit_labels(audit_labels::LABELS)
    .boot(boot)
    .exports(attachments::exports)
    .seed(seed_demo)
    .tasks(|| vec![Box::new(index::Reindex), Box::new(digest::PracticesDigest)])
    .meters(&[social::ACTIVE_READERS])
    .policies(&[
        (Director, "practices.*", "*"),
        // Every member role that reads the exchange also writes sheets (its author edits
        // and submits them).
        (HrOfficer, "practices.*", "read"),
        (HrOfficer, "practices.sheets", "write"),
        (HrOfficer, "practices.addresses", "write"),
        (Staff, "practices.*", "read"),
        (Staff, "practices.sheets", "write"),
        (Staff, "practices.addresses", "write"),
        (Dpo, "practices.*", "read"),
        (Dpo, "practices.sheets", "write"),
        (Dpo, "practices.addresses", "write"),
        // The cooperative moderates (`practices.moderation`, in its own domain): its
        // administrators and its moderators, who read every sheet submitted to them.
        (CoopAdmin, "practices.*", "*"),
        (Moderator, "practices.moderation", "*"),
        (Moderator, "practices.sheets", "read"),
    ]);

fn boot(
    ctx: &loco_rs::app::AppContext,
) -> mutualis_core::module::BoxFut<'_, mutualis_core::AppResult<()>> {
    Box::pin(index::open(ctx))
}

fn seed_demo<'a>(
    ctx: &'a loco_rs::app::AppContext,
    svc: &'a mutualis_core::scope::Services,
) -> mutualis_core::module::BoxFut<'a, mutualis_core::AppResult<()>> {
    Box::pin(async move { seed::demo(ctx, svc).await })
}

/// Every route of the module.
#[must_use]
pub fn routes() -> Vec<loco_rs::controller::Routes> {
    api::routes()
        .into_iter()
        .chain(social_api::routes())
        .chain([
            web::routes(),
            social_web::routes(),
            authoring_web::routes(),
            moderation_web::routes(),
            addresses_api::routes(),
            attachments_api::routes(),
            addresses_web::routes(),
        ])
        .collect()
}
