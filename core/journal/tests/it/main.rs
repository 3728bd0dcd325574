//! Integration tests of the journal: one test binary (see matklad's "delete cargo integration tests").
// Tests fail loudly on any unexpected error; unwrap/expect are the point there.
#![allow(clippy::unwrap_used)]

mod conformance;
mod damage;
#[cfg(target_os = "linux")]
mod fallback;
mod support;
