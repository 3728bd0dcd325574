//! The event stream: numbered events and the messages of the `/api/v1/events` WebSocket.
//!
//! Event ids increase by one per event, so a client that sees a gap knows it missed something. A client that
//! reconnects with `?since=ID` gets every event after `ID` replayed, or a [`ServerMessage::Resync`] carrying a fresh
//! snapshot when the node no longer holds them.
//!
//! Tables and peers change all the time and have no events: while the node is on the mesh or knows tables, a
//! subscriber also gets a [`ServerMessage::Live`] with the current `game` and `net` about once a second, sent only
//! when they changed. Live messages are not numbered and not kept for replay; each one replaces the last.

use serde::{Deserialize, Serialize};

use crate::{AlertSummary, Command, GameSummary, Health, NetSummary, ResourceSample, Snapshot};

/// One event, numbered in the order the node published it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Event {
    pub id: u64,
    /// Unix time the node published the event, in milliseconds.
    pub at_ms: u64,
    pub kind: EventKind,
}

/// What happened.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The resource sampler took a sample.
    ResourceSample(ResourceSample),
    /// The node's overall health changed.
    HealthChanged(Health),
    /// The resource sampler's interval changed.
    SamplerIntervalChanged { interval_ms: u64 },
    /// An alert changed state (pending, firing, resolved, inactive), severity, acknowledgement or silence.
    AlertChanged(AlertSummary),
    /// The node is shutting down; the stream ends after this event.
    NodeStopping,
}

/// A message from the node on the events WebSocket.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// First message of a fresh subscription (no `since`): the state up to `snapshot.last_event_id`.
    Snapshot { snapshot: Box<Snapshot> },
    /// The events after the requested `since` are no longer held: start over from this snapshot.
    Resync { snapshot: Box<Snapshot> },
    /// One event; ids follow each other without gaps on one connection.
    Event { event: Event },
    /// The tables and the mesh now (what a snapshot's `game` and `net` would hold), with the node's clock. Not an
    /// event: not numbered, not replayed. Sent right after the first snapshot, resync or replay and after each
    /// command, then about once a second (right after a resource sample when one is due) and only when `game` or
    /// `net` changed, while the node is on the mesh or knows tables.
    Live { now_ms: u64, game: GameSummary, net: NetSummary },
    /// The connection is refused or ends because of an error.
    Error { code: crate::ErrorCode, message: String },
    /// The answer to a [`ClientMessage::Command`]: `ok`, or the refusal's `code` and `message`.
    CommandResult {
        ok: bool,
        /// Why it was refused (absent when `ok`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<crate::ErrorCode>,
        message: String,
    },
}

/// A message from the client on the events WebSocket.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// Authenticate a connection opened without an `Authorization` header (browsers cannot set one).
    Auth { token: String },
    /// Carry out a command, as `POST /api/v1/commands` would; answered with [`ServerMessage::CommandResult`].
    Command { command: Command },
}
