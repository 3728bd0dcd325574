//! Wire types of the BitCraps node control API.
//!
//! This crate is the contract between the node (`bitcraps-node`) and every front end (the egui dashboard,
//! natively and as wasm, the CLI, the desktop app). It holds plain data only: no I/O, no runtime, so it compiles
//! for `wasm32-unknown-unknown`. Internal node types never derive `Serialize`; they convert into these DTOs at the
//! API boundary.
//!
//! Endpoints (all under the node's API URL, authenticated with `Authorization: Bearer <token>`):
//! - `GET /api/v1/snapshot` -> [`Snapshot`]
//! - `WS  /api/v1/events?since=ID` -> a stream of [`ServerMessage`]; the client may authenticate with the header
//!   or, from a browser, by sending [`ClientMessage::Auth`] first. Besides the numbered events it carries
//!   [`ServerMessage::Live`]: the tables and the mesh, pushed when they change.
//! - `POST /api/v1/commands` with a [`Command`] -> [`CommandResponse`] or [`ApiError`]
//! - `GET /api/v1/metrics/range?metric=NAME&from_ms=A&to_ms=B&step_ms=S` -> [`MetricRange`]
//! - `GET /metrics` (Prometheus text exposition), `GET /healthz` (no auth, no data).

mod alerts;
mod error_code;
mod events;
mod metrics;
mod net;
mod resources;
mod setting;
mod snapshot;
mod status_text;

pub use alerts::{AlertComparison, AlertHistoryEntry, AlertRule, AlertRuleKind, AlertSeverity, NoDataPolicy};
pub use error_code::ErrorCode;
pub use events::{ClientMessage, Event, EventKind, ServerMessage};
pub use metrics::{MetricPoint, MetricRange};
pub use net::{LatencyQuantiles, NetStats, NetSummary, PeerSummary, ReasonCount};
pub use resources::ResourceSample;
pub use setting::{InvalidSetting, check_range};
pub use snapshot::{
    AlertSummary, BalanceChange, BetSummary, ConsensusStats, GameSummary, Health, HealthLevel, JournalStatus, NodeInfo,
    RollSummary, SeatSummary, Snapshot, TableSummary,
};
pub use status_text::{NodeReading, NodeStatus};

use serde::{Deserialize, Serialize};

/// Path prefix of every versioned endpoint.
pub const API_PREFIX: &str = "/api/v1";
/// File in the data dir holding the API base URL (e.g. `http://127.0.0.1:43123`).
pub const API_URL_FILE: &str = "api-url";
/// File in the data dir holding the API bearer token (mode 0600 on Unix).
pub const API_TOKEN_FILE: &str = "api-token";
/// Environment variable through which a parent process hands the token to the dashboard.
pub const TOKEN_ENV: &str = "BITCRAPS_TOKEN";

/// The first 16 characters of a node or table id (hex): enough to tell them apart, short enough for a title bar
/// or a tray line. Every front end shortens ids this way.
pub fn short_id(id: &str) -> &str {
    id.char_indices().nth(16).map_or(id, |(i, _)| &id[..i])
}

/// A command for the node, posted as JSON to `/api/v1/commands`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Change the resource sampler's interval at run time (not persisted to the config file).
    SetSamplerInterval { interval_ms: u64 },
    /// Stop the node cleanly, as SIGTERM would. (A struct variant, so `deny_unknown_fields` refuses
    /// `{"type":"shutdown","x":1}`: serde lets extra fields through on a unit variant of a tagged enum.)
    Shutdown {},
    /// Acknowledge the alert of rule `rule`: no more repeats of its notification until it resolves.
    AckAlert { rule: String },
    /// Silence the notifications of rule `rule` for `duration_ms` (0 lifts a silence); state is still tracked.
    SilenceAlert { rule: String, duration_ms: u64 },
    /// Add a rule, or replace the rule of the same name (not persisted to the config file).
    SetAlertRule { rule: AlertRule },
    /// Open a table on the mesh and sit at it with `buy_in` chips.
    HostTable { table: HostTable },
    /// Take a seat at a table on the mesh with `buy_in` chips (from the next round).
    JoinTable { table_id: String, buy_in: u64 },
    /// Leave a table after the next roll.
    LeaveTable { table_id: String },
    /// Place a bet (a rules-engine name such as `pass`, `field`, `place_6`) for the next roll.
    PlaceBet { table_id: String, kind: String, amount: u64 },
    /// Take a bet down before the next roll.
    RemoveBet { table_id: String, bet_id: u64 },
}

/// What a host chooses when opening a table; every field has a default.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HostTable {
    pub min_bet: u64,
    pub max_bet: u64,
    /// Odds behind the line: a multiple (e.g. 2 for 2x), or 0 for 3-4-5x.
    pub odds_multiple: u32,
    /// What the field pays on 12: 2 or 3.
    pub field_pays_on_12: u8,
    /// The host's own chips.
    pub buy_in: u64,
    /// Largest buy-in a player may bring.
    pub max_buy_in: u64,
    /// Most players at once (the host included), 1 to 16.
    pub max_seats: u8,
    /// Betting time between one roll and the next round, in milliseconds.
    pub roll_interval_ms: u32,
}

impl Default for HostTable {
    fn default() -> Self {
        Self {
            min_bet: 5,
            max_bet: 500,
            odds_multiple: 0,
            field_pays_on_12: 2,
            buy_in: 1_000,
            max_buy_in: 10_000,
            max_seats: 8,
            roll_interval_ms: 5_000,
        }
    }
}

/// The answer to an accepted [`Command`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CommandResponse {
    pub message: String,
}

/// An error crossing the API boundary: a stable machine-readable `code` and a human `message`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_json_shape_is_tagged() -> Result<(), serde_json::Error> {
        let json = serde_json::to_string(&Command::SetSamplerInterval { interval_ms: 500 })?;
        assert_eq!(json, r#"{"type":"set_sampler_interval","interval_ms":500}"#);
        let parsed: Command = serde_json::from_str(r#"{"type":"shutdown"}"#)?;
        assert_eq!(parsed, Command::Shutdown {});
        assert_eq!(serde_json::to_string(&Command::Shutdown {})?, r#"{"type":"shutdown"}"#);
        for extra in [r#"{"type":"shutdown","x":1}"#, r#"{"type":"set_sampler_interval","interval_ms":500,"x":1}"#] {
            assert!(serde_json::from_str::<Command>(extra).is_err(), "{extra} must be refused");
        }
        assert!(serde_json::from_str::<Command>(r#"{"type":"launch_rockets"}"#).is_err());
        Ok(())
    }

    #[test]
    fn live_message_is_tagged_and_round_trips() -> Result<(), serde_json::Error> {
        let live = ServerMessage::Live {
            now_ms: 42,
            game: GameSummary::default(),
            net: NetSummary { enabled: true, ..NetSummary::default() },
        };
        let json = serde_json::to_value(&live)?;
        assert_eq!(json["type"], "live");
        assert_eq!(json["now_ms"], 42);
        assert_eq!(json["net"]["enabled"], true);
        assert_eq!(serde_json::from_value::<ServerMessage>(json)?, live);
        Ok(())
    }
}
