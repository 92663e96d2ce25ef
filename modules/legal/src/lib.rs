//! Shared legal templates, kept once by the cooperative's jurist. The module is in the
//! catalogue and members subscribe to it; until its pages exist, a member sees its
//! landing page.
use mutualis_core::{
    authz::Role::{CoopAdmin, Director, Dpo, HrOfficer, Staff},
    module::ModuleDef,
};

/// The legal templates module, as the app lists it.
pub const MODULE: ModuleDef = ModuleDef::new("legal", "Modèles juridiques").policies(&[
    (Director, "legal.*", "*"),
    (HrOfficer, "legal.*", "read"),
    (Staff, "legal.*", "read"),
    (Dpo, "legal.*", "read"),
    (CoopAdmin, "legal.*", "*"),
]);
