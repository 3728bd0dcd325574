//! The table protocol: craps tables played by several nodes over the mesh, with dice no single player controls
//! and ledgers that agree.
//!
//! - [`crypto`]: commitments and the dice drawn from every reveal.
//! - [`state`]: a table's agreed state and the deterministic function that plays one round.
//! - [`machine`]: one table's round protocol (commit → reveal → sign → final) as a pure state machine.
//! - [`replay`]: a table recomputed from its signed messages alone (the journal), round by round.
//! - [`store`]: mesh tables, final rounds and their signed messages in SQLite (one transaction per round).
//! - [`service`]: the task that runs the machines: mesh deliveries in, broadcasts out, timers, API commands,
//!   storage, the journal, metrics.
//! - `sync_timer`: the state-sync time, a sync request to its answer applied.
//! - [`summary`]: what the API shows of each table.

mod attempt;
pub mod crypto;
pub mod machine;
pub mod replay;
pub mod service;
pub mod state;
pub mod store;
mod sync_timer;
pub mod view;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod sim_tests;
