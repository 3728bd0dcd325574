//! Recovery on open: verify the chain, cut off a torn last record, refuse to open past corruption.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::JournalError;
use crate::format::{self, ChainHead, HEADER_LEN};
use crate::scan::{self, Stop};
use crate::segment::{self, SegmentFile};

/// The journal as found (and repaired) on open.
#[derive(Debug)]
pub(crate) struct Recovered {
    /// Where the chain stands: appends continue from here.
    pub head: ChainHead,
    /// Every segment with its size, oldest first; the last one is where appends go.
    pub segments: Vec<(SegmentFile, u64)>,
}

/// Verifies the journal in `dir`, truncating a torn tail (with a warning); corruption is an error and nothing is
/// changed. An empty directory gets its first segment.
pub(crate) fn recover(dir: &Path) -> Result<Recovered, JournalError> {
    std::fs::create_dir_all(dir).map_err(JournalError::io(dir))?;
    let files = segment::list(dir)?;
    let mut segments = Vec::with_capacity(files.len() + 1);
    let mut expected = None;
    for (i, file) in files.iter().enumerate() {
        let scan = scan::scan_segment(file, expected, i + 1 == files.len(), |_, _, _| {})?;
        let mut len = scan.valid_len;
        match scan.stop {
            None => {}
            Some(Stop::Corrupt(error)) => return Err(error),
            Some(Stop::Torn { offset: 0, bytes }) => {
                tracing::warn!(path = %file.path.display(), bytes, "journal: rewriting a torn segment header");
                write_header(&file.path, &scan.head, true)?;
                len = HEADER_LEN as u64;
            }
            Some(Stop::Torn { offset, bytes }) => {
                tracing::warn!(
                    path = %file.path.display(), offset, bytes,
                    "journal: truncating a torn last record (never acknowledged)"
                );
                truncate(&file.path, offset)?;
            }
        }
        expected = Some(scan.head);
        segments.push((file.clone(), len));
    }
    let head = expected.unwrap_or(ChainHead::GENESIS);
    if segments.is_empty() {
        segments.push((create_segment(dir, &head)?, HEADER_LEN as u64));
    }
    Ok(Recovered { head, segments })
}

/// Creates the segment that starts at `head` (header written and synced, directory entry synced).
pub(crate) fn create_segment(dir: &Path, head: &ChainHead) -> Result<SegmentFile, JournalError> {
    let path = segment::segment_path(dir, head.next_seq);
    write_header(&path, head, false)?;
    segment::sync_dir(dir)?;
    Ok(SegmentFile { first_seq: head.next_seq, path })
}

fn write_header(path: &PathBuf, head: &ChainHead, existing: bool) -> Result<(), JournalError> {
    let mut options = OpenOptions::new();
    options.write(true);
    if existing {
        options.truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(JournalError::io(path))?;
    file.write_all(&format::encode_header(head)).and_then(|()| file.sync_all()).map_err(JournalError::io(path))
}

fn truncate(path: &Path, len: u64) -> Result<(), JournalError> {
    let file = OpenOptions::new().write(true).open(path).map_err(JournalError::io(path))?;
    file.set_len(len).and_then(|()| file.sync_all()).map_err(JournalError::io(path))
}
