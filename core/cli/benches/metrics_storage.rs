//! Storage and memory of the metrics store, measured on real SQLite files (not a criterion bench: it prints a
//! report). Run with `cargo bench -p bitcraps-cli --bench metrics_storage`.
//!
//! 1. Bytes per day: one simulated day of 1 s resource samples, its 1-minute summaries, and alert transitions,
//!    each measured as the growth of a fresh database file (page count x page size after a checkpoint).
//! 2. RSS: `bitcraps-node` started on an empty data dir and on one holding 7 days of raw samples plus 30 days of
//!    summaries, each sampled after it settles.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::Path;
use std::time::Duration;

use bitcraps_api::{AlertHistoryEntry, ResourceSample};
use bitcraps_node::metrics_store::{self, MINUTE_MS, Retention};
use bitcraps_storage::{self as storage, alert_history, resource_samples};
use rusqlite::Connection;

const DAY_MS: u64 = 86_400_000;

fn db_bytes(conn: &Connection) -> u64 {
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0)).unwrap();
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    u64::try_from((pages - free) * size).unwrap()
}

fn sample(at_ms: u64, i: u64) -> ResourceSample {
    // Realistic magnitudes and jitter, so varints and REALs take their real sizes.
    ResourceSample {
        at_ms,
        process_cpu_percent: 0.5 + (i % 7) as f32 * 0.13,
        rss_bytes: 31_000_000 + (i % 97) * 4096,
        threads: Some(18),
        open_fds: Some(40 + (i % 3) as u32),
        disk_read_bytes_per_s: 0.0,
        disk_write_bytes_per_s: 12_000.0 + (i % 13) as f64 * 517.0,
        net_rx_bytes_per_s: 800.0 + (i % 11) as f64 * 33.3,
        net_tx_bytes_per_s: 600.0 + (i % 5) as f64 * 21.7,
        system_cpu_percent: 3.0 + (i % 17) as f32 * 0.71,
        system_memory_used_bytes: 2_100_000_000 + (i % 101) * 8192,
        system_memory_total_bytes: 8_300_000_000,
        db_size_bytes: 5_000_000 + i * 100,
        db_write_p95_ms: Some(0.05 + (i % 9) as f64 * 0.01),
    }
}

/// Fills `conn` with samples every `interval_ms` over [from, to), downsampling as it goes.
fn fill(conn: &Connection, from: u64, to: u64, interval_ms: u64, retention: Retention) {
    let mut t = from;
    let mut i = 0;
    while t < to {
        let tx = conn.unchecked_transaction().unwrap();
        let hour_end = (t + 3_600_000).min(to);
        while t < hour_end {
            resource_samples::insert(&tx, &sample(t, i)).unwrap();
            t += interval_ms;
            i += 1;
        }
        tx.commit().unwrap();
        while metrics_store::downsample(conn, t, retention).unwrap() > 0 {}
    }
}

fn per_day(interval_ms: u64) -> (u64, u64) {
    let dir = tempfile::tempdir().unwrap();
    let conn = storage::open(&dir.path().join("raw.sqlite3"), &Default::default()).unwrap();
    let empty = db_bytes(&conn);
    let t0 = 1_700_006_400_000;
    let mut t = t0;
    let mut i = 0;
    let tx = conn.unchecked_transaction().unwrap();
    while t < t0 + DAY_MS {
        resource_samples::insert(&tx, &sample(t, i)).unwrap();
        t += interval_ms;
        i += 1;
    }
    tx.commit().unwrap();
    let raw = db_bytes(&conn) - empty;
    while metrics_store::downsample(&conn, t0 + DAY_MS, Retention { raw_ms: DAY_MS, summary_ms: 30 * DAY_MS }).unwrap()
        > 0
    {}
    let with_summaries = db_bytes(&conn);
    conn.execute("DELETE FROM resource_samples", []).unwrap();
    let summaries = db_bytes(&conn) - empty;
    let _ = with_summaries;
    (raw, summaries)
}

fn alert_bytes_per_entry() -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let conn = storage::open(&dir.path().join("a.sqlite3"), &Default::default()).unwrap();
    let empty = db_bytes(&conn);
    let n = 10_000u64;
    let tx = conn.unchecked_transaction().unwrap();
    for i in 0..n {
        let entry = AlertHistoryEntry {
            at_ms: 1_700_000_000_000 + i * 1000,
            rule: "memory_high".into(),
            severity: "warning".into(),
            event: if i % 2 == 0 { "firing" } else { "resolved" }.into(),
            value: 412_000_000.0 + i as f64,
            threshold: 400_000_000.0,
        };
        alert_history::insert(&tx, &entry).unwrap();
    }
    tx.commit().unwrap();
    (db_bytes(&conn) - empty) / n
}

fn rss_kib(data_dir: &Path) -> u64 {
    let exe = env!("CARGO_BIN_EXE_bitcraps-node");
    let config = data_dir.join("bench-config.toml");
    std::fs::write(&config, "[alerts]\nnotifications = false\n").unwrap();
    let mut child = std::process::Command::new(exe)
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(data_dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(8));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benches; nothing to list here.
    }
    let mb = |b: u64| b as f64 / 1e6;
    for interval in [1000u64, 5000] {
        let (raw, summaries) = per_day(interval);
        let alert = alert_bytes_per_entry();
        let steady = 7 * raw + 30 * summaries;
        println!(
            "sampler every {} s: raw samples {:.2} MB/day, 1-minute summaries {:.3} MB/day, alert history {alert} B per \
             transition",
            interval / 1000,
            mb(raw),
            mb(summaries)
        );
        println!(
            "  month 1 growth (7 d raw + 30 d summaries, then flat): {:.1} MB idle; busy (+ 1000 alert transitions a \
             day, 30 d kept): {:.1} MB; month 2 onward: 0 MB (bounded by retention)",
            mb(steady),
            mb(steady + 30 * 1000 * alert)
        );
    }
    let empty_dir = tempfile::tempdir().unwrap();
    let empty = rss_kib(empty_dir.path());
    let full_dir = tempfile::tempdir().unwrap();
    {
        let conn = storage::open(&full_dir.path().join(bitcraps_node::paths::DB_FILE), &Default::default()).unwrap();
        let now = bitcraps_node::now_ms();
        let now = now - now % MINUTE_MS;
        // 30 days of summaries (from 1-minute samples), then 7 days of 1 s raw samples up to now.
        fill(&conn, now - 30 * DAY_MS, now - 7 * DAY_MS, 60_000, Retention::default());
        fill(&conn, now - 7 * DAY_MS, now, 1000, Retention::default());
        println!("7 days stored: {:.1} MB database", mb(db_bytes(&conn)));
    }
    let full = rss_kib(full_dir.path());
    println!(
        "node RSS after 8 s: empty data dir {} KiB, with 7 days of raw metrics + 30 days of summaries {} KiB",
        empty, full
    );
}
