//! The conformance suite, run against every backend available on this platform (and the automatic choice,
//! which must be the platform's native one: io_uring, IOCP, GCD): write and read back,
//! durability acknowledgement, rotation and retention, concurrent appenders. (Torn writes and corruption are
//! in `damage`.)

use std::time::{Duration, Instant};

use bitcraps_journal::{BackendChoice, BackendKind, GENESIS_HASH, Retention, chain_hash};

use crate::support::{backends, config, open, payload, replay_all, segment_files};

#[tokio::test]
async fn auto_takes_the_platform_backend() {
    let dir = tempfile::tempdir().unwrap();
    let journal = open(config(dir.path(), BackendChoice::Auto));
    let info = journal.backend().clone();
    let expected = if cfg!(windows) {
        BackendKind::Iocp
    } else if cfg!(target_os = "macos") {
        BackendKind::Gcd
    } else if crate::support::io_uring_works() {
        BackendKind::IoUring
    } else if cfg!(target_os = "linux") {
        BackendKind::Polling
    } else {
        info.kind
    };
    assert_eq!(info.kind, expected, "{info}");
    assert!(!info.reason.is_empty());
    journal.append(b"hello".to_vec()).await.unwrap();
    journal.close().await.unwrap();
    println!("JOURNAL_BACKEND {info}");
}

#[tokio::test]
async fn write_and_read_back() {
    for backend in backends() {
        let dir = tempfile::tempdir().unwrap();
        let journal = open(config(dir.path(), backend));
        let mut prev = GENESIS_HASH;
        for i in 0..300 {
            let appended = journal.append(payload(i)).await.unwrap();
            assert_eq!(appended.seq, i as u64);
            assert_eq!(appended.hash, chain_hash(&prev, i as u64, &payload(i)));
            prev = appended.hash;
        }
        journal.close().await.unwrap();
        let records = replay_all(dir.path());
        assert_eq!(records.len(), 300, "{backend:?}");
        assert!(records.iter().enumerate().all(|(i, r)| r.seq == i as u64 && r.payload == payload(i)));
        let report = bitcraps_journal::verify(dir.path()).unwrap();
        assert!(report.is_intact(), "{backend:?}: {report}");
        assert_eq!((report.records, report.head.last_hash), (300, prev));

        // Reopening continues the chain where it stopped.
        let journal = open(config(dir.path(), backend));
        assert_eq!(journal.opened_at().next_seq, 300);
        let appended = journal.append(b"after reopen".to_vec()).await.unwrap();
        assert_eq!((appended.seq, appended.hash), (300, chain_hash(&prev, 300, b"after reopen")));
        journal.close().await.unwrap();
        assert_eq!(replay_all(dir.path()).len(), 301);
    }
}

#[tokio::test]
async fn acknowledgement_waits_for_the_sync_policy() {
    for backend in backends() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = config(dir.path(), backend);
        cfg.durability.every_records = 1000;
        cfg.durability.every = Duration::from_millis(150);
        let journal = open(cfg);
        // One record: acknowledged only when the time limit forces the sync, not when it is written.
        let started = Instant::now();
        let appended = journal.append(b"lonely bet".to_vec()).await.unwrap();
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(140), "{backend:?}: acknowledged after {waited:?}");
        // Once acknowledged, it is in the file (read by an independent reader while the journal is open).
        let report = bitcraps_journal::verify(dir.path()).unwrap();
        assert_eq!((report.records, report.head.last_hash), (1, appended.hash), "{backend:?}");
        journal.close().await.unwrap();

        // With a record limit of 3, three concurrent appends are acknowledged by one sync, well before the timer.
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = config(dir.path(), backend);
        cfg.durability.every_records = 3;
        cfg.durability.every = Duration::from_secs(30);
        let journal = open(cfg);
        let started = Instant::now();
        let (a, b, c) =
            tokio::join!(journal.append(b"a".to_vec()), journal.append(b"b".to_vec()), journal.append(b"c".to_vec()));
        let mut seqs = [a.unwrap().seq, b.unwrap().seq, c.unwrap().seq];
        seqs.sort_unstable();
        assert_eq!(seqs, [0, 1, 2]);
        assert!(started.elapsed() < Duration::from_secs(10), "{backend:?}");
        journal.close().await.unwrap();
    }
}

