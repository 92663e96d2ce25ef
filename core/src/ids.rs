//! Identifiers: member-owned rows get an application-generated, time-ordered UUIDv7.
use uuid::Uuid;

/// A new UUIDv7 (time-ordered, no coordination needed).
#[must_use]
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
