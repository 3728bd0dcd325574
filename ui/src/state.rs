//! The dashboard's data: the node's last snapshot, the resource-sample ring, and the connection status.
//!
//! [`DashboardState`] is plain data with no I/O: [`DashboardState::apply`] folds one [`ServerMessage`] into it, and
//! the views only read it. Tests build it from fixture snapshots and draw it without a network. Time comes from the
//! node (event and sample timestamps), never from the local clock, so a recorded stream always renders the same.

use std::collections::VecDeque;

use bitcraps_api::{AlertHistoryEntry, AlertSummary, Command, EventKind, ResourceSample, ServerMessage, Snapshot};

use crate::format;
use crate::latency_history::LatencyHistory;
use crate::stored_history::StoredHistory;

/// How much sample history the dashboard keeps and plots.
pub const HISTORY_MS: u64 = 15 * 60 * 1000;
/// The ring never trims below this many samples (15 minutes at the default 1 Hz), whatever their age.
pub const MIN_SAMPLES: usize = 900;
/// Hard cap on the ring, for nodes sampling much faster than 1 Hz.
pub const MAX_SAMPLES: usize = 36_000;

/// The state of the event-stream connection to the node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectionStatus {
    /// A connection attempt is under way (first start, or after a gap in event ids).
    Connecting,
    /// The socket is open (the dashboard is connected once it also holds a snapshot).
    Open,
    /// The connection was lost or refused; the dashboard retries by itself.
    Disconnected { reason: String },
    /// No connection is attempted, e.g. because the page was opened without a token.
    Idle,
}

/// What [`DashboardState::apply`] did with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The state changed.
    Updated,
    /// The message was already applied (a replayed event) or could not apply; nothing changed.
    Ignored,
    /// An event id was skipped: the stream must be reopened with `since=last` to replay what was missed.
    Gap { last: u64, got: u64 },
}

/// Everything the views draw.
#[derive(Clone, Debug)]
pub struct DashboardState {
    /// Base URL of the node API this dashboard talks to (empty when not known).
    pub api_url: String,
    /// The node's state as of [`Snapshot::last_event_id`]. Its `resources` are moved into [`Self::samples`].
    pub snapshot: Option<Snapshot>,
    /// Resource samples, oldest first: at least [`HISTORY_MS`] of history or [`MIN_SAMPLES`] entries.
    pub samples: VecDeque<ResourceSample>,
    pub connection: ConnectionStatus,
    /// The last error the node reported, or that reading its messages produced.
    pub last_error: Option<String>,
    /// The node announced that it is shutting down.
    pub node_stopping: bool,
    /// Commands the views asked for, sent by the connection on its next poll.
    pub outbox: Vec<Command>,
    /// The node's answer to the last command: (ok, text).
    pub command_result: Option<(bool, String)>,
    /// The consensus round and propagation quantiles of every snapshot and live update, for the Health plots.
    pub latency_history: LatencyHistory,
    /// The node's stored metric history for the Resources tab's 1-hour view (loaded by the range endpoint).
    pub stored: StoredHistory,
}

impl DashboardState {
    /// An empty state, before any snapshot, about to connect to `api_url`.
    pub fn new(api_url: impl Into<String>) -> Self {
        Self {
            api_url: api_url.into(),
            snapshot: None,
            samples: VecDeque::new(),
            connection: ConnectionStatus::Connecting,
            last_error: None,
            node_stopping: false,
            outbox: Vec::new(),
            command_result: None,
            latency_history: LatencyHistory::default(),
            stored: StoredHistory::default(),
        }
    }

    /// A state holding `snapshot` on an open connection, as after the first message of a stream.
    pub fn from_snapshot(snapshot: Snapshot) -> Self {
        let mut state = Self::new(snapshot.node.api_url.clone());
        state.connection = ConnectionStatus::Open;
        state.set_snapshot(snapshot);
        state
    }

    /// Folds one message from the node into the state.
    pub fn apply(&mut self, message: ServerMessage) -> Applied {
        match message {
            ServerMessage::Snapshot { snapshot } | ServerMessage::Resync { snapshot } => {
                self.set_snapshot(*snapshot);
                Applied::Updated
            }
            ServerMessage::Event { event } => {
                let Some(snapshot) = self.snapshot.as_mut() else {
                    return Applied::Ignored;
                };
                let last = snapshot.last_event_id;
                if event.id <= last {
                    return Applied::Ignored;
                }
                if event.id != last.saturating_add(1) {
                    return Applied::Gap { last, got: event.id };
                }
                snapshot.last_event_id = event.id;
                // The node ends a connection after an error; an event means a later connection is healthy again.
                self.last_error = None;
                snapshot.node.now_ms = snapshot.node.now_ms.max(event.at_ms);
                match event.kind {
                    EventKind::ResourceSample(sample) => {
                        snapshot.node.db_size_bytes = sample.db_size_bytes;
                        snapshot.node.now_ms = snapshot.node.now_ms.max(sample.at_ms);
                        self.samples.push_back(sample);
                        self.trim_samples();
                    }
                    EventKind::HealthChanged(health) => snapshot.health = health,
                    EventKind::SamplerIntervalChanged { interval_ms } => {
                        snapshot.node.sampler_interval_ms = interval_ms
                    }
                    EventKind::NodeStopping => self.node_stopping = true,
                    EventKind::AlertChanged(alert) => apply_alert(snapshot, alert, event.at_ms),
                }
                Applied::Updated
            }
            ServerMessage::Error { code, message } => {
                self.last_error = Some(format!("{message} ({code})"));
                Applied::Updated
            }
            ServerMessage::Live { now_ms, game, net } => {
                // What no event carries: the tables and consensus statistics, the peers and mesh statistics, and
                // the node's clock. Health, alerts, samples and the last event id stay as the events left them.
                let Some(snapshot) = self.snapshot.as_mut() else {
                    return Applied::Ignored;
                };
                snapshot.game = game;
                snapshot.net = net;
                snapshot.node.now_ms = snapshot.node.now_ms.max(now_ms);
                self.latency_history.record(snapshot);
                Applied::Updated
            }
            ServerMessage::CommandResult { ok, code, message } => {
                let shown = match code {
                    Some(code) if !ok => format!("{message} ({code})"),
                    _ => message,
                };
                self.command_result = Some((ok, shown));
                Applied::Updated
            }
        }
    }

