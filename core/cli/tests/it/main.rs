//! Integration tests of the binaries: `bitcraps-node` processes over loopback (the 8-process game, byzantine,
//! partition, load and crash tests, the journal replay) and `bitcraps-cli`, in one test binary.
// Tests fail loudly on any unexpected error; unwrap/expect are the point there.
#![allow(clippy::unwrap_used)]

mod cli;
mod crash;
mod journal_replay;
mod mesh_byzantine;
mod mesh_game;
mod mesh_load;
mod mesh_partition;
mod mesh_support;
mod process;