#[tokio::test]
async fn rotation_and_retention() {
    for backend in backends() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = config(dir.path(), backend);
        cfg.segment_bytes = 2048;
        let journal = open(cfg.clone());
        for i in 0..200 {
            journal.append(payload(i)).await.unwrap();
        }
        journal.close().await.unwrap();
        let files = segment_files(dir.path());
        assert!(files.len() > 5, "{backend:?}: {} segments", files.len());
        assert!(files.iter().all(|f| std::fs::metadata(f).unwrap().len() <= 2048), "{backend:?}");
        let records = replay_all(dir.path());
        assert!(records.iter().enumerate().all(|(i, r)| r.seq == i as u64 && r.payload == payload(i)));
        assert_eq!(records.len(), 200);

        // Retention keeps the newest segments; the chain still verifies from the oldest kept header.
        cfg.retention = Retention { max_segments: Some(3), max_bytes: None };
        let journal = open(cfg.clone());
        for i in 200..260 {
            journal.append(payload(i)).await.unwrap();
        }
        journal.close().await.unwrap();
        assert_eq!(segment_files(dir.path()).len(), 3, "{backend:?}");
        let report = bitcraps_journal::verify(dir.path()).unwrap();
        assert!(report.is_intact(), "{backend:?}: {report}");
        let anchor = report.anchor.unwrap();
        assert!(anchor.next_seq > 0 && anchor.last_hash != GENESIS_HASH, "{backend:?}");
        assert_eq!(report.head.next_seq, 260);
        let records = replay_all(dir.path());
        assert_eq!(records.first().unwrap().seq, anchor.next_seq);
        assert_eq!(records.last().unwrap().payload, payload(259));

        // Retention by bytes: after each rotation the kept segments (the new one included) fit the budget.
        cfg.retention = Retention { max_segments: None, max_bytes: Some(4096) };
        let journal = open(cfg);
        for i in 260..320 {
            journal.append(payload(i)).await.unwrap();
        }
        journal.close().await.unwrap();
        let total: u64 = segment_files(dir.path()).iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();
        assert!(total <= 4096 + 2048, "{backend:?}: {total} bytes kept");
        let report = bitcraps_journal::verify(dir.path()).unwrap();
        assert!(report.is_intact() && report.head.next_seq == 320, "{backend:?}: {report}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appenders() {
    const TASKS: usize = 8;
    const EACH: usize = 150;
    for backend in backends() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = config(dir.path(), backend);
        cfg.channel_capacity = 16; // small, so appenders also exercise backpressure
        cfg.durability.every_records = 64;
        let journal = open(cfg);
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                let appender = journal.appender();
                tokio::spawn(async move {
                    let mut seqs = Vec::new();
                    for i in 0..EACH {
                        seqs.push(appender.append(payload(t * EACH + i)).await.unwrap().seq);
                    }
                    seqs
                })
            })
            .collect();
        let mut seqs = Vec::new();
        for task in tasks {
            let mine = task.await.unwrap();
            assert!(mine.windows(2).all(|w| w[0] < w[1]), "one task's appends keep their order");
            seqs.extend(mine);
        }
        journal.close().await.unwrap();
        seqs.sort_unstable();
        assert_eq!(seqs, (0..(TASKS * EACH) as u64).collect::<Vec<_>>(), "{backend:?}");
        let mut payloads: Vec<_> = replay_all(dir.path()).into_iter().map(|r| r.payload).collect();
        payloads.sort();
        let mut expected: Vec<_> = (0..TASKS * EACH).map(payload).collect();
        expected.sort();
        assert_eq!(payloads, expected, "{backend:?}");
    }
}
