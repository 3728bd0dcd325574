//! What the node's hosts share beyond the node library: logging setup ([`logging`]).
//!
//! **Rule:** this crate holds the binaries (`bitcraps-node`, the headless node; `bitcraps-cli`, the operator's
//! command line) and the host-only dependencies (clap, tracing-subscriber, anyhow), so the libraries below
//! never compile them. Nothing here is imported by a library crate.

pub mod logging;
