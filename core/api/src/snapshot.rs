//! The snapshot: everything a front end needs to draw the node's state at one instant.

use serde::{Deserialize, Serialize};

use crate::net::{LatencyQuantiles, NetSummary};

use crate::{AlertHistoryEntry, AlertRule, ResourceSample};

/// The node's state at one instant, as `GET /api/v1/snapshot` returns it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct Snapshot {
    pub node: NodeInfo,
    pub health: Health,
    /// Resource samples held in memory, oldest first (at least the last 15 minutes).
    pub resources: Vec<ResourceSample>,
    pub game: GameSummary,
    /// Peers and the mesh.
    pub net: NetSummary,
    /// Alerts currently pending or firing.
    pub alerts: Vec<AlertSummary>,
    /// The newest alert transitions, newest first.
    pub alert_history: Vec<AlertHistoryEntry>,
    /// The alert rules in force.
    pub alert_rules: Vec<AlertRule>,
    /// Id of the newest event folded into this snapshot; stream with `since=last_event_id` to continue from it.
    pub last_event_id: u64,
}

/// Facts about the node itself.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct NodeInfo {
    /// Hex-encoded Ed25519 public key: the node's stable identity.
    pub node_id: String,
    pub version: String,
    /// Unix time the node started, in milliseconds.
    pub started_at_ms: u64,
    /// Unix time the snapshot was taken, in milliseconds.
    pub now_ms: u64,
    pub data_dir: String,
    pub db_size_bytes: u64,
    pub sampler_interval_ms: u64,
    /// Base URL of the control API.
    pub api_url: String,
    /// Clients currently subscribed to the event stream.
    pub event_subscribers: u32,
    /// The table journal and the platform I/O backend writing it.
    pub journal: JournalStatus,
}

/// Which I/O backend writes the node's table journal, why that one, and how many records it holds.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct JournalStatus {
    /// `io_uring`, `epoll`, `iocp`, `gcd` or `std`.
    pub backend: String,
    /// Why this backend, e.g. "io_uring unavailable: EPERM; compio fell back to epoll".
    pub reason: String,
    /// Records in the journal when the node opened it.
    pub records: u64,
}

impl NodeInfo {
    /// Milliseconds the node has been running at `now_ms`.
    pub fn uptime_ms(&self) -> u64 {
        self.now_ms.saturating_sub(self.started_at_ms)
    }
}

/// Overall health level, shown as the tray icon colour and the dashboard's status light.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
#[serde(rename_all = "snake_case")]
pub enum HealthLevel {
    #[default]
    Green,
    Yellow,
    Red,
}

/// Overall health with the reasons for anything but green.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct Health {
    pub level: HealthLevel,
    pub reasons: Vec<String>,
}

/// Craps tables known to the node. Empty until the node hosts or joins tables.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct GameSummary {
    pub tables: Vec<TableSummary>,
    pub consensus: ConsensusStats,
}

/// One craps table on the mesh as listed on the Game panel.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct TableSummary {
    /// 32 hex digits.
    pub table_id: String,
    pub host_id: String,
    pub seated: u32,
    pub max_seats: u32,
    /// The craps phase: `come-out` or `point 6`.
    pub phase: String,
    pub min_bet: u64,
    pub max_bet: u64,
    pub max_buy_in: u64,
    pub roll_interval_ms: u32,
    /// The round (roll number) being played.
    pub round: u64,
    /// `betting`, `commit`, `reveal` or `sign` (empty when this node only knows the advert).
    pub round_phase: String,
    /// Unix time in milliseconds by which the current round phase closes at the latest (0: no deadline known).
    pub phase_deadline_ms: u64,
    /// The attempt of the round in progress (0: the first; more after attempts without a quorum).
    pub attempt: u32,
    /// Whether this node is seated.
    pub joined: bool,
    /// The seated players with their chips at the table.
    pub players: Vec<SeatSummary>,
    /// Open bets at the table (everyone's).
    pub bets: Vec<BetSummary>,
    /// The newest rolls, newest first.
    pub recent_rolls: Vec<RollSummary>,
    /// Hash of the table's state after the last final round (hex), the same on every honest node.
    pub state_hash: String,
}

/// A seated player.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct SeatSummary {
    pub node_id: String,
    /// Chips not on a bet.
    pub balance: u64,
    pub is_shooter: bool,
}

/// An open bet.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct BetSummary {
    pub bet_id: u64,
    pub node_id: String,
    /// The rules engine's name, e.g. `pass`, `place_6`.
    pub kind: String,
    pub amount: u64,
}

/// One final roll.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct RollSummary {
    pub round: u64,
    pub d1: u8,
    pub d2: u8,
    /// The point after the roll (0: come-out).
    pub point: u8,
    /// The point before the roll (0: it was a come-out roll).
    pub point_before: u8,
    /// Milliseconds from the round's first commit to finality here.
    pub latency_ms: f64,
    /// Players whose reveal was missing: they forfeited and were unseated.
    pub forfeited: Vec<String>,
    /// Each player's chip change in the round (bets placed, winnings paid, buy-ins), by node id.
    pub changes: Vec<BalanceChange>,
}

/// One player's chip change in one round: what is in their balance (chips not on a bet) now minus before.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(default)]
pub struct BalanceChange {
    pub node_id: String,
    pub delta: i64,
}

/// The table protocol's counters and round latency.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct ConsensusStats {
    /// Rounds that became final here.
    pub rounds_final: u64,
    /// Attempts that timed out without a quorum and were restarted.
    pub attempts_failed: u64,
    /// Players unseated for withholding a reveal.
    pub forfeits: u64,
    /// Equivocations detected (two signed messages for one slot), with proof kept.
    pub equivocations: u64,
    /// A round's first commit to its finality.
    pub round_latency: LatencyQuantiles,
}

/// One pending or firing alert as listed on the Alerts panel.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct AlertSummary {
    pub alert_id: String,
    pub rule: String,
    pub severity: String,
    pub state: String,
    pub since_ms: u64,
    pub value: f64,
    pub threshold: f64,
    /// When the alert started firing (0 while pending).
    pub fired_at_ms: u64,
    pub acknowledged: bool,
    /// Notifications are silenced until this Unix time in milliseconds (0: not silenced).
    pub silenced_until_ms: u64,
    /// Human text: what is wrong, with value and threshold.
    pub message: String,
}
