//! Load measurements over real `bitcraps-node` processes on loopback. Both tests are ignored (they measure, they
//! do not check speed targets) and print a report; `docs/benchmarks.md` records their numbers. Run them in
//! release, one at a time:
//!
//! ```text
//! cargo test --release -p bitcraps-node --test it mesh_load -- --ignored --nocapture --test-threads 1
//! ```
//!
//! - `mesh_load_eight_players`: eight processes (each linked to the first and to the previous one), one table at
//!   `roll_interval_ms = 100`, random bets for `MESH_LOAD_ROLLS` rolls (default 300). Reports the round latency
//!   (snapshot windows, then exact percentiles from every node's `mesh_rounds`), propagation and per-hop latency,
//!   the host's messages/s, and bytes per player per hour at one roll every 10 s (idle keepalive traffic measured
//!   first, with no table, and scaled to the default `net.keepalive_ms`).
//! - `mesh_load_lan_relay_line`: a line A – B – C where B is a `bitcraps-node` process and A and C are in-process
//!   LAN transports. A sends signed floods into B one at a time (latency), then `MESH_RELAY_N` (default 20 000)
//!   as fast as B's link takes them (throughput); C counts what B relays.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bitcraps_api::{Command, LatencyQuantiles, Snapshot};
use bitcraps_net::transport::{LinkHandle, SendError, TransportEvent};
use bitcraps_wire::{Envelope, MeshFrame, Message, NodeId, PROTOCOL_VERSION, Payload, SignedMessage, TableId};
use ed25519_dalek::SigningKey;
use rand::{Rng, SeedableRng};
use tokio::sync::{mpsc, watch};

use crate::mesh_game::{host_table, join_all, start_mesh};
use crate::mesh_support::{NodeProcess, describe, mesh_config, wait_for};

const NODES: usize = 8;
const KINDS: [&str; 8] = ["field", "pass", "dont_pass", "place_6", "place_8", "any_7", "come", "hard_8"];
/// The keepalive interval of the test nodes (`mesh_support::mesh_config`) and the default one.
const TEST_KEEPALIVE_MS: f64 = 500.0;
const DEFAULT_KEEPALIVE_MS: f64 = 2_000.0;
const IDLE_SECS: u64 = 10;
/// One roll every 10 s.
const ROLLS_PER_HOUR: f64 = 360.0;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn now_us() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as u64)
}

/// Bytes in + out over all of a node's links.
fn link_bytes(s: &Snapshot) -> u64 {
    s.net.peers.iter().map(|p| p.bytes_in + p.bytes_out).sum()
}

fn q(l: &LatencyQuantiles) -> String {
    format!("p50 {:.2} / p95 {:.2} / p99 {:.2} / max {:.2} ms (n {})", l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms, l.count)
}

/// The `p` quantile of sorted values (nearest rank).
fn percentile<T: Copy + Default>(sorted: &[T], p: f64) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// The `latency_ms` of every round from `from_round` on in a stopped node's database.
fn stored_latencies(data_dir: &std::path::Path, from_round: u64) -> Vec<u64> {
    let db = rusqlite::Connection::open(data_dir.join("bitcraps.sqlite3")).unwrap();
    let mut stmt = db.prepare("SELECT latency_ms FROM mesh_rounds WHERE round >= ?1").unwrap();
    stmt.query_map([from_round as i64], |r| r.get::<_, i64>(0)).unwrap().map(|v| v.unwrap() as u64).collect()
}

