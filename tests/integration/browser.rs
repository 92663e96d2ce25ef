//! Browser tests (added below).
