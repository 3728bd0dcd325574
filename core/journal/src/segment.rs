//! Segment files in the journal directory: their names, listing them in order, and creating a new one.
//!
//! A segment is named after the sequence number of its first record, zero-padded so names sort in order:
//! `00000000000000000042.jrnl`.

use std::path::{Path, PathBuf};

use crate::error::JournalError;

const EXTENSION: &str = "jrnl";

/// A segment file found in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentFile {
    /// Sequence number of its first record (from its name).
    pub first_seq: u64,
    /// Its path.
    pub path: PathBuf,
}

/// The path of the segment whose first record is `first_seq`.
pub fn segment_path(dir: &Path, first_seq: u64) -> PathBuf {
    dir.join(format!("{first_seq:020}.{EXTENSION}"))
}

/// The segment files in `dir`, oldest first; other files are ignored. A missing directory holds none.
pub fn list(dir: &Path) -> Result<Vec<SegmentFile>, JournalError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(JournalError::io(dir)(e)),
    };
    let mut segments = Vec::new();
    for entry in entries {
        let path = entry.map_err(JournalError::io(dir))?.path();
        if path.extension().and_then(|e| e.to_str()) != Some(EXTENSION) {
            continue;
        }
        if let Some(first_seq) = path.file_stem().and_then(|s| s.to_str()).and_then(|s| s.parse().ok()) {
            segments.push(SegmentFile { first_seq, path });
        }
    }
    segments.sort_by_key(|s| s.first_seq);
    Ok(segments)
}

/// Makes a new directory entry durable (fsync of the directory; a no-op where directories cannot be opened).
pub fn sync_dir(dir: &Path) -> Result<(), JournalError> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(JournalError::io(dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
