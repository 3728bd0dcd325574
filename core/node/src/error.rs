//! The node's typed errors at its one entry point: [`StartError`] (why [`crate::Node::start`] refused) and
//! [`StopError`] (what went wrong during a clean shutdown). Hosts show them as they are; anyhow stays in binaries.

use bitcraps_journal::JournalError;
use bitcraps_ledger::GameError;
use bitcraps_storage::StorageError;

use crate::config::ConfigError;
use crate::identity::IdentityError;
use crate::lock::LockError;
use crate::sampler::SamplerError;

/// Why the node did not start. Each variant names what failed and where, so a host can show it as is.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("refusing to start: the ledger check of {path} failed: {source}")]
    LedgerCheck { path: String, source: GameError },
    #[error("table journal in {dir}: {source}")]
    Journal { dir: String, source: JournalError },
    #[error("cannot listen on {addr} (config {what}): {source}")]
    Listen { what: &'static str, addr: String, source: std::io::Error },
    #[error("{path}: {source}")]
    File { path: String, source: std::io::Error },
    #[error(transparent)]
    Alerts(#[from] crate::alerts::service::StartError),
    #[error("mesh tables: {0}")]
    Tables(GameError),
    #[error(transparent)]
    Sampler(#[from] SamplerError),
    #[error("resource sampler thread: {0}")]
    Thread(std::io::Error),
}

/// Why a clean shutdown did not finish cleanly (the node is stopped either way).
#[derive(Debug, thiserror::Error)]
pub enum StopError {
    #[error("the sampler thread panicked")]
    SamplerPanicked,
    #[error("a node task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("closing the table journal: {0}")]
    Journal(#[from] JournalError),
    #[error("the API server: {0}")]
    Server(#[from] std::io::Error),
    #[error("checkpointing the database: {0}")]
    Checkpoint(#[from] rusqlite::Error),
}
