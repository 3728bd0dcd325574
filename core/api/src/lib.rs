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
//!   or, from a browser, by sending [`ClientMessage::Auth`] first.
//! - `POST /api/v1/commands` with a [`Command`] -> [`CommandResponse`] or [`ApiError`]
//! - `GET /api/v1/metrics/range?metric=NAME&from_ms=A&to_ms=B&step_ms=S` -> [`MetricRange`]
//! - `GET /metrics` (Prometheus text exposition), `GET /healthz` (no auth, no data).

mod alerts;
mod events;
mod metrics;
mod resources;
mod snapshot;

pub use alerts::{AlertComparison, AlertHistoryEntry, AlertRule, AlertRuleKind, AlertSeverity, NoDataPolicy};
pub use events::{ClientMessage, Event, EventKind, ServerMessage};
pub use metrics::{MetricPoint, MetricRange};
pub use resources::ResourceSample;
pub use snapshot::{AlertSummary, GameSummary, Health, HealthLevel, JournalStatus, NodeInfo, Snapshot, TableSummary};

use serde::{Deserialize, Serialize};

/// Path prefix of every versioned endpoint.
pub const API_PREFIX: &str = "/api/v1";
/// File in the data dir holding the API base URL (e.g. `http://127.0.0.1:43123`).
pub const API_URL_FILE: &str = "api-url";
/// File in the data dir holding the API bearer token (mode 0600 on Unix).
pub const API_TOKEN_FILE: &str = "api-token";
/// Environment variable through which a parent process hands the token to the dashboard.
pub const TOKEN_ENV: &str = "BITCRAPS_TOKEN";

/// A command for the node, posted as JSON to `/api/v1/commands`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Change the resource sampler's interval at run time (not persisted to the config file).
    SetSamplerInterval { interval_ms: u64 },
    /// Stop the node cleanly, as SIGTERM would.
    Shutdown,
    /// Acknowledge the alert of rule `rule`: no more repeats of its notification until it resolves.
    AckAlert { rule: String },
    /// Silence the notifications of rule `rule` for `duration_ms` (0 lifts a silence); state is still tracked.
    SilenceAlert { rule: String, duration_ms: u64 },
    /// Add a rule, or replace the rule of the same name (not persisted to the config file).
    SetAlertRule { rule: AlertRule },
}

/// The answer to an accepted [`Command`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CommandResponse {
    pub message: String,
}

/// An error crossing the API boundary: a stable machine-readable `code` and a human `message`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ApiError {
    pub code: String,
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
        assert_eq!(parsed, Command::Shutdown);
        assert!(serde_json::from_str::<Command>(r#"{"type":"launch_rockets"}"#).is_err());
        Ok(())
    }
}