#[test]
#[ignore = "load measurement over eight release processes; run on demand (see the module docs)"]
#[expect(clippy::too_many_lines, reason = "one scripted measurement, read top to bottom like its report")]
fn mesh_load_eight_players() {
    let _turn = crate::mesh_support::one_at_a_time();
    let rolls = env_or("MESH_LOAD_ROLLS", 300);
    let root = tempfile::tempdir().unwrap();
    let nodes = start_mesh(root.path(), NODES, "");
    wait_for("a linked mesh", Duration::from_secs(20), || {
        let links: usize = nodes.iter().map(|n| n.snapshot().net.peers.len()).sum();
        links == 2 * (2 * NODES - 3)
    });
    let links: Vec<usize> = nodes.iter().map(|n| n.snapshot().net.peers.len()).collect();

    // Idle: keepalives only, no table.
    std::thread::sleep(Duration::from_secs(1));
    let idle_start: Vec<u64> = nodes.iter().map(|n| link_bytes(&n.snapshot())).collect();
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(IDLE_SECS));
    let idle_end: Vec<u64> = nodes.iter().map(|n| link_bytes(&n.snapshot())).collect();
    let idle_secs = started.elapsed().as_secs_f64();
    // Bytes per second per node at the test keepalive, and per link.
    let idle_rate: Vec<f64> = idle_start.iter().zip(&idle_end).map(|(a, b)| (b - a) as f64 / idle_secs).collect();
    let per_link_rate = idle_rate.iter().sum::<f64>() / links.iter().sum::<usize>() as f64;

    // The game.
    let table = host_table(&nodes[0], 100);
    join_all(&nodes, &table);
    let host = &nodes[0];
    let first = host.snapshot();
    let start_round = first.game.tables[0].round;
    let run_start: Vec<u64> = nodes.iter().map(|n| link_bytes(&n.snapshot())).collect();
    let (host_in0, host_out0) = (first.net.stats.messages_in, first.net.stats.messages_out);
    let started = Instant::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let (mut placed, mut accepted) = (0u64, 0u64);
    let mut rates: Vec<(f64, f64)> = Vec::new();
    let mut last_rate = Instant::now();
    while host.table(&table).unwrap().round < start_round + rolls {
        assert!(started.elapsed() < Duration::from_secs(rolls.max(60) * 2), "stalled:\n{}", describe(&nodes, &table));
        for node in &nodes {
            if rng.gen_bool(0.5) {
                let kind = KINDS[rng.gen_range(0..KINDS.len())].to_owned();
                let command = Command::PlaceBet { table_id: table.clone(), kind, amount: rng.gen_range(1..=50) * 6 };
                placed += 1;
                accepted += u64::from(node.command(&command).0 == 200);
            }
        }
        if last_rate.elapsed() > Duration::from_secs(2) {
            let s = host.snapshot().net.stats;
            rates.push((s.messages_in_per_sec, s.messages_out_per_sec));
            last_rate = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(60));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let snapshots: Vec<Snapshot> = nodes.iter().map(NodeProcess::snapshot).collect();
    let end_round = snapshots[0].game.tables[0].round;
    let played = (end_round - start_round) as f64;
    let run_end: Vec<u64> = snapshots.iter().map(link_bytes).collect();
    let host_stats = &snapshots[0].net.stats;
    let (host_in, host_out) = (host_stats.messages_in - host_in0, host_stats.messages_out - host_out0);

    println!("\n=== mesh_load: {NODES} release processes on loopback, one table, roll_interval_ms = 100 ===");
    println!(
        "rounds {start_round}..{end_round} ({played} rolls) in {elapsed:.1} s = {:.2} rolls/s; bets placed {placed}, \
         accepted {accepted}; links per node {links:?}",
        played / elapsed
    );
    println!("\n-- consensus round latency (first commit seen -> final), snapshot windows (last 30-60 s):");
    for (i, s) in snapshots.iter().enumerate() {
        let c = &s.game.consensus;
        println!("  node {i}: {}  final {} failed {}", q(&c.round_latency), c.rounds_final, c.attempts_failed);
    }
    println!("\n-- propagation (origin timestamp -> delivery) and per hop, snapshot windows:");
    for (i, s) in snapshots.iter().enumerate() {
        println!("  node {i}: propagation {}", q(&s.net.stats.propagation));
        println!("          per hop     {}", q(&s.net.stats.per_hop));
        println!("          verify      {}", q(&s.net.stats.signature_verify));
    }
    let mut worst = [0.0f64; 6];
    for s in &snapshots {
        let (p, h) = (&s.net.stats.propagation, &s.net.stats.per_hop);
        for (w, v) in worst.iter_mut().zip([p.p50_ms, p.p95_ms, p.p99_ms, h.p50_ms, h.p95_ms, h.p99_ms]) {
            *w = w.max(v);
        }
    }
    println!(
        "  worst node: propagation p50 {:.2} p95 {:.2} p99 {:.2} ms; per hop p50 {:.2} p95 {:.2} p99 {:.2} ms",
        worst[0], worst[1], worst[2], worst[3], worst[4], worst[5]
    );
    let (rin, rout) = rates.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let n = rates.len().max(1) as f64;
    println!(
        "\n-- host messages: {:.0} in/s, {:.0} out/s over the run ({host_in} in, {host_out} out); snapshot rates \
         mean {:.0} in/s, {:.0} out/s",
        host_in as f64 / elapsed,
        host_out as f64 / elapsed,
        rin / n,
        rout / n
    );

    println!(
        "\n-- bytes per player (a node's link bytes in + out); idle {idle_secs:.1} s with no table at keepalive \
         {TEST_KEEPALIVE_MS} ms: {per_link_rate:.1} B/s per link"
    );
    let scale = TEST_KEEPALIVE_MS / DEFAULT_KEEPALIVE_MS;
    let mut per_hour = Vec::new();
    for i in 0..NODES {
        let total = (run_end[i] - run_start[i]) as f64;
        let keepalive = idle_rate[i] * elapsed;
        let per_roll = ((total - keepalive) / played).max(0.0);
        let keepalive_hour = idle_rate[i] * scale * 3_600.0;
        let hour = per_roll * ROLLS_PER_HOUR + keepalive_hour;
        per_hour.push(hour);
        println!(
            "  node {i} ({} links): run {:.0} KB, idle {:.0} B/s -> {per_roll:.0} B per roll; per hour at 1 roll/10 s: \
             {:.0} KB rolls + {:.0} KB keepalive (every {DEFAULT_KEEPALIVE_MS} ms) = {:.0} KB/h",
            links[i],
            total / 1e3,
            idle_rate[i],
            per_roll * ROLLS_PER_HOUR / 1e3,
            keepalive_hour / 1e3,
            hour / 1e3
        );
    }
    let mean_hour = per_hour.iter().sum::<f64>() / NODES as f64;
    let max_hour = per_hour.iter().copied().fold(0.0, f64::max);
    println!(
        "  bytes per player per hour: mean {:.0} KB/h, worst (the hub) {:.0} KB/h",
        mean_hour / 1e3,
        max_hour / 1e3
    );

    // Stop, then exact round latencies from every node's store.
    for node in &nodes {
        let _ = node.command(&Command::LeaveTable { table_id: table.clone() });
    }
    wait_for("everyone left", Duration::from_secs(30), || {
        nodes.iter().all(|n| n.table(&table).is_some_and(|t| t.seated == 0))
    });
    let dirs: Vec<_> = nodes.into_iter().map(NodeProcess::stop).collect();
    let mut all = Vec::new();
    println!("\n-- consensus round latency, exact, from mesh_rounds.latency_ms (rounds >= {start_round}):");
    for (i, dir) in dirs.iter().enumerate() {
        let mut l = stored_latencies(dir, start_round);
        l.sort_unstable();
        println!(
            "  node {i}: {} rounds p50 {} p95 {} p99 {} max {} ms",
            l.len(),
            percentile(&l, 0.5),
            percentile(&l, 0.95),
            percentile(&l, 0.99),
            l.last().copied().unwrap_or(0)
        );
        all.extend(l);
    }
    all.sort_unstable();
    println!(
        "  all nodes: {} round-node samples p50 {} p95 {} p99 {} max {} ms",
        all.len(),
        percentile(&all, 0.5),
        percentile(&all, 0.95),
        percentile(&all, 0.99),
        all.last().copied().unwrap_or(0)
    );
    assert!(played >= rolls as f64 && !all.is_empty());
}

