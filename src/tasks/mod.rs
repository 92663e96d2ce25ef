//! CLI tasks of the app itself (`cargo loco task <name>`); modules declare theirs.
pub mod audit_verify;
pub mod backup;
pub mod create_admin;
pub mod offboarding;
pub mod restore;
