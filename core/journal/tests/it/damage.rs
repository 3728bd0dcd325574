//! The conformance suite's damage cases, on every backend: a torn last record is cut off on open (and the
//! journal goes on), corruption in the middle stops replay with a clear error and keeps the file.

use std::io::Write;

use bitcraps_journal::{BackendChoice, Journal, JournalError};

use crate::support::{backends, config, open, payload, replay_all, segment_files};

/// Writes `n` records on `backend` into a fresh directory and closes the journal.
async fn journal_with(n: usize, backend: BackendChoice) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let journal = open(config(dir.path(), backend));
    for i in 0..n {
        journal.append(payload(i)).await.unwrap();
    }
    journal.close().await.unwrap();
    dir
}

fn append_raw(path: &std::path::Path, bytes: &[u8]) {
    std::fs::OpenOptions::new().append(true).open(path).unwrap().write_all(bytes).unwrap();
}

#[tokio::test]
async fn torn_last_record_is_truncated_on_open() {
    for backend in backends() {
        for tail in [&b"\x40\x00\x00\x00\x12\x34"[..], &[0u8; 300][..], &[0xA5u8; 60][..]] {
            let dir = journal_with(10, backend).await;
            let segment = segment_files(dir.path()).pop().unwrap();
            let good_len = std::fs::metadata(&segment).unwrap().len();
            append_raw(&segment, tail);

            let report = bitcraps_journal::verify(dir.path()).unwrap();
            let torn = report.torn_tail.clone().unwrap_or_else(|| panic!("{backend:?}: {report}"));
            assert_eq!((torn.offset, torn.bytes, report.records), (good_len, tail.len() as u64, 10));
            assert!(report.corruption.is_none());
            assert_eq!(replay_all(dir.path()).len(), 10, "replay stops quietly at a torn tail");

            let journal = open(config(dir.path(), backend));
            assert_eq!(std::fs::metadata(&segment).unwrap().len(), good_len, "{backend:?}: tail cut off");
            assert_eq!(journal.opened_at().next_seq, 10);
            assert_eq!(journal.append(b"next".to_vec()).await.unwrap().seq, 10);
            journal.close().await.unwrap();
            assert!(bitcraps_journal::verify(dir.path()).unwrap().is_intact());
            assert_eq!(replay_all(dir.path()).len(), 11);
        }
    }
}

#[tokio::test]
async fn a_partly_written_last_record_is_torn_too() {
    for backend in backends() {
        let dir = journal_with(10, backend).await;
        let segment = segment_files(dir.path()).pop().unwrap();
        let bytes = std::fs::read(&segment).unwrap();
        // Cut the last record in half: a crash between the write and its sync.
        std::fs::write(&segment, &bytes[..bytes.len() - 20]).unwrap();
        let journal = open(config(dir.path(), backend));
        assert_eq!(journal.opened_at().next_seq, 9, "{backend:?}");
        journal.close().await.unwrap();
    }
}

#[tokio::test]
async fn corruption_in_the_middle_stops_replay_and_keeps_the_file() {
    for backend in backends() {
        let dir = journal_with(10, backend).await;
        let segment = segment_files(dir.path()).pop().unwrap();
        let mut bytes = std::fs::read(&segment).unwrap();
        let original_len = bytes.len();
        // Flip one payload byte of record 5 (records 0..=4 before it are intact).
        let offset = offset_of_record(&bytes, 5);
        bytes[offset + 48] ^= 0x01;
        std::fs::write(&segment, &bytes).unwrap();

        let report = bitcraps_journal::verify(dir.path()).unwrap();
        assert_eq!(report.records, 5, "{backend:?}: {report}");
        assert!(report.torn_tail.is_none());
        match &report.corruption {
            Some(JournalError::Corrupt { offset: at, seq, reason, .. }) => {
                assert_eq!((*at, *seq), (offset as u64, 5));
                assert!(reason.contains("CRC"), "{reason}");
            }
            other => panic!("{backend:?}: expected corruption, got {other:?}"),
        }
        let replayed: Vec<_> = bitcraps_journal::replay(dir.path()).unwrap().collect();
        assert_eq!(replayed.len(), 6);
        assert!(replayed[..5].iter().all(Result::is_ok));
        assert!(matches!(replayed[5], Err(JournalError::Corrupt { seq: 5, .. })));

        let err = Journal::open(config(dir.path(), backend)).unwrap_err();
        assert!(matches!(err, JournalError::Corrupt { seq: 5, .. }), "{err}");
        assert!(err.to_string().contains("record 5"), "a clear message: {err}");
        assert_eq!(std::fs::read(&segment).unwrap().len(), original_len, "the file is kept as it is");
    }
}

#[tokio::test]
async fn damage_in_the_last_record_with_valid_records_after_it_is_not_torn() {
    // A damaged length field can make a middle record look like it runs past the end of the file; the valid
    // records after it show it is corruption, and nothing may be cut off.
    let dir = journal_with(10, BackendChoice::Std).await;
    let segment = segment_files(dir.path()).pop().unwrap();
    let mut bytes = std::fs::read(&segment).unwrap();
    let offset = offset_of_record(&bytes, 7);
    bytes[offset + 2] = 0x10; // payload length now ~1 MiB, beyond the end of the file
    std::fs::write(&segment, &bytes).unwrap();
    let report = bitcraps_journal::verify(dir.path()).unwrap();
    assert!(report.torn_tail.is_none() && report.corruption.is_some(), "{report}");
    assert!(Journal::open(config(dir.path(), BackendChoice::Std)).is_err());
    assert_eq!(std::fs::read(&segment).unwrap(), bytes);
}

/// Byte offset of record `seq` in a segment that starts at record 0.
fn offset_of_record(segment: &[u8], seq: usize) -> usize {
    let mut offset = 52; // header
    for _ in 0..seq {
        let len = u32::from_le_bytes(segment[offset..offset + 4].try_into().unwrap()) as usize;
        offset += 48 + len;
    }
    offset
}

#[tokio::test]
async fn an_earlier_segment_cut_short_is_corruption_not_a_torn_tail() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), BackendChoice::Std);
    cfg.segment_bytes = 1024;
    let journal = open(cfg.clone());
    for i in 0..60 {
        journal.append(payload(i)).await.unwrap();
    }
    journal.close().await.unwrap();
    let files = segment_files(dir.path());
    assert!(files.len() >= 3);
    let bytes = std::fs::read(&files[0]).unwrap();
    std::fs::write(&files[0], &bytes[..bytes.len() - 10]).unwrap();
    let report = bitcraps_journal::verify(dir.path()).unwrap();
    assert!(report.torn_tail.is_none(), "{report}");
    assert!(matches!(report.corruption, Some(JournalError::Corrupt { .. })), "{report}");
    assert!(matches!(Journal::open(cfg), Err(JournalError::Corrupt { .. })));
    assert_eq!(std::fs::read(&files[0]).unwrap().len(), bytes.len() - 10, "nothing cut or deleted");
    assert_eq!(segment_files(dir.path()), files);
}
