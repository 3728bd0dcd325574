//! The mesh's statistics: Prometheus histograms and counters, and the same figures for the snapshot.
//!
//! One [`NetStatus`] lives in [`crate::metrics::Metrics::net`] and is shared (`Arc`) with the mesh task, which
//! writes it, and the API, which reads [`NetStatus::summary`]. Counters are the Prometheus counters themselves
//! (atomics); each latency goes both into a Prometheus histogram and into a [`LatencyWindow`] (30-60 s
//! percentiles for the snapshot). The peer table is published by the mesh in batches (on link changes and once a
//! second), so the hot path takes no lock for it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bitcraps_api::{LatencyQuantiles, NetStats, NetSummary, PeerSummary, ReasonCount};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use super::transport::BanList;
use crate::window::LatencyWindow;

/// Rates cover about this much of the recent past.
pub const RATE_WINDOW_MS: u64 = 5_000;

/// Half the window of rare observations (discovery, connection set-up and attempts, state sync): they cover the
/// last 15-30 minutes, so a tile still shows the links made at start-up.
pub const RARE_HALF_WINDOW_MS: u64 = 15 * 60_000;

/// The mesh's partition state (see [`NetStatus::partition`]).
pub mod partition {
    /// `net.enabled` is false.
    pub const OFF: &str = "off";
    /// On the mesh, no peer linked and none expected.
    pub const ALONE: &str = "alone";
    /// Peers linked, and at least half of the expected peers among them.
    pub const CONNECTED: &str = "connected";
    /// Fewer than half of the expected peers are linked.
    pub const PARTITIONED: &str = "partitioned";
}

/// Labels of the dropped-messages counter: the reason.
type ReasonLabels = Vec<(String, String)>;

/// Buckets from 10 µs doubling 22 times (to about 21 s): one-hop and verify times at the low end, propagation
/// over a slow mesh at the high end.
fn latency_buckets() -> impl Iterator<Item = f64> {
    exponential_buckets(10e-6, 2.0, 22)
}

/// Counters at one instant, for rates.
#[derive(Debug, Clone, Copy)]
struct RateSample {
    ms: u64,
    messages_in: u64,
    messages_out: u64,
}

/// The mesh's counters, latency windows, peer table and bans.
#[derive(Debug)]
pub struct NetStatus {
    enabled: AtomicBool,
    listen_addr: Mutex<String>,
    bans: Mutex<BanList>,
    peers: Mutex<Vec<PeerSummary>>,
    rate_samples: Mutex<VecDeque<RateSample>>,
    dropped_counts: Mutex<BTreeMap<&'static str, u64>>,
    messages_in: Counter,
    messages_out: Counter,
    relayed: Counter,
    duplicates: Counter,
    dropped: Family<ReasonLabels, Counter>,
    peer_count: Gauge,
    propagation_histogram: Histogram,
    per_hop_histogram: Histogram,
    signature_verify_histogram: Histogram,
    link_rtt_histogram: Histogram,
    consensus_round_histogram: Histogram,
    discovery_histogram: Histogram,
    connection_setup_histogram: Histogram,
    state_sync_histogram: Histogram,
    connection_attempts_total: Counter,
    connection_failures_total: Counter,
    /// Expected peers and how many of them are linked, as the transport last reported.
    reach: Mutex<(usize, usize)>,
    /// When the last table-protocol round became final, and how long it took (ms).
    last_round: Mutex<Option<(u64, f64)>>,
    /// Origin timestamp to delivery.
    pub propagation: LatencyWindow,
    /// Sent by a neighbour to received here.
    pub per_hop: LatencyWindow,
    /// Ed25519 verification of one message.
    pub signature_verify: LatencyWindow,
    /// Keepalive round trips of every link.
    pub link_rtt: LatencyWindow,
    /// One table-protocol round, from its first commit to finality (recorded by the table protocol).
    pub consensus_round: LatencyWindow,
    /// Learning of a peer (configured or announced) to the first link with it up.
    pub discovery: LatencyWindow,
    /// Dial or accept to the Noise handshake done, for attempts that succeeded.
    pub connection_setup: LatencyWindow,
    /// Every connection attempt, failed ones marked as errors.
    pub connection_attempts: LatencyWindow,
    /// A table sync request sent to its answer applied (recorded by the table protocol).
    pub state_sync: LatencyWindow,
}

