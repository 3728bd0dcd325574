//! Peers, links and the mesh's statistics, as the Health panel and `bitcraps-cli network` show them.

use serde::{Deserialize, Serialize};

/// Percentiles of a latency histogram over the last 30-60 s, in milliseconds.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default)]
#[serde(default)]
pub struct LatencyQuantiles {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Observations in the window.
    pub count: u64,
}

/// The mesh as this node sees it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct NetSummary {
    /// Whether the node is on the mesh (`net.enabled`).
    pub enabled: bool,
    /// Where the LAN transport listens (`host:port`), empty when it does not.
    pub listen_addr: String,
    /// Linked peers.
    pub peers: Vec<PeerSummary>,
    /// Node ids banned now.
    pub banned: Vec<String>,
    pub stats: NetStats,
    /// `off` (not on the mesh), `alone` (no peer linked or expected), `connected`, or `partitioned` (peers are
    /// expected, configured or announced by mDNS, and fewer than half of them are linked).
    pub partition: String,
    /// Peers the node expects to reach (configured or announced), and how many of them are linked.
    pub expected_peers: u64,
    pub expected_peers_linked: u64,
}

/// One linked peer, as in the peers table.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct PeerSummary {
    /// Hex Ed25519 key.
    pub node_id: String,
    /// `host:port` (LAN) or the device (BLE).
    pub address: String,
    /// `lan` or `ble`.
    pub transport: String,
    /// Whether this node dialled.
    pub outbound: bool,
    /// Last keepalive round trip, in milliseconds (0 before the first).
    pub rtt_ms: f64,
    /// 100 at first; lowered by invalid signatures, malformed frames, replays and spam; banned at the threshold.
    pub reputation: i32,
    /// Unix milliseconds the link came up.
    pub connected_since_ms: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub messages_in: u64,
    pub messages_out: u64,
}

/// Mesh counters and latency histograms.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct NetStats {
    /// Frames received from neighbours, ever.
    pub messages_in: u64,
    /// Frames sent to neighbours, ever.
    pub messages_out: u64,
    /// Rates over the last few seconds.
    pub messages_in_per_sec: f64,
    pub messages_out_per_sec: f64,
    /// Messages forwarded on to other neighbours.
    pub relayed: u64,
    /// Duplicates dropped by de-duplication (normal in flooding).
    pub duplicates: u64,
    /// Refused or dropped messages by reason (`malformed`, `bad_signature`, `stale`, `rate_limited`, `banned`,
    /// `oversized`, `queue_full`, `version`, `equivocation`, ...).
    pub dropped: Vec<ReasonCount>,
    /// Origin timestamp to delivery.
    pub propagation: LatencyQuantiles,
    /// One hop: sent by a neighbour to received here.
    pub per_hop: LatencyQuantiles,
    /// Ed25519 verification of one message.
    pub signature_verify: LatencyQuantiles,
    /// Keepalive round trips of every link.
    pub link_rtt: LatencyQuantiles,
    /// Learning of a peer (configured at start, or announced by mDNS) to the first link with it up; over the last
    /// 15-30 minutes, like the next four.
    pub discovery: LatencyQuantiles,
    /// Dial or accept to the Noise handshake done, for the attempts that succeeded.
    pub connection_setup: LatencyQuantiles,
    /// A table sync request sent to its answer applied.
    pub state_sync: LatencyQuantiles,
    /// Connection attempts (dials and accepts), and those that completed the handshake.
    pub connection_attempts: u64,
    pub connection_successes: u64,
}

/// A counter with its reason label.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(default)]
pub struct ReasonCount {
    pub reason: String,
    pub count: u64,
}