    fn set_snapshot(&mut self, mut snapshot: Snapshot) {
        self.samples = std::mem::take(&mut snapshot.resources).into();
        self.trim_samples();
        if self.api_url.is_empty() {
            self.api_url = snapshot.node.api_url.clone();
        }
        self.latency_history.record(&snapshot);
        self.snapshot = Some(snapshot);
        self.node_stopping = false;
        self.last_error = None;
    }

    fn trim_samples(&mut self) {
        let Some(newest) = self.samples.back().map(|s| s.at_ms) else {
            return;
        };
        let cutoff = newest.saturating_sub(HISTORY_MS);
        while self.samples.len() > MAX_SAMPLES
            || (self.samples.len() > MIN_SAMPLES && self.samples.front().is_some_and(|s| s.at_ms <= cutoff))
        {
            self.samples.pop_front();
        }
    }

    /// Id of the newest event folded in: the `since` to resume the stream from.
    pub fn last_event_id(&self) -> Option<u64> {
        self.snapshot.as_ref().map(|s| s.last_event_id)
    }

    /// The newest resource sample, if any.
    pub fn latest_sample(&self) -> Option<&ResourceSample> {
        self.samples.back()
    }

    /// Connected means: the socket is open and a snapshot is held.
    pub fn is_connected(&self) -> bool {
        self.connection == ConnectionStatus::Open && self.snapshot.is_some()
    }

    /// The API URL to show: the one dialled, else the one the node reports.
    pub fn api_url(&self) -> &str {
        match &self.snapshot {
            Some(s) if self.api_url.is_empty() => &s.node.api_url,
            _ => &self.api_url,
        }
    }

    /// The window (native) or document (web) title for this state.
    pub fn window_title(&self) -> String {
        match (&self.connection, &self.snapshot) {
            (ConnectionStatus::Open, Some(snapshot)) => {
                format!("BitCraps · {} · connected", format::short_id(&snapshot.node.node_id))
            }
            (ConnectionStatus::Disconnected { .. }, _) => "BitCraps · offline, retrying".to_owned(),
            _ => "BitCraps · connecting…".to_owned(),
        }
    }

    /// One line describing the API connection, for the Health tab.
    pub fn api_state_text(&self) -> String {
        match &self.connection {
            ConnectionStatus::Open if self.snapshot.is_some() => "connected".to_owned(),
            ConnectionStatus::Open => "connected, waiting for the first snapshot".to_owned(),
            ConnectionStatus::Connecting => "connecting".to_owned(),
            ConnectionStatus::Disconnected { reason } => format!("reconnecting (last error: {reason})"),
            ConnectionStatus::Idle => "not connecting".to_owned(),
        }
    }
}

/// Alert history entries the dashboard keeps.
pub const ALERT_HISTORY: usize = 100;

/// Folds an alert change into the snapshot: the active list and, for firing and resolved, the history.
fn apply_alert(snapshot: &mut Snapshot, alert: AlertSummary, at_ms: u64) {
    let was_firing = snapshot.alerts.iter().any(|a| a.rule == alert.rule && a.state == "firing");
    if (alert.state == "firing" && !was_firing) || alert.state == "resolved" {
        let entry = AlertHistoryEntry {
            at_ms,
            rule: alert.rule.clone(),
            severity: alert.severity.clone(),
            event: alert.state.clone(),
            value: alert.value,
            threshold: alert.threshold,
        };
        snapshot.alert_history.insert(0, entry);
        snapshot.alert_history.truncate(ALERT_HISTORY);
    }
    snapshot.alerts.retain(|a| a.rule != alert.rule);
    if alert.state == "pending" || alert.state == "firing" {
        snapshot.alerts.push(alert);
    }
}

#[cfg(test)]
mod tests {
    use bitcraps_api::{Event, EventKind};

    use super::*;

    fn alert_event(id: u64, state: &str) -> ServerMessage {
        let alert = AlertSummary {
            rule: "memory_high".into(),
            severity: "warning".into(),
            state: state.into(),
            ..AlertSummary::default()
        };
        ServerMessage::Event { event: Event { id, at_ms: id * 1000, kind: EventKind::AlertChanged(alert) } }
    }

    #[test]
    fn alert_changes_fold_into_the_active_list_and_the_history() {
        let mut state = DashboardState::from_snapshot(Snapshot::default());
        for (id, s) in [(1, "pending"), (2, "firing"), (3, "firing"), (4, "resolved")] {
            assert_eq!(state.apply(alert_event(id, s)), Applied::Updated);
            let active: Vec<&str> =
                state.snapshot.iter().flat_map(|s| s.alerts.iter().map(|a| a.state.as_str())).collect();
            assert_eq!(active, if s == "resolved" { vec![] } else { vec![s] }, "after {s}");
        }
        let history: Vec<(u64, String)> =
            state.snapshot.iter().flat_map(|s| s.alert_history.iter().map(|h| (h.at_ms, h.event.clone()))).collect();
        // Newest first; the second `firing` (an ack or silence change) is not a new history entry.
        assert_eq!(history, vec![(4000, "resolved".to_owned()), (2000, "firing".to_owned())]);
    }
}