/// What the alert rules watch of the mesh (see `alerts::service`); `None` where there is nothing to measure.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MeshHealth {
    /// Linked peers (while on the mesh).
    pub peer_connections: Option<f64>,
    /// Linked expected peers as a percentage of the expected peers.
    pub peer_connectivity_percent: Option<f64>,
    /// Handshakes completed as a percentage of the attempts in the rare window.
    pub connection_success_percent: Option<f64>,
    /// Consensus round p95 over the last 30-60 s.
    pub consensus_latency_p95_ms: Option<f64>,
    /// The last final round: when (Unix ms) and how long it took.
    pub last_round: Option<(u64, f64)>,
}

impl Default for NetStatus {
    fn default() -> Self {
        Self::new()
    }
}

impl NetStatus {
    /// Empty statistics, not yet registered anywhere.
    pub fn new() -> Self {
        Self {
            enabled: AtomicBool::new(false),
            listen_addr: Mutex::new(String::new()),
            bans: Mutex::new(BanList::default()),
            peers: Mutex::new(Vec::new()),
            rate_samples: Mutex::new(VecDeque::new()),
            dropped_counts: Mutex::new(BTreeMap::new()),
            messages_in: Counter::default(),
            messages_out: Counter::default(),
            relayed: Counter::default(),
            duplicates: Counter::default(),
            dropped: Family::default(),
            peer_count: Gauge::default(),
            propagation_histogram: Histogram::new(latency_buckets()),
            per_hop_histogram: Histogram::new(latency_buckets()),
            signature_verify_histogram: Histogram::new(latency_buckets()),
            link_rtt_histogram: Histogram::new(latency_buckets()),
            consensus_round_histogram: Histogram::new(latency_buckets()),
            discovery_histogram: Histogram::new(latency_buckets()),
            connection_setup_histogram: Histogram::new(latency_buckets()),
            state_sync_histogram: Histogram::new(latency_buckets()),
            connection_attempts_total: Counter::default(),
            connection_failures_total: Counter::default(),
            reach: Mutex::new((0, 0)),
            last_round: Mutex::new(None),
            propagation: LatencyWindow::new(),
            per_hop: LatencyWindow::new(),
            signature_verify: LatencyWindow::new(),
            link_rtt: LatencyWindow::new(),
            consensus_round: LatencyWindow::new(),
            discovery: LatencyWindow::spanning(RARE_HALF_WINDOW_MS),
            connection_setup: LatencyWindow::spanning(RARE_HALF_WINDOW_MS),
            connection_attempts: LatencyWindow::spanning(RARE_HALF_WINDOW_MS),
            state_sync: LatencyWindow::spanning(RARE_HALF_WINDOW_MS),
        }
    }

