//! CLI tasks (`cargo loco task <name>`).
pub mod audit_verify;
