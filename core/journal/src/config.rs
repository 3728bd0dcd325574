//! Journal configuration: where, how big segments grow, how many are kept, when appends become durable, and
//! which I/O backend writes them.

use std::path::PathBuf;
use std::time::Duration;

use crate::backend::BackendChoice;
use crate::error::JournalError;
use crate::format::{FRAME_OVERHEAD, HEADER_LEN};

/// How a journal is opened.
#[derive(Debug, Clone)]
pub struct JournalConfig {
    /// Directory holding the segment files (created if missing).
    pub dir: PathBuf,
    /// A segment is closed and a new one started before it would grow past this many bytes (default 64 MiB).
    pub segment_bytes: u64,
    /// Which closed segments are kept.
    pub retention: Retention,
    /// When appends are synced to disk (and acknowledged).
    pub durability: Durability,
    /// Which I/O backend writes the segments.
    pub backend: BackendChoice,
    /// Capacity of the bounded channel from appenders to the writer thread (default 4096).
    pub channel_capacity: usize,
    /// Most records written in one submission (default 1024).
    pub max_batch: usize,
}

impl JournalConfig {
    /// The defaults for a journal in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        JournalConfig {
            dir: dir.into(),
            segment_bytes: 64 << 20,
            retention: Retention::default(),
            durability: Durability::default(),
            backend: BackendChoice::Auto,
            channel_capacity: 4096,
            max_batch: 1024,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), JournalError> {
        let invalid = |what: &str| Err(JournalError::Config(what.to_owned()));
        if self.segment_bytes < (HEADER_LEN + FRAME_OVERHEAD) as u64 * 2 {
            return invalid("segment_bytes is too small to hold a record");
        }
        if self.durability.every_records == 0 {
            return invalid("durability.every_records must be at least 1");
        }
        if self.channel_capacity == 0 || self.max_batch == 0 {
            return invalid("channel_capacity and max_batch must be at least 1");
        }
        if self.retention.max_segments == Some(0) {
            return invalid("retention.max_segments must be at least 1 (the segment being written)");
        }
        Ok(())
    }
}

/// Which closed segments are kept; the oldest go first. The segment being written is always kept. Default:
/// keep everything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retention {
    /// Keep at most this many segments (counting the one being written).
    pub max_segments: Option<usize>,
    /// Keep at most this many bytes of segments (counting the one being written).
    pub max_bytes: Option<u64>,
}

/// When appended records are synced (`fdatasync`, or `F_FULLFSYNC` on macOS). An append is acknowledged only
/// after the sync that covers it: whichever comes first of `every_records` unsynced records or `every` since the
/// oldest unsynced record arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Durability {
    /// Sync after this many unsynced records (default 1000).
    pub every_records: u32,
    /// Sync once the oldest unsynced record is this old (default 2 ms).
    pub every: Duration,
}

impl Default for Durability {
    fn default() -> Self {
        Durability { every_records: 1000, every: Duration::from_millis(2) }
    }
}