    /// Registers the mesh's metrics in `registry` (the node's, prefixed `bitcraps`).
    pub fn register(&self, registry: &mut Registry) {
        let histograms = [
            ("mesh_propagation", "Origin timestamp to delivery of a new mesh message", &self.propagation_histogram),
            ("mesh_hop", "One hop of a mesh message: sent by a neighbour to received here", &self.per_hop_histogram),
            ("signature_verify", "Ed25519 verification of one mesh message", &self.signature_verify_histogram),
            ("link_rtt", "Keepalive round trips of the links", &self.link_rtt_histogram),
            ("consensus_round", "One table-protocol round, first commit to finality", &self.consensus_round_histogram),
            ("peer_discovery", "Learning of a peer to the first link with it", &self.discovery_histogram),
            ("connection_setup", "Dial or accept to the handshake done", &self.connection_setup_histogram),
            ("state_sync", "A table sync request to its answer applied", &self.state_sync_histogram),
        ];
        for (name, help, histogram) in histograms {
            registry.register_with_unit(name, help, Unit::Seconds, histogram.clone());
        }
        registry.register("mesh_messages_in", "Frames received from neighbours", self.messages_in.clone());
        registry.register("mesh_messages_out", "Frames sent to neighbours", self.messages_out.clone());
        registry.register("mesh_relayed", "Messages forwarded on to other neighbours", self.relayed.clone());
        registry.register("mesh_duplicates", "Duplicate messages dropped by de-duplication", self.duplicates.clone());
        registry.register("mesh_dropped", "Refused or dropped mesh messages, by reason", self.dropped.clone());
        registry.register("peers", "Linked peers", self.peer_count.clone());
        let attempts = self.connection_attempts_total.clone();
        registry.register("connection_attempts", "Connection attempts (dials and accepts)", attempts);
        let failures = self.connection_failures_total.clone();
        registry.register("connection_failures", "Connection attempts that failed before the link", failures);
    }

