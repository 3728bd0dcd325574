//! The journal's error type.

use std::path::PathBuf;

/// What can go wrong opening, appending to or reading a journal.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// An I/O call failed.
    #[error("journal I/O on {path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A record or segment header in the middle of the journal is damaged or breaks the chain. Replay stops
    /// before it; the file is kept as it is.
    #[error("journal corrupt in {path} at byte {offset} (record {seq}): {reason}")]
    Corrupt {
        /// The segment file.
        path: PathBuf,
        /// Byte offset of the damaged frame in that file.
        offset: u64,
        /// Sequence number the damaged record should have had.
        seq: u64,
        /// What is wrong.
        reason: String,
    },
    /// The payload is larger than a record may carry.
    #[error("record payload of {0} bytes exceeds the 16 MiB limit")]
    TooLarge(usize),
    /// The configuration is invalid.
    #[error("invalid journal configuration: {0}")]
    Config(String),
    /// The requested backend cannot run on this platform or failed to start.
    #[error("journal backend unavailable: {0}")]
    Backend(String),
    /// The journal was closed, or its writer thread stopped.
    #[error("journal closed")]
    Closed,
    /// An earlier write or sync failed, so durability of later records cannot be promised; reopen the journal.
    #[error("journal failed earlier and accepts no more records: {0}")]
    Failed(String),
}

impl JournalError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> JournalError {
        let path = path.into();
        move |source| JournalError::Io { path, source }
    }
}
