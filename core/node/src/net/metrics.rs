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
use crate::golden::LatencyWindow;

/// Rates cover about this much of the recent past.
pub const RATE_WINDOW_MS: u64 = 5_000;

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
            propagation: LatencyWindow::new(),
            per_hop: LatencyWindow::new(),
            signature_verify: LatencyWindow::new(),
            link_rtt: LatencyWindow::new(),
            consensus_round: LatencyWindow::new(),
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
            },
        }
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
        ] {
            assert!(text.contains(name), "{name} missing in\n{text}");
        }
    }
}
