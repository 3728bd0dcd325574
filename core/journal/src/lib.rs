//! `bitcraps-journal`: an append-only, hash-chained journal of signed table messages, so every game can be
//! audited and replayed and the ledger rebuilt after a crash.
//!
//! - [`Journal::open`] verifies the chain, cuts off a torn last record and refuses to open past corruption;
//!   then a writer thread (`journal-writer`) owns the segment files.
//! - [`Journal::append`] / [`Appender::append`] send records over a bounded channel; the writer frames them
//!   into batches, writes each batch in one submission, syncs under the [`Durability`] policy and only then
//!   acknowledges.
//! - Backends ([`BackendChoice`]): compio (io_uring, or epoll when io_uring is unavailable, on Linux; IOCP on
//!   Windows), GCD on macOS, plain std everywhere. [`Journal::backend`] says which one runs and why.
//! - [`verify`] and [`replay`] read a journal directory without changing it (`bitcraps-cli journal verify`).
//!
//! The file format is described in the `format` module.

mod backend;
mod config;
mod error;
mod format;
mod journal;
mod recovery;
mod replay;
mod scan;
mod segment;
mod verify;
mod writer;

pub use backend::{BackendChoice, BackendInfo, BackendKind, available as available_backends};
pub use config::{Durability, JournalConfig, Retention};
pub use error::JournalError;
pub use format::{ChainHead, GENESIS_HASH, Hash, chain_hash};
pub use journal::{Appender, Journal};
pub use replay::{Replay, replay};
pub use scan::{Record, TornTail};
pub use verify::{Report, SegmentReport, verify};
pub use writer::Appended;
