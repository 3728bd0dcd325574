//! The event-stream connection: one `ewebsock` WebSocket to `<api_url>/api/v1/events`, natively and on the web.
//!
//! Protocol: after the socket opens the dashboard sends [`ClientMessage::Auth`] as JSON text, then the node sends
//! [`ServerMessage`]s as JSON text. A lost connection is retried with exponential backoff (0.5 s doubling to 5 s),
//! resuming with `?since=<last event id>` so the node replays what was missed. A gap in event ids reopens the stream
//! the same way at once.
//!
//! Tables and peers have no events: the node pushes them on the same socket as [`ServerMessage::Live`] when they
//! change (at most once a second, and right after a command), so a command's result needs no extra request.
//!
//! Repaints: the socket's wake-up callback asks for a repaint [`WAKE_COALESCE`] after a message arrives, so the
//! messages of one moment (a sample, then the live tables and mesh) make one frame; the only other timed repaint
//! is the one that fires the next reconnect attempt. Nothing repaints while nothing changes.

use std::time::Duration;

use bitcraps_api::{API_PREFIX, ClientMessage, ServerMessage};
use ewebsock::{WsEvent, WsMessage, WsReceiver, WsSender};

use crate::state::{Applied, ConnectionStatus, DashboardState};

/// How long after a message arrives the dashboard repaints: the messages sent together in that time share one
/// frame (each frame costs a whole window's rasterisation, on a software renderer ~18 ms of CPU).
pub const WAKE_COALESCE: Duration = Duration::from_millis(30);
/// First reconnect delay, in seconds.
pub const BACKOFF_START_S: f64 = 0.5;
/// Longest reconnect delay, in seconds.
pub const BACKOFF_MAX_S: f64 = 5.0;

/// Seconds on a monotonic clock. Not `egui` input time: that is stale while the window is hidden, and the
/// connection must keep retrying then too.
#[cfg(not(target_arch = "wasm32"))]
pub fn now_s() -> f64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed().as_secs_f64()
}

/// Seconds on a monotonic clock (the page's `performance.now()`).
#[cfg(target_arch = "wasm32")]
pub fn now_s() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now() / 1000.0)
}

/// Where the node's API is and how to authenticate.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectConfig {
    /// Base URL of the node API, e.g. `http://127.0.0.1:43123`.
    pub api_url: String,
    /// Bearer token of the node API.
    pub token: String,
}

impl std::fmt::Debug for ConnectConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectConfig").field("api_url", &self.api_url).field("token", &"<redacted>").finish()
    }
}

/// The WebSocket URL of the event stream for an HTTP base URL, optionally resuming after event `since`.
///
/// `http://` becomes `ws://` and `https://` becomes `wss://`; a URL without a scheme is taken as `http://`.
pub fn events_url(api_url: &str, since: Option<u64>) -> String {
    let base = api_url.trim().trim_end_matches('/');
    let base = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else if base.starts_with("ws://") || base.starts_with("wss://") {
        base.to_owned()
    } else {
        format!("ws://{base}")
    };
    match since {
        Some(id) => format!("{base}{API_PREFIX}/events?since={id}"),
        None => format!("{base}{API_PREFIX}/events"),
    }
}

/// Exponential backoff between reconnect attempts.
#[derive(Clone, Debug, PartialEq)]
pub struct Backoff {
    next_s: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Self { next_s: BACKOFF_START_S }
    }
}

impl Backoff {
    /// The delay before the next attempt; doubles the one after, up to [`BACKOFF_MAX_S`].
    pub fn next_delay_s(&mut self) -> f64 {
        let delay = self.next_s;
        self.next_s = (self.next_s * 2.0).min(BACKOFF_MAX_S);
        delay
    }

    /// Back to the shortest delay, once the node answered.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

struct Socket {
    sender: WsSender,
    receiver: WsReceiver,
}

/// Finds the node again before a reconnect, e.g. by re-reading a local node's data dir (a restarted node may listen
/// on another port). `None` keeps the current [`ConnectConfig`].
pub type Refresh = Box<dyn FnMut() -> Option<ConnectConfig>>;

/// The live connection to the node's event stream, driving a [`DashboardState`].
pub struct Connection {
    config: ConnectConfig,
    refresh: Option<Refresh>,
    socket: Option<Socket>,
    /// [`now_s`] time at which to open the next socket, while none is open.
    retry_at: Option<f64>,
    backoff: Backoff,
}

impl Connection {
    /// A connection that opens its socket on the first [`Self::poll`].
    pub fn new(config: ConnectConfig) -> Self {
        Self { config, refresh: None, socket: None, retry_at: Some(0.0), backoff: Backoff::default() }
    }

    /// Calls `refresh` before every reconnect to pick up a changed API URL or token.
    pub fn with_refresh(mut self, refresh: Refresh) -> Self {
        self.refresh = Some(refresh);
        self
    }

    /// Where the node is and the token it takes (as last refreshed).
    pub fn config(&self) -> &ConnectConfig {
        &self.config
    }

    /// Base URL of the node API this connection dials.
    pub fn api_url(&self) -> &str {
        &self.config.api_url
    }

    /// Handles whatever the socket delivered since the last call and (re)connects when due.
    ///
    /// Call once per frame; it only requests a repaint for a pending reconnect.
    pub fn poll(&mut self, ctx: &egui::Context, state: &mut DashboardState) {
        self.poll_at(ctx, now_s(), state);
    }

    /// [`Self::poll`] at time `now` (seconds on a monotonic clock).
    pub fn poll_at(&mut self, ctx: &egui::Context, now: f64, state: &mut DashboardState) {
        self.drain(now, state);
        if self.socket.is_some() {
            self.send_outbox(state);
            return;
        }
        match self.retry_at {
            Some(at) if at <= now => self.open(ctx, now, state),
            Some(at) => ctx.request_repaint_after(Duration::from_secs_f64(at - now)),
            None => {}
        }
    }

