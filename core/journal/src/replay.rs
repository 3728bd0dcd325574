//! `replay(dir)`: an iterator over every record in the journal, in order, checked against the chain.
//!
//! Segments are read one at a time. A torn tail ends the iteration quietly (those records were never
//! acknowledged); corruption yields one `Err(JournalError::Corrupt)` and then ends.

use std::collections::VecDeque;
use std::path::Path;

use crate::error::JournalError;
use crate::format::ChainHead;
use crate::scan::{self, Record, Stop};
use crate::segment::{self, SegmentFile};

/// Iterator over the journal's records; see [`replay`].
#[derive(Debug)]
pub struct Replay {
    segments: VecDeque<SegmentFile>,
    expected: Option<ChainHead>,
    records: VecDeque<Record>,
    error: Option<JournalError>,
    done: bool,
}

/// Replays the journal in `dir` from its oldest kept record.
pub fn replay(dir: &Path) -> Result<Replay, JournalError> {
    Ok(Replay {
        segments: segment::list(dir)?.into(),
        expected: None,
        records: VecDeque::new(),
        error: None,
        done: false,
    })
}

impl Replay {
    fn load_next_segment(&mut self) -> Result<(), JournalError> {
        let Some(file) = self.segments.pop_front() else {
            self.done = true;
            return Ok(());
        };
        let records = &mut self.records;
        let scan = scan::scan_segment(&file, self.expected, self.segments.is_empty(), |seq, hash, payload| {
            records.push_back(Record { seq, hash, payload: payload.to_vec() });
        })?;
        self.expected = Some(scan.head);
        match scan.stop {
            None => {}
            Some(Stop::Torn { offset, bytes }) => {
                tracing::warn!(path = %file.path.display(), offset, bytes, "replay: ignoring torn tail");
                self.done = true;
            }
            Some(Stop::Corrupt(error)) => {
                self.error = Some(error);
                self.done = true;
            }
        }
        Ok(())
    }
}

impl Iterator for Replay {
    type Item = Result<Record, JournalError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(record) = self.records.pop_front() {
                return Some(Ok(record));
            }
            if let Some(error) = self.error.take() {
                return Some(Err(error));
            }
            if self.done {
                return None;
            }
            if let Err(error) = self.load_next_segment() {
                self.done = true;
                return Some(Err(error));
            }
        }
    }
}
