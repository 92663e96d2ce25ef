//! The Mutualis app: wires core and the modules into loco. No domain logic here.
pub mod app;
pub mod fuzzing;
pub mod tasks;
