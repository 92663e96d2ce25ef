//! The GDPR module's meters.
use mutualis_core::metering::{Aggregation, Meter};

/// `gdpr.processing_activities`: the activities in force in the member's register (the
/// count after the month's last change).
pub const PROCESSING_ACTIVITIES: Meter = Meter {
    code: "gdpr.processing_activities",
    module: "gdpr",
    aggregation: Aggregation::Latest,
    unit: "traitements",
    label: "Traitements au registre",
    max_per_event: 100_000,
};

/// `gdpr.dpo_hours`: the DPO's time for the member.
pub const DPO_HOURS: Meter = Meter {
    code: "gdpr.dpo_hours",
    module: "gdpr",
    aggregation: Aggregation::Sum,
    unit: "heures",
    label: "Heures du DPO",
    max_per_event: 1_000,
};

/// `gdpr.requests_handled`: data-subject requests answered.
pub const REQUESTS_HANDLED: Meter = Meter {
    code: "gdpr.requests_handled",
    module: "gdpr",
    aggregation: Aggregation::Count,
    unit: "demandes",
    label: "Demandes de droits traitées",
    max_per_event: 1_000,
};

/// The module's meters.
pub const METERS: [Meter; 3] = [PROCESSING_ACTIVITIES, DPO_HOURS, REQUESTS_HANDLED];
