//! GDPR registers and the shared DPO's desk. The module is in the catalogue and
//! members subscribe to it; until its pages exist, a member sees its landing page.
use mutualis_core::{
    authz::Role::{Director, Dpo},
    module::ModuleDef,
};

/// The GDPR module, as the app lists it.
pub const MODULE: ModuleDef =
    ModuleDef::new("gdpr", "RGPD").policies(&[(Director, "gdpr.*", "*"), (Dpo, "gdpr.*", "*")]);
