//! The JSON fixtures under `tests/fixtures/`: a deterministic generator for them and checks that they parse.
//!
//! `snapshot.json` is a quiet node (green, no tables, no alerts) with 900 one-second samples; `snapshot_busy.json`
//! is a node with tables, alerts and a yellow health. Regenerate both with
//! `cargo test -p bitcraps-ui --test it -- --ignored regenerate_fixtures`; a snapshot recorded from a real node
//! (`GET /api/v1/snapshot`) may replace `snapshot.json` as long as it keeps at least 900 samples.

use bitcraps_api::{
    AlertSummary, BalanceChange, BetSummary, ConsensusStats, GameSummary, Health, HealthLevel, LatencyQuantiles,
    NetStats, NetSummary, NodeInfo, PeerSummary, ReasonCount, ResourceSample, RollSummary, SeatSummary, Snapshot,
    TableSummary,
};

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
                db_write_p95_ms: (i > 0).then(|| round2(0.06 + 0.04 * noise + 0.9 * burst)),
            }
        })
        .collect()
}

/// The fixture node's id.
pub const NODE_ID: &str = "5f3a9c0e7b21d84f6a0c2e91b7d35f48c1e0a9b27d64f3e85a1c09d7b2e6f413";
/// The busy node's peers.
pub const PEER_IDS: [&str; 3] = [
    "9b04d2e17f5c3a8e0d6b1f4c7a2e9d350c8b1a6f4e2d7c9b3a5f0e1d8c6b4a27",
    "c2e7a1f09d3b5e8c4a6f2d1b0e9c7a5f3d8b6e4c2a0f9e7d5c3b1a8f6e4d2c0b",
    "04f6e8d2c1b3a5978e6d4c2b0a1f3e5d7c9b8a6f4e2d0c1b3a5f7e9d8c6b4a21",
];
/// The busy node's tables: the first is joined, the second only advertised.
pub const TABLE_IDS: [&str; 2] = ["7c1e04b9a2d35f68e1c0b7a49d2f3e56", "a902f3e1c4b57d6a08e9f1c2b3d4a5e6"];

