//! The journal handle: opening (recovery, then the writer thread), appending from async code, closing.

use std::path::{Path, PathBuf};

use tokio::sync::{mpsc, oneshot};

use crate::backend::BackendInfo;
use crate::config::JournalConfig;
use crate::error::JournalError;
use crate::format::ChainHead;
use crate::recovery;
use crate::writer::{self, Appended, Msg};

/// An open journal. Appends go through a bounded channel to the writer thread `journal-writer`; dropping the
/// journal and every [`Appender`] stops that thread after a final sync.
#[derive(Debug)]
pub struct Journal {
    appender: Appender,
    backend: BackendInfo,
    dir: PathBuf,
    opened_at: ChainHead,
}

/// A cloneable handle for appending from any task.
#[derive(Debug, Clone)]
pub struct Appender {
    tx: mpsc::Sender<Msg>,
}

impl Journal {
    /// Opens (or creates) the journal in `config.dir`: verifies the chain, truncates a torn last record, and
    /// starts the writer thread with the configured backend. Fails with `JournalError::Corrupt` if the chain is
    /// broken before its end (nothing is changed then). Blocks briefly; call it at start-up or from
    /// `spawn_blocking`.
    pub fn open(config: JournalConfig) -> Result<Journal, JournalError> {
        config.validate()?;
        let recovered = recovery::recover(&config.dir)?;
        let opened_at = recovered.head;
        let dir = config.dir.clone();
        let (tx, rx) = mpsc::channel(config.channel_capacity);
        let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("journal-writer".to_owned())
            .spawn(move || writer::run(config, recovered, rx, ready_tx))
            .map_err(|e| JournalError::Backend(format!("cannot start the writer thread: {e}")))?;
        let backend = ready_rx.recv().map_err(|_| JournalError::Closed)??;
        tracing::info!(dir = %dir.display(), backend = %backend, next_seq = opened_at.next_seq, "journal open");
        Ok(Journal { appender: Appender { tx }, backend, dir, opened_at })
    }

    /// The backend writing this journal and why it was chosen (for the API snapshot and the Health panel).
    pub fn backend(&self) -> &BackendInfo {
        &self.backend
    }

    /// The journal's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the chain stood when the journal was opened (after recovery).
    pub fn opened_at(&self) -> ChainHead {
        self.opened_at
    }

    /// A handle for appending from other tasks.
    pub fn appender(&self) -> Appender {
        self.appender.clone()
    }

    /// Appends one record; resolves once it is durable under the durability policy.
    pub async fn append(&self, payload: Vec<u8>) -> Result<Appended, JournalError> {
        self.appender.append(payload).await
    }

    /// Syncs what is pending, acknowledges it, and stops the writer; later appends through other handles fail
    /// with `JournalError::Closed`. Returns once the segment files are closed.
    pub async fn close(self) -> Result<(), JournalError> {
        let (reply, done) = oneshot::channel();
        self.appender.tx.send(Msg::Close(reply)).await.map_err(|_| JournalError::Closed)?;
        done.await.map_err(|_| JournalError::Closed)?
    }
}

impl Appender {
    /// Appends one record; resolves once it is durable under the durability policy. Waits while the channel to
    /// the writer is full (backpressure).
    pub async fn append(&self, payload: Vec<u8>) -> Result<Appended, JournalError> {
        let (ack, acked) = oneshot::channel();
        self.tx.send(Msg::Append { payload, ack }).await.map_err(|_| JournalError::Closed)?;
        acked.await.map_err(|_| JournalError::Closed)?
    }
}
