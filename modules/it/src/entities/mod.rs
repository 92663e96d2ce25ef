//! The IT module's tables.
pub mod it_contacts;
pub mod it_interventions;
pub mod it_settings;

mutualis_core::member_owned!(it_contacts, it_interventions);
mutualis_core::coop_owned!(it_settings);