    /// Sets whether the node is on the mesh.
    pub fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Ordering::Relaxed);
    }

    /// Sets where the LAN transport listens.
    pub fn set_listen_addr(&self, addr: impl Into<String>) {
        *lock(&self.listen_addr) = addr.into();
    }

    /// The ban list the snapshot reports (the mesh sets it when it starts).
    pub fn set_bans(&self, bans: BanList) {
        *lock(&self.bans) = bans;
    }

    /// Replaces the peer table (the mesh publishes it in batches).
    pub fn set_peers(&self, peers: Vec<PeerSummary>) {
        self.peer_count.set(i64::try_from(peers.len()).unwrap_or(i64::MAX));
        *lock(&self.peers) = peers;
    }

    /// Counts `n` frames received from neighbours.
    pub fn count_in(&self, n: u64) {
        self.messages_in.inc_by(n);
    }

    /// Counts `n` frames sent to neighbours.
    pub fn count_out(&self, n: u64) {
        self.messages_out.inc_by(n);
    }

    /// Counts one message forwarded on.
    pub fn count_relayed(&self) {
        self.relayed.inc();
    }

    /// Counts one duplicate.
    pub fn count_duplicate(&self) {
        self.duplicates.inc();
    }

    /// Counts `n` refused or dropped messages for `reason`.
    pub fn count_dropped(&self, reason: &'static str, n: u64) {
        *lock(&self.dropped_counts).entry(reason).or_default() += n;
        self.dropped.get_or_create(&vec![("reason".to_owned(), reason.to_owned())]).inc_by(n);
    }

    /// Refused or dropped messages for `reason` so far.
    pub fn dropped(&self, reason: &str) -> u64 {
        lock(&self.dropped_counts).get(reason).copied().unwrap_or(0)
    }

    /// Records one propagation latency (origin timestamp to delivery).
    pub fn observe_propagation(&self, latency: Duration, now_ms: u64) {
        observe(&self.propagation, &self.propagation_histogram, latency, now_ms);
    }

    /// Records one per-hop latency.
    pub fn observe_hop(&self, latency: Duration, now_ms: u64) {
        observe(&self.per_hop, &self.per_hop_histogram, latency, now_ms);
    }

    /// Records one Ed25519 verification (usable by anyone who verifies a message).
    pub fn observe_signature_verify(&self, took: Duration, now_ms: u64) {
        observe(&self.signature_verify, &self.signature_verify_histogram, took, now_ms);
    }

    /// Records one link round trip.
    pub fn observe_rtt(&self, rtt: Duration, now_ms: u64) {
        observe(&self.link_rtt, &self.link_rtt_histogram, rtt, now_ms);
    }

    /// Percentiles of the table protocol's round latency over the last window.
    pub fn round_latency(&self, now_ms: u64) -> LatencyQuantiles {
        quantiles(&self.consensus_round, now_ms)
    }

    /// Records one table-protocol round (first commit to finality).
    pub fn observe_round(&self, took: Duration, now_ms: u64) {
        observe(&self.consensus_round, &self.consensus_round_histogram, took, now_ms);
        *lock(&self.last_round) = Some((now_ms, took.as_secs_f64() * 1000.0));
    }

    /// Records one peer discovery (learned of to first link up).
    pub fn observe_discovery(&self, took: Duration, now_ms: u64) {
        observe(&self.discovery, &self.discovery_histogram, took, now_ms);
    }

    /// Records one connection attempt; the set-up time counts only if it succeeded.
    pub fn observe_attempt(&self, took: Duration, ok: bool, now_ms: u64) {
        self.connection_attempts.record(now_ms, u64::try_from(took.as_micros()).unwrap_or(u64::MAX), !ok);
        self.connection_attempts_total.inc();
        if ok {
            observe(&self.connection_setup, &self.connection_setup_histogram, took, now_ms);
        } else {
            self.connection_failures_total.inc();
        }
    }

    /// Records one state sync (request sent to answer applied).
    pub fn observe_state_sync(&self, took: Duration, now_ms: u64) {
        observe(&self.state_sync, &self.state_sync_histogram, took, now_ms);
    }

    /// Sets how many peers the transport expects to reach and how many of them are linked.
    pub fn set_reach(&self, known: usize, linked: usize) {
        *lock(&self.reach) = (known, linked.min(known));
    }

    /// The partition state: [`partition::OFF`] off the mesh; [`partition::PARTITIONED`] when peers are expected
    /// (configured or announced) and fewer than half of them are linked (the `network_partition` rule's 50 %);
    /// [`partition::CONNECTED`] when any peer is linked otherwise; [`partition::ALONE`] with no peer linked or
    /// expected.
    pub fn partition(&self) -> &'static str {
        let linked_peers = lock(&self.peers).len();
        partition_state(self.enabled.load(Ordering::Relaxed), linked_peers, *lock(&self.reach))
    }

    /// The mesh figures the alert rules watch, at `now_ms`.
    pub fn health(&self, now_ms: u64) -> MeshHealth {
        let enabled = self.enabled.load(Ordering::Relaxed);
        let (known, linked) = *lock(&self.reach);
        let attempts = self.connection_attempts.quantiles(now_ms);
        MeshHealth {
            peer_connections: enabled.then(|| lock(&self.peers).len() as f64),
            peer_connectivity_percent: (enabled && known > 0).then(|| 100.0 * linked as f64 / known as f64),
            connection_success_percent: attempts
                .map(|q| 100.0 * q.count.saturating_sub(q.errors) as f64 / q.count.max(1) as f64),
            consensus_latency_p95_ms: self.consensus_round.quantiles(now_ms).map(|q| q.p95_ms),
            last_round: *lock(&self.last_round),
        }
    }

    /// Remembers the counters at `now_ms` for the rates (the mesh calls it about once a second).
    pub fn sample_rates(&self, now_ms: u64) {
        let sample =
            RateSample { ms: now_ms, messages_in: self.messages_in.get(), messages_out: self.messages_out.get() };
        let mut samples = lock(&self.rate_samples);
        samples.push_back(sample);
        while samples.len() > 1 && samples.front().is_some_and(|s| s.ms + RATE_WINDOW_MS < now_ms) {
            samples.pop_front();
        }
    }

    /// The mesh as the snapshot shows it, at `now_ms`.
    pub fn summary(&self, now_ms: u64) -> NetSummary {
        let (messages_in, messages_out) = (self.messages_in.get(), self.messages_out.get());
        let (in_rate, out_rate) = match lock(&self.rate_samples).front() {
            Some(s) if now_ms > s.ms => {
                let secs = (now_ms - s.ms) as f64 / 1000.0;
                (
                    messages_in.saturating_sub(s.messages_in) as f64 / secs,
                    messages_out.saturating_sub(s.messages_out) as f64 / secs,
                )
            }
            _ => (0.0, 0.0),
        };
        let dropped = lock(&self.dropped_counts)
            .iter()
            .map(|(reason, count)| ReasonCount { reason: (*reason).to_owned(), count: *count })
            .collect();
        let attempts = self.connection_attempts.quantiles(now_ms);
        let (known, linked) = *lock(&self.reach);
        // Before the summary below: its temporary guards live to the end of the expression.
        let partition = self.partition();
        let mut banned: Vec<String> = lock(&self.bans).banned().iter().map(|id| id.to_hex()).collect();
        banned.sort();
        NetSummary {
            enabled: self.enabled.load(Ordering::Relaxed),
            listen_addr: lock(&self.listen_addr).clone(),
            peers: lock(&self.peers).clone(),
            banned,
            stats: NetStats {
                messages_in,
                messages_out,
                messages_in_per_sec: in_rate,
                messages_out_per_sec: out_rate,
                relayed: self.relayed.get(),
                duplicates: self.duplicates.get(),
                dropped,
                propagation: quantiles(&self.propagation, now_ms),
                per_hop: quantiles(&self.per_hop, now_ms),
                signature_verify: quantiles(&self.signature_verify, now_ms),
                link_rtt: quantiles(&self.link_rtt, now_ms),
                discovery: quantiles(&self.discovery, now_ms),
                connection_setup: quantiles(&self.connection_setup, now_ms),
                state_sync: quantiles(&self.state_sync, now_ms),
                connection_attempts: attempts.map_or(0, |q| q.count),
                connection_successes: attempts.map_or(0, |q| q.count.saturating_sub(q.errors)),
            },
            partition: partition.to_owned(),
            expected_peers: known as u64,
            expected_peers_linked: linked as u64,
        }
    }
}

