//! Database entities of the core tables, written by hand to match `migrations/`.
pub mod api_keys;
pub mod audit_head;
pub mod audit_log;
pub mod casbin_rule;
pub mod establishments;
pub mod login_failures;
pub mod members;
pub mod modules;
pub mod password_resets;
pub mod sessions;
pub mod subscriptions;
pub mod usage_closed_periods;
pub mod usage_events;
pub mod users;

crate::member_owned!(establishments, subscriptions, usage_events);
crate::coop_owned!(members, modules);
