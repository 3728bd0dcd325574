//! Integration tests of the node: one test binary (see matklad's "delete cargo integration tests").
// Tests fail loudly on any unexpected error; unwrap/expect are the point there.
#![allow(clippy::unwrap_used)]

mod alerts;
mod api;
mod api_walls;
mod bad_input;
mod config;
mod db_write;
mod events;
mod game_store;
mod game_support;
mod ledger;
mod support;
