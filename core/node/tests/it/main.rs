//! Integration tests of the node: one test binary (see matklad's "delete cargo integration tests").
// Tests fail loudly on any unexpected error; unwrap/expect are the point there.
#![allow(clippy::unwrap_used)]

mod api;
mod config;
mod events;
mod process;
mod support;
