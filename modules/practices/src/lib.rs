//! Practice exchange between members. The module is in the catalogue and members
//! subscribe to it; until its pages exist, a member sees its landing page.
use mutualis_core::{
    authz::Role::{CoopAdmin, Director, Dpo, HrOfficer, Staff},
    module::ModuleDef,
};

/// The practice exchange module, as the app lists it.
pub const MODULE: ModuleDef = ModuleDef::new("practices", "Échange de pratiques").policies(&[
    (Director, "practices.*", "*"),
    (HrOfficer, "practices.*", "read"),
    (Staff, "practices.*", "read"),
    (Dpo, "practices.*", "read"),
    (CoopAdmin, "practices.*", "*"),
]);
