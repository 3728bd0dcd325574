//! Integration tests of the dashboard: each tab drawn from recorded snapshots with `egui_kittest`, the state
//! machine fed with wire messages, the connection against a local WebSocket server, the native command line, and
//! image snapshots of every tab.

// Tests unwrap freely: a panic is the failure report, and all input here is fixtures the tests own.
#![allow(clippy::unwrap_used)]

mod alerts_tab;
mod cli;
mod fixtures;
mod game;
mod harness;
mod health_panel;
mod live;
mod peers;
mod resources_tab;
mod snapshots;
mod state;
mod tabs;