/// See [`NetStatus::partition`].
fn partition_state(enabled: bool, linked_peers: usize, (known, linked_known): (usize, usize)) -> &'static str {
    if !enabled {
        partition::OFF
    } else if known > 0 && linked_known * 2 < known {
        partition::PARTITIONED
    } else if linked_peers > 0 {
        partition::CONNECTED
    } else {
        partition::ALONE
    }
}

fn observe(window: &LatencyWindow, histogram: &Histogram, took: Duration, now_ms: u64) {
    window.record(now_ms, u64::try_from(took.as_micros()).unwrap_or(u64::MAX), false);
    histogram.observe(took.as_secs_f64());
}

fn quantiles(window: &LatencyWindow, now_ms: u64) -> LatencyQuantiles {
    let q = window.quantiles(now_ms).unwrap_or_default();
    LatencyQuantiles { p50_ms: q.p50_ms, p95_ms: q.p95_ms, p99_ms: q.p99_ms, max_ms: q.max_ms, count: q.count }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every critical section leaves the value whole.
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reports_counters_rates_and_latencies() {
        let status = NetStatus::new();
        status.sample_rates(10_000);
        status.count_in(50);
        status.count_out(100);
        status.count_dropped("stale", 2);
        status.count_dropped("stale", 1);
        status.observe_hop(Duration::from_micros(1_500), 15_000);
        let s = status.summary(15_000);
        assert_eq!((s.stats.messages_in, s.stats.messages_out), (50, 100));
        assert!((s.stats.messages_in_per_sec - 10.0).abs() < 1e-9, "{:?}", s.stats);
        assert!((s.stats.messages_out_per_sec - 20.0).abs() < 1e-9, "{:?}", s.stats);
        assert_eq!(s.stats.dropped, vec![ReasonCount { reason: "stale".into(), count: 3 }]);
        assert_eq!(s.stats.per_hop.count, 1);
        assert!((s.stats.per_hop.p50_ms - 1.5).abs() < 0.05, "{:?}", s.stats.per_hop);
    }

    #[test]
    fn connection_attempts_discovery_and_sync_reach_the_summary() {
        let status = NetStatus::new();
        status.set_enabled(true);
        status.observe_attempt(Duration::from_millis(4), true, 1_000);
        status.observe_attempt(Duration::from_millis(2), false, 1_000);
        status.observe_attempt(Duration::from_millis(6), true, 1_000);
        status.observe_discovery(Duration::from_millis(120), 1_000);
        status.observe_state_sync(Duration::from_millis(3), 1_000);
        // Rare events stay in the window for minutes.
        let s = status.summary(10 * 60_000);
        assert_eq!((s.stats.connection_attempts, s.stats.connection_successes), (3, 2));
        assert_eq!(s.stats.connection_setup.count, 2, "only successful set-ups are timed");
        assert!((s.stats.connection_setup.max_ms - 6.0).abs() < 0.1, "{:?}", s.stats.connection_setup);
        assert_eq!((s.stats.discovery.count, s.stats.state_sync.count), (1, 1));
        let health = status.health(10 * 60_000);
        let success = health.connection_success_percent.unwrap_or_default();
        assert!((success - 200.0 / 3.0).abs() < 1e-9, "{health:?}");
        assert_eq!(health.peer_connections, Some(0.0));
        assert_eq!(health.peer_connectivity_percent, None, "no expected peers: nothing to measure");
        assert_eq!(health.consensus_latency_p95_ms, None);
        status.observe_round(Duration::from_millis(40), 11 * 60_000);
        let health = status.health(11 * 60_000);
        assert_eq!(health.last_round, Some((11 * 60_000, 40.0)));
        assert!(health.consensus_latency_p95_ms.is_some_and(|p95| (p95 - 40.0).abs() < 0.5), "{health:?}");
    }

    #[test]
    fn partition_state_follows_the_expected_peers() {
        use partition::*;
        assert_eq!(partition_state(false, 3, (3, 3)), OFF);
        assert_eq!(partition_state(true, 0, (0, 0)), ALONE);
        assert_eq!(partition_state(true, 2, (0, 0)), CONNECTED, "inbound peers only");
        assert_eq!(partition_state(true, 2, (4, 2)), CONNECTED, "half the expected peers");
        assert_eq!(partition_state(true, 1, (4, 1)), PARTITIONED);
        assert_eq!(partition_state(true, 0, (1, 0)), PARTITIONED, "a configured peer unreachable");
        let status = NetStatus::new();
        status.set_enabled(true);
        status.set_reach(4, 1);
        let s = status.summary(1_000);
        assert_eq!((s.partition.as_str(), s.expected_peers, s.expected_peers_linked), (PARTITIONED, 4, 1));
        assert_eq!(status.health(1_000).peer_connectivity_percent, Some(25.0));
    }

    #[test]
    fn metrics_are_exported_under_their_names() {
        let status = NetStatus::new();
        let mut registry = Registry::with_prefix("bitcraps");
        status.register(&mut registry);
        status.count_dropped("bad_signature", 1);
        status.observe_round(Duration::from_millis(40), 1);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry).unwrap_or_default();
        for name in [
            "bitcraps_mesh_propagation_seconds_bucket",
            "bitcraps_mesh_hop_seconds_bucket",
            "bitcraps_signature_verify_seconds_bucket",
            "bitcraps_link_rtt_seconds_bucket",
            "bitcraps_consensus_round_seconds_count 1",
            "bitcraps_mesh_messages_in_total",
            "bitcraps_mesh_messages_out_total",
            "bitcraps_mesh_relayed_total",
            "bitcraps_mesh_dropped_total{reason=\"bad_signature\"} 1",
            "bitcraps_peers",
            "bitcraps_peer_discovery_seconds_bucket",
            "bitcraps_connection_setup_seconds_bucket",
            "bitcraps_state_sync_seconds_bucket",
            "bitcraps_connection_attempts_total",
            "bitcraps_connection_failures_total",
        ] {
            assert!(text.contains(name), "{name} missing in\n{text}");
        }
    }
}
