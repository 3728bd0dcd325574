//! Reading one segment back: checks its header and every frame against the chain, and classifies where it stops.
//!
//! The rules every reader shares (verify, replay, recovery on open):
//! - a damaged or incomplete frame at the end of the *last* segment, with no valid later record after it, is a
//!   torn write (a crash mid-append): the records before it stand, the tail can be cut off;
//! - anything else that is wrong (a bad frame followed by valid records, a broken chain, a damaged header, a
//!   short earlier segment) is corruption: reading stops there and the file is left alone.

use std::path::PathBuf;

use crate::error::JournalError;
use crate::format::{self, ChainHead, FRAME_OVERHEAD, Frame, HEADER_LEN, Hash};
use crate::segment::SegmentFile;

/// Why reading a segment stopped before its end.
#[derive(Debug)]
pub enum Stop {
    /// A torn write at the end of the last segment: `offset` is where the valid records end.
    Torn {
        /// Byte offset where the torn tail begins.
        offset: u64,
        /// Bytes in the torn tail.
        bytes: u64,
    },
    /// Corruption: reading must not go past it.
    Corrupt(JournalError),
}

/// The result of reading one segment.
#[derive(Debug)]
pub struct SegmentScan {
    /// The chain where this segment starts (from its header; `None` if the header itself is torn or damaged).
    pub start: Option<ChainHead>,
    /// The chain after its last valid record.
    pub head: ChainHead,
    /// Valid records read.
    pub records: u64,
    /// Bytes up to the end of the last valid record (or of the header).
    pub valid_len: u64,
    /// Size of the file.
    pub file_len: u64,
    /// Why it stopped early, if it did.
    pub stop: Option<Stop>,
}

/// Reads `file`; `expected` is where the chain stands after the previous segment (`None` for the first one
/// present), `is_last` whether a torn tail is allowed. `on_record` sees every valid record in order.
pub fn scan_segment(
    file: &SegmentFile,
    expected: Option<ChainHead>,
    is_last: bool,
    mut on_record: impl FnMut(u64, Hash, &[u8]),
) -> Result<SegmentScan, JournalError> {
    let bytes = std::fs::read(&file.path).map_err(JournalError::io(&file.path))?;
    let file_len = bytes.len() as u64;
    let corrupt = |offset: u64, seq: u64, reason: &str| {
        Stop::Corrupt(JournalError::Corrupt { path: file.path.clone(), offset, seq, reason: reason.to_owned() })
    };
    let fallback = expected.unwrap_or(ChainHead { next_seq: file.first_seq, last_hash: format::GENESIS_HASH });
    let mut scan = SegmentScan { start: None, head: fallback, records: 0, valid_len: 0, file_len, stop: None };

    let Some(start) = format::decode_header(&bytes) else {
        let short_or_blank = bytes.len() < HEADER_LEN || bytes[..HEADER_LEN].iter().all(|b| *b == 0);
        scan.stop = Some(if is_last && short_or_blank && (expected.is_some() || file.first_seq == 0) {
            Stop::Torn { offset: 0, bytes: file_len }
        } else {
            corrupt(0, file.first_seq, "damaged segment header")
        });
        return Ok(scan);
    };
    if start.next_seq != file.first_seq || expected.is_some_and(|e| e != start) {
        scan.stop = Some(corrupt(0, fallback.next_seq, "segment header does not continue the chain"));
        return Ok(scan);
    }
    scan.start = Some(start);
    scan.head = start;
    let mut offset = HEADER_LEN;
    scan.valid_len = offset as u64;
    while offset < bytes.len() {
        let rest = &bytes[offset..];
        let next_seq = scan.head.next_seq;
        match format::decode_record(rest) {
            Frame::Valid { seq, hash, payload, len } => {
                if seq != next_seq || hash != format::chain_hash(&scan.head.last_hash, seq, payload) {
                    scan.stop = Some(corrupt(offset as u64, next_seq, "record does not continue the hash chain"));
                    return Ok(scan);
                }
                on_record(seq, hash, payload);
                scan.head = ChainHead { next_seq: seq + 1, last_hash: hash };
                scan.records += 1;
                offset += len;
                scan.valid_len = offset as u64;
            }
            Frame::Incomplete | Frame::Damaged { .. } => {
                let reason = match format::decode_record(rest) {
                    Frame::Damaged { reason, .. } => reason,
                    _ => "segment ends inside a record",
                };
                let torn = is_last && !later_record_exists(rest, next_seq);
                scan.stop = Some(if torn {
                    Stop::Torn { offset: offset as u64, bytes: rest.len() as u64 }
                } else {
                    corrupt(offset as u64, next_seq, reason)
                });
                return Ok(scan);
            }
        }
    }
    Ok(scan)
}

/// Whether a valid frame of a record after `next_seq` starts anywhere in `bytes` (past its first byte): then a
/// damaged frame before it is corruption, not a torn tail, and cutting there would lose those records.
fn later_record_exists(bytes: &[u8], next_seq: u64) -> bool {
    let max_seq = next_seq.saturating_add((bytes.len() / FRAME_OVERHEAD) as u64 + 1);
    (1..bytes.len().saturating_sub(FRAME_OVERHEAD - 1)).any(|pos| {
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&bytes[pos + 8..pos + 16]);
        let seq = u64::from_le_bytes(seq);
        seq >= next_seq && seq <= max_seq && matches!(format::decode_record(&bytes[pos..]), Frame::Valid { .. })
    })
}

/// A record read back from the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its sequence number (0 for the journal's first record).
    pub seq: u64,
    /// Its chain hash.
    pub hash: Hash,
    /// What was appended.
    pub payload: Vec<u8>,
}

/// A torn tail found at the end of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    /// The last segment.
    pub path: PathBuf,
    /// Where the valid records end.
    pub offset: u64,
    /// Bytes after that.
    pub bytes: u64,
}