    fn open(&mut self, ctx: &egui::Context, now: f64, state: &mut DashboardState) {
        self.retry_at = None;
        if let Some(config) = self.refresh.as_mut().and_then(|refresh| refresh()) {
            state.api_url.clone_from(&config.api_url);
            self.config = config;
        }
        // A node that announced its stop comes back as a new process with its own event ids: start afresh.
        let since = if state.node_stopping { None } else { state.last_event_id() };
        let url = events_url(&self.config.api_url, since);
        log::debug!("opening {url}");
        let wake = ctx.clone();
        let options = ewebsock::Options {
            // Natively the socket thread wakes this often to check for outgoing messages; 100 ms keeps an idle
            // dashboard near 0 % CPU (the default is 10 ms). The web ignores it.
            read_timeout: Some(Duration::from_millis(100)),
            ..ewebsock::Options::default()
        };
        let on_message = move || wake.request_repaint_after(WAKE_COALESCE);
        match ewebsock::connect_with_wakeup(url, options, on_message) {
            Ok((sender, receiver)) => {
                self.socket = Some(Socket { sender, receiver });
                if !matches!(state.connection, ConnectionStatus::Disconnected { .. }) {
                    state.connection = ConnectionStatus::Connecting;
                }
            }
            Err(err) => self.lost(ctx, now, state, err),
        }
    }

    fn drain(&mut self, now: f64, state: &mut DashboardState) {
        while let Some(event) = self.socket.as_ref().and_then(|s| s.receiver.try_recv()) {
            match event {
                WsEvent::Opened => self.authenticate(state),
                WsEvent::Message(WsMessage::Text(text)) => self.receive(&text, now, state),
                WsEvent::Message(_) => {}
                WsEvent::Error(err) => {
                    self.schedule_retry(now, state, err);
                }
                WsEvent::Closed => {
                    let reason = if state.node_stopping {
                        "the node stopped".to_owned()
                    } else {
                        "the node closed the connection".to_owned()
                    };
                    self.schedule_retry(now, state, reason);
                }
            }
        }
    }

    fn authenticate(&mut self, state: &mut DashboardState) {
        let auth = ClientMessage::Auth { token: self.config.token.clone() };
        match serde_json::to_string(&auth) {
            Ok(json) => {
                if let Some(socket) = self.socket.as_mut() {
                    socket.sender.send(WsMessage::Text(json));
                }
                state.connection = ConnectionStatus::Open;
            }
            Err(err) => state.last_error = Some(format!("could not encode the auth message: {err}")),
        }
    }

    /// Sends the commands the views queued, once the socket is open and authenticated.
    fn send_outbox(&mut self, state: &mut DashboardState) {
        let Some(socket) = self.socket.as_mut() else { return };
        if state.connection != ConnectionStatus::Open {
            return;
        }
        for command in state.outbox.drain(..) {
            match serde_json::to_string(&ClientMessage::Command { command }) {
                Ok(json) => socket.sender.send(WsMessage::Text(json)),
                Err(err) => state.command_result = Some((false, format!("could not encode the command: {err}"))),
            }
        }
    }

    fn receive(&mut self, text: &str, now: f64, state: &mut DashboardState) {
        let message = match serde_json::from_str::<ServerMessage>(text) {
            Ok(message) => message,
            Err(err) => {
                log::warn!("unreadable message from the node: {err}");
                state.last_error = Some(format!("unreadable message from the node: {err}"));
                return;
            }
        };
        let is_error = matches!(message, ServerMessage::Error { .. });
        match state.apply(message) {
            Applied::Updated if !is_error => self.backoff.reset(),
            Applied::Updated | Applied::Ignored => {}
            Applied::Gap { last, got } => {
                log::info!("missed events {}..{got}; resuming after {last}", last.saturating_add(1));
                // Drop the socket and reopen at once with `since=last`: the node replays the missed events.
                self.socket = None;
                self.retry_at = Some(now);
                state.connection = ConnectionStatus::Connecting;
            }
        }
    }

    fn lost(&mut self, ctx: &egui::Context, now: f64, state: &mut DashboardState, reason: String) {
        self.schedule_retry(now, state, reason);
        if let Some(at) = self.retry_at {
            ctx.request_repaint_after(Duration::from_secs_f64((at - now).max(0.0)));
        }
    }

    fn schedule_retry(&mut self, now: f64, state: &mut DashboardState, reason: String) {
        log::info!("event stream lost: {reason}");
        self.socket = None;
        self.retry_at = Some(now + self.backoff.next_delay_s());
        state.connection = ConnectionStatus::Disconnected { reason };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_url_maps_schemes_and_since() {
        assert_eq!(events_url("http://127.0.0.1:4000", None), "ws://127.0.0.1:4000/api/v1/events");
        assert_eq!(events_url("https://node.example/", Some(42)), "wss://node.example/api/v1/events?since=42");
        assert_eq!(events_url("127.0.0.1:4000", Some(0)), "ws://127.0.0.1:4000/api/v1/events?since=0");
    }

    #[test]
    fn backoff_doubles_to_the_cap_and_resets() {
        let mut backoff = Backoff::default();
        let delays: Vec<f64> = (0..6).map(|_| backoff.next_delay_s()).collect();
        assert_eq!(delays, [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]);
        backoff.reset();
        assert_eq!(backoff.next_delay_s(), 0.5);
    }

    #[test]
    fn config_debug_hides_the_token() {
        let config = ConnectConfig { api_url: "http://x".into(), token: "secret".into() };
        assert!(!format!("{config:?}").contains("secret"));
    }
}
