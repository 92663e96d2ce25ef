//! HR for a member's director and HR officer: employees (NIR validated, masked in lists,
//! every full view audited), dated contract versions, the personnel register, the leave
//! ledger with the French accrual rules, skills, training and interviews, and the
//! spreadsheet import.
pub mod api;
pub mod calendar;
pub mod contracts;
pub mod employees;
pub mod entities;
pub mod import;
pub mod leave;
pub mod ledger;
pub mod meter;
pub mod nir;
pub mod notify;
pub mod positions;
pub mod register;
pub mod register_docs;
pub mod seed;
pub mod skills;
pub mod skills_web;
pub mod web;

/// The module's entries in the cooperative's navigation.
#[must_use]
pub fn coop_nav() -> Vec<mutualis_core::scope::NavEntry> {
    vec![mutualis_core::scope::NavEntry {
        label: "Valeurs du point",
        href: "/coop/hr/point-values",
        obj: "hr.point_values",
        act: "read",
    }]
}

/// Every route of the module.
#[must_use]
pub fn routes() -> Vec<loco_rs::controller::Routes> {
    vec![api::routes(), web::routes(), skills_web::routes()]
}
