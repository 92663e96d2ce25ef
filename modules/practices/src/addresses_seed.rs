//! The demo's good addresses.
