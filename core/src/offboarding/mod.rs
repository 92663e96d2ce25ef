//! A member's departure (`docs/offboarding.md`): the portability export (one zip of
//! every row it owns and every file the modules generate for it) and the erasure
//! (everything but what the law keeps, each module declaring its rules), both audited.
//!
//! The member-owned tables are read from the live catalog — every table with a
//! `member_id` column —, so a new module's table is exported and erased without an
//! edit here; what stays is declared by the module (`ModuleDef::retention`).
pub mod catalog;
pub mod erase;
pub mod export;
pub mod people;
pub mod retention;

pub use erase::{Plan, dry_run, erase};
pub use export::{Export, export};
