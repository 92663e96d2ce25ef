//! The GDPR module's tables: member-owned ones reached only through the tenant handles,
//! the cooperative's templates and processor register through the coop handle.
pub mod gdpr_activities;
pub mod gdpr_activity_versions;
pub mod gdpr_breaches;
pub mod gdpr_coop_services;
pub mod gdpr_dpias;
pub mod gdpr_processors;
pub mod gdpr_reminders;
pub mod gdpr_requests;
pub mod gdpr_template_versions;
pub mod gdpr_templates;
pub mod gdpr_time_entries;

mutualis_core::member_owned!(
    gdpr_activities,
    gdpr_activity_versions,
    gdpr_breaches,
    gdpr_dpias,
    gdpr_processors,
    gdpr_reminders,
    gdpr_requests,
    gdpr_time_entries,
);
mutualis_core::coop_owned!(gdpr_coop_services, gdpr_template_versions, gdpr_templates,);
