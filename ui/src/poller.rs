//! Keeps the tables and peers fresh while connected.
//!
//! The event stream carries no table or peer events ([`bitcraps_api::EventKind`] has none), so a snapshot's `game`
//! and `net` would go stale between reconnects. While the dashboard is connected and the node is on the mesh or
//! knows tables, [`SnapshotPoller`] re-reads them every [`POLL_S`]: it opens a short-lived second subscription to
//! the events WebSocket without `since` (the node answers a fresh subscription with its snapshot, see
//! [`bitcraps_api::ServerMessage::Snapshot`]), authenticates as the main connection does, folds the snapshot in
//! with [`DashboardState::refresh_live`] and drops the socket. The main stream is never touched, so event ids and
//! replays work as before. A command's answer asks for a poll at once ([`SnapshotPoller::poll_soon`]) so a table
//! hosted or joined shows without waiting.
//!
//! The same mechanism as the main connection (`ewebsock`), so it works natively and in the browser without an HTTP
//! client. A node that is off the mesh and knows no tables is not polled: nothing there changes by itself, and an
//! idle dashboard keeps not repainting.

use std::time::Duration;

use bitcraps_api::{ClientMessage, ServerMessage};
use ewebsock::{WsEvent, WsMessage, WsReceiver, WsSender};

use crate::connection::{ConnectConfig, events_url};
use crate::state::DashboardState;

/// Seconds between two polls.
pub const POLL_S: f64 = 1.0;
/// A poll that got no snapshot after this many seconds is dropped; the next one starts [`POLL_S`] later.
pub const TIMEOUT_S: f64 = 5.0;

struct PollSocket {
    sender: WsSender,
    receiver: WsReceiver,
    opened_at: f64,
}

/// Re-reads the node's snapshot once per [`POLL_S`] for its tables and peers.
pub struct SnapshotPoller {
    socket: Option<PollSocket>,
    /// [`crate::connection::now_s`] time of the next periodic poll.
    next_at: f64,
    /// Poll at the next call whatever the node's state (a command was answered).
    soon: bool,
}

impl Default for SnapshotPoller {
    fn default() -> Self {
        Self { socket: None, next_at: POLL_S, soon: false }
    }
}

impl SnapshotPoller {
    /// Polls at the next call, e.g. after a command changed the tables.
    pub fn poll_soon(&mut self) {
        self.soon = true;
    }

    /// Handles the poll socket and opens the next one when due; call once per frame with the connection's config.
    pub fn poll_at(&mut self, ctx: &egui::Context, now: f64, config: &ConnectConfig, state: &mut DashboardState) {
        if !state.is_connected() {
            // The main stream brings a whole snapshot when it reconnects; poll a period after that.
            self.socket = None;
            self.next_at = now + POLL_S;
            return;
        }
        if self.socket.is_some() {
            self.drain(now, config, state);
        }
        if let Some(socket) = &self.socket {
            if now - socket.opened_at > TIMEOUT_S {
                log::debug!("snapshot poll timed out");
                self.finish(now);
            } else {
                ctx.request_repaint_after(Duration::from_secs_f64(TIMEOUT_S));
            }
            return;
        }
        if self.soon || (state.has_live_tables_or_peers() && self.next_at <= now) {
            self.soon = false;
            self.open(ctx, now, config);
        } else if state.has_live_tables_or_peers() {
            ctx.request_repaint_after(Duration::from_secs_f64(self.next_at - now));
        }
    }

    fn open(&mut self, ctx: &egui::Context, now: f64, config: &ConnectConfig) {
        let wake = ctx.clone();
        let options =
            ewebsock::Options { read_timeout: Some(Duration::from_millis(100)), ..ewebsock::Options::default() };
        match ewebsock::connect_with_wakeup(events_url(&config.api_url, None), options, move || wake.request_repaint())
        {
            Ok((sender, receiver)) => self.socket = Some(PollSocket { sender, receiver, opened_at: now }),
            Err(err) => {
                log::debug!("snapshot poll failed to open: {err}");
                self.finish(now);
            }
        }
    }

    fn drain(&mut self, now: f64, config: &ConnectConfig, state: &mut DashboardState) {
        while let Some(event) = self.socket.as_ref().and_then(|s| s.receiver.try_recv()) {
            match event {
                WsEvent::Opened => self.authenticate(config, now),
                WsEvent::Message(WsMessage::Text(text)) => match serde_json::from_str::<ServerMessage>(&text) {
                    Ok(ServerMessage::Snapshot { snapshot } | ServerMessage::Resync { snapshot }) => {
                        state.refresh_live(*snapshot);
                        self.finish(now);
                    }
                    Ok(ServerMessage::Error { code, message }) => {
                        log::debug!("snapshot poll refused: {message} ({code})");
                        self.finish(now);
                    }
                    Ok(_) => {}
                    Err(err) => {
                        log::debug!("unreadable snapshot poll answer: {err}");
                        self.finish(now);
                    }
                },
                WsEvent::Message(_) => {}
                WsEvent::Error(err) => {
                    log::debug!("snapshot poll failed: {err}");
                    self.finish(now);
                }
                WsEvent::Closed => self.finish(now),
            }
        }
    }

    fn authenticate(&mut self, config: &ConnectConfig, now: f64) {
        let auth = ClientMessage::Auth { token: config.token.clone() };
        match serde_json::to_string(&auth) {
            Ok(json) => {
                if let Some(socket) = self.socket.as_mut() {
                    socket.sender.send(WsMessage::Text(json));
                }
            }
            Err(err) => {
                log::debug!("could not encode the auth message: {err}");
                self.finish(now);
            }
        }
    }

    /// Drops the poll socket (closing it) and schedules the next poll.
    fn finish(&mut self, now: f64) {
        self.socket = None;
        self.next_at = now + POLL_S;
    }
}
