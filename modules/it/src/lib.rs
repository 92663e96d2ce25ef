//! IT support: the cooperative's shared IT staff serve every member; their support
//! hours and tickets arrive from their ticket tool on `POST /api/usage/events` and are
//! billed by consumption. A member sees its consumption on the module's page.
use mutualis_core::{
    authz::Role::{Board, CoopAdmin, Director, ItSupport},
    metering::{Aggregation, Meter},
    module::ModuleDef,
};

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
    .meters(&METERS)
    .policies(&[
        (Director, "it.*", "read"),
        (ItSupport, "it.*", "*"),
        (Board, "it.*", "read"),
        (CoopAdmin, "it.*", "read"),
    ]);
