//! The good addresses' pages.
use loco_rs::controller::Routes;

/// The addresses' web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
}
