//! CLI tasks (`cargo loco task <name>`).
pub mod audit_verify;
pub mod close_period;
pub mod create_admin;
pub mod hr_monthly;
