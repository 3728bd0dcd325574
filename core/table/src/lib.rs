//! The table protocol: craps tables played by several nodes over the mesh, with dice no single player controls
//! and ledgers that agree.
//!
//! **Rule:** the table protocol sits above `bitcraps-net` (it receives deliveries and broadcasts through a
//! `MeshHandle`) and `bitcraps-ledger` (every final round posts through it); it never touches a socket or a
//! transport, and the node above hands it narrow handles (a `Db`, the net statistics, its `GamesView`). The
//! round machine ([`machine`]) and the round function ([`state`]) are pure: time and messages come in as
//! arguments, outputs go out as values.
//!
//! - [`config`]: the `[consensus]` config section.
//! - [`crypto`]: commitments and the dice drawn from every reveal.
//! - [`state`]: a table's agreed state and the deterministic function that plays one round.
//! - [`machine`]: one table's round protocol (commit → reveal → sign → final) as a pure state machine.
//! - [`replay`]: a table recomputed from its signed messages alone (the journal), round by round.
//! - [`store`]: mesh tables, final rounds and their signed messages in SQLite (one transaction per round).
//! - [`service`]: the task that runs the machines: mesh deliveries in, broadcasts out, timers, API commands,
//!   storage, the journal, metrics.
//! - `sync_timer`: the state-sync time, a sync request to its answer applied.
//! - [`view`]: what the API shows of each table, and the door API commands come in by.

mod attempt;
pub mod config;
pub mod crypto;
pub mod machine;
mod phase;
pub mod replay;
pub mod service;
pub mod state;
pub mod store;
mod sync_timer;
pub mod view;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod sim_tests;
