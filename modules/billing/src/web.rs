//! Billing pages.
use loco_rs::controller::Routes;

/// The module's web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
}