fn node(now_ms: u64, db_size_bytes: u64) -> NodeInfo {
    NodeInfo {
        node_id: NODE_ID.to_owned(),
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

/// A busy node: yellow health, three peers, two tables (one joined), two alerts, 120 samples.
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
        game: busy_game(now_ms),
        net: busy_net(now_ms),
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

fn quantiles(p50_ms: f64, p95_ms: f64, p99_ms: f64, count: u64) -> LatencyQuantiles {
    LatencyQuantiles { p50_ms, p95_ms, p99_ms, max_ms: p99_ms * 1.5, count }
}

/// Three linked peers (two LAN, one BLE), one banned node, and the mesh counters of a busy hour.
fn busy_net(now_ms: u64) -> NetSummary {
    let peer = |i: usize, transport: &str, address: &str, outbound: bool, rtt_ms: f64, reputation: i32| PeerSummary {
        node_id: PEER_IDS[i].to_owned(),
        address: address.to_owned(),
        transport: transport.to_owned(),
        outbound,
        rtt_ms,
        reputation,
        connected_since_ms: now_ms - [3_725_000, 184_000, 42_000][i],
        bytes_in: [4_812_331, 913_408, 18_204][i],
        bytes_out: [3_980_112, 1_204_511, 9_870][i],
        messages_in: [18_204, 3_512, 71][i],
        messages_out: [17_930, 4_120, 64][i],
    };
    NetSummary {
        enabled: true,
        listen_addr: "0.0.0.0:47800".to_owned(),
        peers: vec![
            peer(0, "lan", "192.168.1.23:47800", true, 3.4, 100),
            peer(1, "lan", "192.168.1.41:52114", false, 7.9, 92),
            peer(2, "ble", "BitCraps-7f2e", true, 48.2, 75),
        ],
        banned: vec!["e1d2c3b4a5968778695a4b3c2d1e0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2".to_owned()],
        stats: NetStats {
            messages_in: 21_787,
            messages_out: 22_114,
            messages_in_per_sec: 12.4,
            messages_out_per_sec: 11.8,
            relayed: 6_402,
            duplicates: 9_315,
            dropped: vec![
                ReasonCount { reason: "bad_signature".to_owned(), count: 3 },
                ReasonCount { reason: "rate_limited".to_owned(), count: 12 },
            ],
            propagation: quantiles(18.5, 61.0, 120.4, 9_812),
            per_hop: quantiles(4.1, 11.7, 35.2, 21_787),
            signature_verify: quantiles(0.05, 0.09, 0.21, 21_787),
            link_rtt: quantiles(6.2, 44.0, 52.3, 3_600),
            discovery: quantiles(1_210.0, 3_420.0, 8_150.0, 3),
            connection_setup: quantiles(2.1, 6.0, 9.3, 14),
            // Above its 200 ms target: one tile shows red.
            state_sync: quantiles(35.0, 240.0, 310.0, 12),
            connection_attempts: 15,
            connection_successes: 14,
        },
        partition: "connected".to_owned(),
        expected_peers: 2,
        expected_peers_linked: 2,
    }
}

/// Two tables: the first hosted by a peer and joined here (two players, three open bets, three rolls), the second
/// a full table this node only knows from its advert.
/// Milliseconds left in the busy fixture's commit phase.
pub const COMMIT_LEFT_MS: u64 = 2_400;

fn busy_game(now_ms: u64) -> GameSummary {
    let bet = |bet_id: u64, node_id: &str, kind: &str, amount: u64| BetSummary {
        bet_id,
        node_id: node_id.to_owned(),
        kind: kind.to_owned(),
        amount,
    };
    let changes = |deltas: [i64; 2]| {
        [PEER_IDS[0], NODE_ID].iter().zip(deltas).map(|(id, delta)| BalanceChange { node_id: (*id).to_owned(), delta })
    };
    let roll = |round: u64, dice: (u8, u8), points: (u8, u8), forfeited: Vec<String>, deltas: [i64; 2]| RollSummary {
        round,
        d1: dice.0,
        d2: dice.1,
        point_before: points.0,
        point: points.1,
        latency_ms: 180.0 + round as f64,
        forfeited,
        changes: changes(deltas).collect(),
    };
    let joined = TableSummary {
        table_id: TABLE_IDS[0].to_owned(),
        host_id: PEER_IDS[0].to_owned(),
        seated: 2,
        max_seats: 8,
        phase: "point 6".to_owned(),
        min_bet: 5,
        max_bet: 500,
        max_buy_in: 10_000,
        roll_interval_ms: 5_000,
        round: 42,
        round_phase: "commit".to_owned(),
        phase_deadline_ms: now_ms + COMMIT_LEFT_MS,
        attempt: 1,
        joined: true,
        players: vec![
            SeatSummary { node_id: PEER_IDS[0].to_owned(), balance: 1_480, is_shooter: true },
            SeatSummary { node_id: NODE_ID.to_owned(), balance: 935, is_shooter: false },
        ],
        bets: vec![bet(101, PEER_IDS[0], "pass", 25), bet(102, NODE_ID, "pass", 10), bet(104, NODE_ID, "place_8", 30)],
        recent_rolls: vec![
            roll(41, (4, 2), (0, 6), Vec::new(), [-25, -10]),
            roll(40, (5, 6), (0, 0), Vec::new(), [50, 20]),
            roll(39, (3, 4), (8, 0), vec![PEER_IDS[2].to_owned()], [-40, 15]),
        ],
        state_hash: "3f9a0c7e1b2d4f6a8c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d2f4a".to_owned(),
    };
    let full = TableSummary {
        table_id: TABLE_IDS[1].to_owned(),
        host_id: PEER_IDS[1].to_owned(),
        seated: 6,
        max_seats: 6,
        phase: "come-out".to_owned(),
        min_bet: 25,
        max_bet: 1_000,
        max_buy_in: 20_000,
        roll_interval_ms: 8_000,
        round: 7,
        round_phase: String::new(),
        joined: false,
        ..TableSummary::default()
    };
    GameSummary {
        tables: vec![joined, full],
        consensus: ConsensusStats {
            rounds_final: 41,
            attempts_failed: 2,
            forfeits: 1,
            equivocations: 0,
            round_latency: quantiles(182.0, 240.5, 410.0, 41),
        },
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
