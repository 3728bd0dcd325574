//! Integration tests of the node: one test binary (see matklad's "delete cargo integration tests").
// Tests fail loudly on any unexpected error; unwrap/expect are the point there.
#![allow(clippy::unwrap_used)]

mod alerts;
mod api;
mod bad_input;
mod cli;
mod config;
mod crash;
mod db_write;
mod events;
mod game_store;
mod game_support;
mod journal_replay;
mod ledger;
mod mesh;
mod mesh_byzantine;
mod mesh_game;
mod mesh_load;
mod mesh_partition;
mod mesh_support;
mod net_lan;
mod process;
mod support;