/// An in-process LAN node linked to one `bitcraps-node` process.
struct LanPeer {
    key: SigningKey,
    handle: LinkHandle,
    events: mpsc::Receiver<TransportEvent>,
    _stop: watch::Sender<bool>,
}

impl LanPeer {
    async fn connect(seed: u8, to: &NodeProcess) -> LanPeer {
        let (key, handle, events, stop) = crate::mesh_support::lan_link_to(seed, to, 65_536).await;
        LanPeer { key, handle, events, _stop: stop }
    }

    /// Queues `frame`, waiting while the link's queue is full.
    async fn send(&self, frame: Vec<u8>) {
        let mut frame = Some(frame);
        while let Some(f) = frame.take() {
            if let Err(SendError::Full) = self.handle.send(f.clone()) {
                frame = Some(f);
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
        }
    }

    /// The next flood: (receive time in µs, the envelope's hop_sent_us), or None after `wait` of silence.
    async fn next_flood(&mut self, wait: Duration) -> Option<(u64, u64)> {
        loop {
            match tokio::time::timeout(wait, self.events.recv()).await.ok()?? {
                TransportEvent::Frame { frame, .. } => {
                    let at = now_us();
                    if let Ok(MeshFrame::Flood(env)) = MeshFrame::decode(&frame) {
                        return Some((at, env.hop_sent_us));
                    }
                }
                TransportEvent::Down { .. } => return None,
                _ => {}
            }
        }
    }
}

/// `n` distinct signed reveals from 16 origins, as flood frames (hop time filled in when sent).
fn signed_messages(n: usize) -> Vec<SignedMessage> {
    let keys: Vec<SigningKey> = (0..16u8).map(|i| SigningKey::from_bytes(&[i + 100; 32])).collect();
    let ts = now_us() / 1000;
    (0..n)
        .map(|i| {
            let key = &keys[i % keys.len()];
            let message = Message {
                version: PROTOCOL_VERSION,
                origin: NodeId(key.verifying_key().to_bytes()),
                timestamp_ms: ts,
                payload: Payload::Reveal { table: TableId([7; 16]), round: i as u64, attempt: 0, nonce: [3; 32] },
            };
            SignedMessage::sign(&message, key)
        })
        .collect()
}

fn flood(message: SignedMessage) -> Vec<u8> {
    MeshFrame::Flood(Envelope { ttl: 5, hop_sent_us: now_us(), message }).encode()
}

#[test]
#[ignore = "relay throughput over a real process; run on demand (see the module docs)"]
fn mesh_load_lan_relay_line() {
    let _turn = crate::mesh_support::one_at_a_time();
    let n = env_or("MESH_RELAY_N", 20_000) as usize;
    let latency_samples = 2_000;
    let root = tempfile::tempdir().unwrap();
    let extra = format!(
        "rate_per_sec = 1000000\nrate_burst = 10000000\ndedup_capacity = {}\n",
        (n + latency_samples + 1_000).max(65_536)
    );
    let b = NodeProcess::start(&root.path().join("b"), &mesh_config(&[], &extra));
    let mut messages = signed_messages(latency_samples + n);
    let bulk = messages.split_off(latency_samples);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let a = LanPeer::connect(61, &b).await;
        let mut c = LanPeer::connect(62, &b).await;
        let a_id = NodeId(a.key.verifying_key().to_bytes()).to_hex();
        // A's own events (B's pings are answered by the link) drained in the background.
        let LanPeer { handle: a_handle, events: mut a_events, _stop: a_stop, key: a_key } = a;
        let drain = tokio::spawn(async move { while a_events.recv().await.is_some() {} });
        let a = LanPeer { key: a_key, handle: a_handle, events: mpsc::channel(1).1, _stop: a_stop };
        wait_for("B sees both links", Duration::from_secs(10), || b.snapshot().net.peers.len() == 2);

        // Latency: one message in flight.
        let mut through = Vec::with_capacity(latency_samples);
        let mut hop_bc = Vec::with_capacity(latency_samples);
        for message in messages {
            let sent = now_us();
            a.send(flood(message)).await;
            let Some((at, hop_sent)) = c.next_flood(Duration::from_secs(2)).await else { break };
            through.push(at.saturating_sub(sent));
            hop_bc.push(at.saturating_sub(hop_sent));
        }
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        let paced = b.snapshot().net.stats;
        through.sort_unstable();
        hop_bc.sort_unstable();

        // Throughput: everything at once.
        let started = Instant::now();
        let sender = tokio::spawn(async move {
            for message in bulk {
                a.send(flood(message)).await;
            }
            a
        });
        let (mut received, mut last) = (0usize, started);
        while received < n {
            if c.next_flood(Duration::from_secs(3)).await.is_none() {
                break;
            }
            received += 1;
            last = Instant::now();
        }
        let rate = received as f64 / last.duration_since(started).as_secs_f64();
        let a = sender.await.unwrap();
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        let after = b.snapshot().net;
        drop(a);
        drain.abort();

        let us = |v: &[u64], p: f64| percentile(v, p) as f64 / 1e3;
        println!("\n=== mesh_load_lan_relay_line: A (in-process) -> B (bitcraps-node, release) -> C (in-process) ===");
        println!(
            "latency, one in flight ({} samples): A send -> C receive p50 {:.3} p95 {:.3} p99 {:.3} ms; \
             hop B -> C p50 {:.3} p95 {:.3} p99 {:.3} ms",
            through.len(),
            us(&through, 0.5),
            us(&through, 0.95),
            us(&through, 0.99),
            us(&hop_bc, 0.5),
            us(&hop_bc, 0.95),
            us(&hop_bc, 0.99)
        );
        println!("B's snapshot after the paced phase: per hop (A -> B) {}", q(&paced.per_hop));
        println!("                                    verify            {}", q(&paced.signature_verify));
        println!(
            "throughput: {received} of {n} relayed by B to C in {:.2} s = {rate:.0} msg/s (B relayed {} in all)",
            last.duration_since(started).as_secs_f64(),
            after.stats.relayed
        );
        println!("B's snapshot after the flood: per hop (A -> B) {}", q(&after.stats.per_hop));
        let dropped: BTreeMap<String, u64> = after.stats.dropped.iter().map(|r| (r.reason.clone(), r.count)).collect();
        println!("B dropped: {dropped:?}; A banned: {}", after.banned.contains(&a_id));
        assert!(received > 0);
    });
    b.stop();
}
