//! `verify(dir)`: reads the whole journal read-only and reports what it holds and where it stops.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::JournalError;
use crate::format::ChainHead;
use crate::scan::{self, Stop, TornTail};
use crate::segment;

/// One segment as verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentReport {
    /// The file.
    pub path: PathBuf,
    /// Sequence number of its first record.
    pub first_seq: u64,
    /// Valid records in it.
    pub records: u64,
    /// Its size in bytes.
    pub bytes: u64,
}

/// What `verify` found.
#[derive(Debug)]
pub struct Report {
    /// The segments read, oldest first (up to and including the one where reading stopped).
    pub segments: Vec<SegmentReport>,
    /// Valid records in the chain.
    pub records: u64,
    /// Where the chain starts: genesis, or the header of the oldest segment retention kept.
    pub anchor: Option<ChainHead>,
    /// Where the chain ends: the next sequence number and the last record's hash.
    pub head: ChainHead,
    /// A torn write at the very end (a crash mid-append; the next open cuts it off).
    pub torn_tail: Option<TornTail>,
    /// Corruption that stopped reading (`JournalError::Corrupt`); later data was not read.
    pub corruption: Option<JournalError>,
}

impl Report {
    /// True when every byte of the journal is part of the verified chain.
    pub fn is_intact(&self) -> bool {
        self.torn_tail.is_none() && self.corruption.is_none()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "segments: {}", self.segments.len())?;
        writeln!(f, "records:  {}", self.records)?;
        if let Some(anchor) = &self.anchor {
            writeln!(f, "first:    #{}", anchor.next_seq)?;
        }
        writeln!(f, "next:     #{}", self.head.next_seq)?;
        writeln!(f, "head:     {}", hex(&self.head.last_hash))?;
        if let Some(torn) = &self.torn_tail {
            writeln!(f, "torn tail: {} bytes at byte {} of {}", torn.bytes, torn.offset, torn.path.display())?;
        }
        match &self.corruption {
            Some(error) => write!(f, "CORRUPT: {error}"),
            None if self.is_intact() => write!(f, "chain intact"),
            None => write!(f, "chain intact up to the torn tail"),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Verifies every segment in `dir` (read-only: nothing is truncated or deleted). I/O failures are errors;
/// torn tails and corruption are reported in the `Report`.
pub fn verify(dir: &Path) -> Result<Report, JournalError> {
    let files = segment::list(dir)?;
    let mut report = Report {
        segments: Vec::new(),
        records: 0,
        anchor: None,
        head: ChainHead::GENESIS,
        torn_tail: None,
        corruption: None,
    };
    let mut expected = None;
    for (i, file) in files.iter().enumerate() {
        let scan = scan::scan_segment(file, expected, i + 1 == files.len(), |_, _, _| {})?;
        if i == 0 {
            report.anchor = scan.start;
        }
        report.segments.push(SegmentReport {
            path: file.path.clone(),
            first_seq: file.first_seq,
            records: scan.records,
            bytes: scan.file_len,
        });
        report.records += scan.records;
        report.head = scan.head;
        expected = Some(scan.head);
        match scan.stop {
            None => {}
            Some(Stop::Torn { offset, bytes }) => {
                report.torn_tail = Some(TornTail { path: file.path.clone(), offset, bytes });
                break;
            }
            Some(Stop::Corrupt(error)) => {
                report.corruption = Some(error);
                break;
            }
        }
    }
    Ok(report)
}
