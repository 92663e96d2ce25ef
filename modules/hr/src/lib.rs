//! HR for a member's director and HR officer. This first slice: employees, with the NIR
//! validated, masked in lists and every full view audited. Contracts, the personnel
//! register, leave, skills and imports come next (issue 4).
pub mod api;
pub mod employees;
pub mod entities;
pub mod nir;
pub mod web;

/// Every route of the module.
#[must_use]
pub fn routes() -> Vec<loco_rs::controller::Routes> {
    vec![api::routes(), web::routes()]
}
