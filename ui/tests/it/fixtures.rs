//! The JSON fixtures under `tests/fixtures/`: a deterministic generator for them and checks that they parse.
//!
//! `snapshot.json` is a quiet node (green, no tables, no alerts) with 900 one-second samples; `snapshot_busy.json`
//! is a node with tables, alerts and a yellow health. Regenerate both with
//! `cargo test -p bitcraps-ui --test it -- --ignored regenerate_fixtures`; a snapshot recorded from a real node
//! (`GET /api/v1/snapshot`) may replace `snapshot.json` as long as it keeps at least 900 samples.

use bitcraps_api::{AlertSummary, GameSummary, Health, HealthLevel, NodeInfo, ResourceSample, Snapshot, TableSummary};

use crate::harness::{fixture, fixture_path};

const STARTED_AT_MS: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const MIB: f64 = 1024.0 * 1024.0;

/// A tiny linear congruential generator: the same noise on every machine.
struct Lcg(u64);

impl Lcg {
    fn next_unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `count` samples one second apart, the last at `now_ms`.
fn samples(count: u64, now_ms: u64, seed: u64) -> Vec<ResourceSample> {
    let mut rng = Lcg(seed);
    (0..count)
        .map(|i| {
            let t = i as f64;
            let noise = rng.next_unit();
            let burst = if i % 60 < 3 { 1.0 } else { 0.0 };
            ResourceSample {
                at_ms: now_ms - (count - 1 - i) * 1000,
                process_cpu_percent: round2(2.0 + 1.5 * (t / 37.0).sin() + noise + 6.0 * burst) as f32,
                rss_bytes: (46.0 * MIB + t * 2048.0 + noise * 256.0 * 1024.0) as u64,
                threads: Some(14 + u32::from(i % 60 < 3)),
                open_fds: Some(23 + (i / 300) as u32),
                disk_read_bytes_per_s: round2(noise * 2048.0),
                disk_write_bytes_per_s: round2(burst * 180_000.0 + noise * 4096.0),
                net_rx_bytes_per_s: round2(12_000.0 + 6_000.0 * (t / 53.0).sin() + noise * 3000.0),
                net_tx_bytes_per_s: round2(4_000.0 + 2_500.0 * (t / 41.0).cos() + noise * 1000.0),
                system_cpu_percent: round2(18.0 + 6.0 * (t / 90.0).sin() + noise * 4.0) as f32,
                system_memory_used_bytes: (6.2 * 1024.0 * MIB + 200.0 * MIB * (t / 300.0).sin()) as u64,
                system_memory_total_bytes: 16_401_084_416,
                db_size_bytes: 1_245_184 + (i / 60) * 4096,
            }
        })
        .collect()
}

fn node(now_ms: u64, db_size_bytes: u64) -> NodeInfo {
    NodeInfo {
        node_id: "5f3a9c0e7b21d84f6a0c2e91b7d35f48c1e0a9b27d64f3e85a1c09d7b2e6f413".to_owned(),
        version: "0.1.0".to_owned(),
        started_at_ms: STARTED_AT_MS,
        now_ms,
        data_dir: "/home/alice/.local/share/bitcraps".to_owned(),
        db_size_bytes,
        sampler_interval_ms: 1000,
        api_url: "http://127.0.0.1:43123".to_owned(),
        event_subscribers: 1,
        journal: bitcraps_api::JournalStatus {
            backend: "io_uring".to_owned(),
            reason: "auto: io_uring available".to_owned(),
            records: 0,
        },
    }
}

/// A quiet node: up 2 h 3 min 4 s, green, nothing hosted, 900 samples.
pub fn quiet_snapshot() -> Snapshot {
    let now_ms = STARTED_AT_MS + 7_384_000;
    let resources = samples(900, now_ms, 7);
    let db = resources.last().map_or(0, |s| s.db_size_bytes);
    Snapshot {
        node: node(now_ms, db),
        health: Health::default(),
        resources,
        game: GameSummary::default(),
        alerts: Vec::new(),
        last_event_id: 7342,
        ..Snapshot::default()
    }
}

/// A busy node: yellow health, two tables, two alerts, 120 samples.
pub fn busy_snapshot() -> Snapshot {
    let now_ms = STARTED_AT_MS + 93_784_000;
    let resources = samples(120, now_ms, 11);
    let db = resources.last().map_or(0, |s| s.db_size_bytes);
    Snapshot {
        node: node(now_ms, db),
        health: Health {
            level: HealthLevel::Yellow,
            reasons: vec!["process CPU above 80 % for 2 min".to_owned(), "database larger than 1 GiB".to_owned()],
        },
        resources,
        game: GameSummary {
            tables: vec![
                TableSummary {
                    table_id: "table-7c1e".to_owned(),
                    host_id: "5f3a9c0e7b21d84f6a0c2e91b7d35f48c1e0a9b27d64f3e85a1c09d7b2e6f413".to_owned(),
                    seated: 3,
                    max_seats: 8,
                    phase: "come-out roll".to_owned(),
                },
                TableSummary {
                    table_id: "table-a902".to_owned(),
                    host_id: "9b04d2e17f5c3a8e0d6b1f4c7a2e9d350c8b1a6f4e2d7c9b3a5f0e1d8c6b4a27".to_owned(),
                    seated: 6,
                    max_seats: 6,
                    phase: "point 8".to_owned(),
                },
            ],
        },
        alerts: vec![
            AlertSummary {
                alert_id: "alert-1".to_owned(),
                rule: "high_process_cpu".to_owned(),
                severity: "warning".to_owned(),
                state: "firing".to_owned(),
                since_ms: now_ms - 125_000,
                value: 86.5,
                threshold: 80.0,
                ..AlertSummary::default()
            },
            AlertSummary {
                alert_id: "alert-2".to_owned(),
                rule: "db_size".to_owned(),
                severity: "info".to_owned(),
                state: "pending".to_owned(),
                since_ms: now_ms - 30_000,
                value: 1_100_000_000.0,
                threshold: 1_073_741_824.0,
                ..AlertSummary::default()
            },
        ],
        last_event_id: 120_417,
        ..Snapshot::default()
    }
}

#[test]
#[ignore = "writes tests/fixtures/*.json; run by hand to regenerate them"]
fn regenerate_fixtures() {
    for (name, snapshot) in [("snapshot.json", quiet_snapshot()), ("snapshot_busy.json", busy_snapshot())] {
        let json = serde_json::to_string_pretty(&snapshot).unwrap();
        std::fs::write(fixture_path(name), json + "\n").unwrap();
    }
}

#[test]
fn fixtures_parse_and_hold_15_minutes_of_samples() {
    let quiet = fixture("snapshot.json");
    assert!(quiet.resources.len() >= 900, "snapshot.json holds {} samples", quiet.resources.len());
    assert!(quiet.resources.windows(2).all(|w| w[0].at_ms <= w[1].at_ms), "samples are oldest first");
    assert_eq!(quiet.node.node_id.len(), 64);
    assert!(quiet.game.tables.is_empty() && quiet.alerts.is_empty());
    let busy = fixture("snapshot_busy.json");
    assert!(!busy.game.tables.is_empty() && !busy.alerts.is_empty());
}
