//! `WS /api/v1/events?since=ID`: the numbered event stream.
//!
//! Without `since` the first message is a snapshot; with a `since` the node still holds, the missed events are
//! replayed; with one it no longer holds, a resync snapshot comes first. A client that falls too far behind is
//! told to reconnect with `since`, which resumes it from the ring without loss.
//!
//! Tables and peers have no events. While the node is on the mesh or knows tables, each subscriber also gets a
//! [`ServerMessage::Live`] with the current `game` and `net`: one right after the snapshot, resync or replay, one
//! after each command it sends, and about every [`LIVE_PERIOD`]: right after a resource sample (so a dashboard
//! wakes once a second, not twice), or on its own timer when no sample came; each time only when they differ from
//! the last one it got.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use bitcraps_api::{ClientMessage, ErrorCode, Event, EventKind, GameSummary, NetSummary, ServerMessage};
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::auth::{HeaderAuth, check_header, token_matches};
use super::{ApiState, error, walls};
use crate::events::Subscription;
use bitcraps_net::now_ms;

/// How long a client without an `Authorization` header has to send its token.
const AUTH_TIMEOUT: Duration = Duration::from_secs(2);
/// Close code for a refused authentication (4000-4999 are free for applications).
const CLOSE_UNAUTHORIZED: u16 = 4401;
/// How often a subscriber's `game` and `net` are compared with what it last got.
pub const LIVE_PERIOD: Duration = Duration::from_secs(1);

/// Query parameters of the events endpoint.
#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    since: Option<u64>,
}

/// Upgrades to a WebSocket, refusing a wrong `Authorization` header with 401 before upgrading.
pub async fn upgrade(
    State(state): State<ApiState>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !state.walls.origin_allowed(walls::header_text(&headers, header::ORIGIN)) {
        state.shared.metrics.count_request("events", 403);
        return error(ErrorCode::ForbiddenOrigin, "the events socket serves the node's own page only");
    }
    let header = check_header(&headers, &state.shared.token);
    if header == HeaderAuth::Invalid {
        state.shared.metrics.count_request("events", 401);
        return error(ErrorCode::Unauthorized, "wrong bearer token");
    }
    let authenticated = header == HeaderAuth::Valid;
    // A socket that must still send its token holds a place among the few pending ones until it has.
    let pending = if authenticated { None } else { state.walls.admit_pending() };
    if !authenticated && pending.is_none() {
        state.shared.metrics.count_request("events", 503);
        return error(ErrorCode::Busy, "too many sockets wait to authenticate");
    }
    state.shared.metrics.count_request("events", 101);
    let ws = ws.max_message_size(walls::MAX_MESSAGE_BYTES).max_frame_size(walls::MAX_MESSAGE_BYTES);
    ws.on_upgrade(move |socket| async move {
        if let Err(e) = run(socket, state, query.since, pending).await {
            tracing::debug!(error = %e, "event stream ended");
        }
    })
}

/// Why a subscriber's socket was closed.
#[derive(Debug, thiserror::Error)]
enum SocketError {
    #[error("websocket: {0}")]
    Socket(#[from] axum::Error),
    #[error("encoding a message: {0}")]
    Json(#[from] serde_json::Error),
}

async fn run(
    mut socket: WebSocket,
    state: ApiState,
    since: Option<u64>,
    pending: Option<walls::PendingSlot>,
) -> Result<(), SocketError> {
    if pending.is_some() && !authenticate_first_message(&mut socket, &state.shared.token).await {
        state.shared.metrics.count_request("events", 401);
        let refusal = ServerMessage::Error { code: ErrorCode::Unauthorized, message: "wrong or missing token".into() };
        socket.send(text(&refusal)?).await?;
        let frame = CloseFrame { code: CLOSE_UNAUTHORIZED, reason: Utf8Bytes::from_static("unauthorized") };
        socket.send(Message::Close(Some(frame))).await?;
        return Ok(());
    }
    drop(pending); // authenticated: the place goes back to the pending pool
    let shared = &state.shared;
    let (mut live, mut skip_through) = match shared.events.subscribe(since) {
        Subscription::Resume { replay, live } => {
            let mut last = since.unwrap_or(0);
            for event in replay {
                last = event.id;
                socket.send(event_message(event)?).await?;
            }
            (live, last)
        }
        Subscription::Resync { live } => {
            let snapshot = Box::new(shared.snapshot(now_ms()));
            let last = snapshot.last_event_id;
            let message =
                if since.is_some() { ServerMessage::Resync { snapshot } } else { ServerMessage::Snapshot { snapshot } };
            socket.send(text(&message)?).await?;
            (live, last)
        }
    };
    let mut live_feed = LiveFeed::default();
    live_feed.send_if_changed(&mut socket, &state).await?;
    let mut live_tick = tokio::time::interval_at(tokio::time::Instant::now() + LIVE_PERIOD, LIVE_PERIOD);
    live_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut shutdown = state.shutdown.clone();
    loop {
        tokio::select! {
            received = live.recv() => match received {
                Ok(event) if event.id <= skip_through => {}
                Ok(event) => {
                    skip_through = event.id;
                    let sample = matches!(event.kind, EventKind::ResourceSample(_));
                    socket.send(event_message(event)?).await?;
                    if sample && live_feed.due() {
                        live_feed.send_if_changed(&mut socket, &state).await?;
                        live_tick.reset();
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    let message = ServerMessage::Error {
                        code: ErrorCode::Lagged,
                        message: format!("fell behind; reconnect with since={skip_through}"),
                    };
                    socket.send(text(&message)?).await?;
                    break;
                }
                Err(RecvError::Closed) => break,
            },
            incoming = socket.next() => match incoming {
                // After authenticating, clients may send commands; pings are answered by axum.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(()),
                Some(Ok(Message::Text(body))) => {
                    socket.send(text(&command_result(&state, body.as_str()).await)?).await?;
                    // A command may have hosted, joined or left a table, or changed a bet: show it now.
                    live_feed.send_if_changed(&mut socket, &state).await?;
                }
                Some(Ok(_)) => {}
            },
            _ = live_tick.tick() => live_feed.send_if_changed(&mut socket, &state).await?,
            () = stopped(&mut shutdown) => {
                drain(&mut live, &mut socket, skip_through).await?;
                break;
            }
        }
    }
    socket.send(Message::Close(None)).await?;
    Ok(())
}

/// What one subscriber last got in a [`ServerMessage::Live`].
#[derive(Default)]
struct LiveFeed {
    last: Option<(GameSummary, NetSummary)>,
    checked: Option<tokio::time::Instant>,
}

impl LiveFeed {
    /// Whether about a [`LIVE_PERIOD`] passed since the last check (a sampler faster than once a second does not
    /// make the live updates faster).
    fn due(&self) -> bool {
        self.checked.is_none_or(|at| at.elapsed() >= LIVE_PERIOD * 9 / 10)
    }

    /// Sends the tables and the mesh now if they differ from the last ones sent, and either the node is on the
    /// mesh or knows tables, or the last ones sent were (so a client also sees the last table go).
    async fn send_if_changed(&mut self, socket: &mut WebSocket, state: &ApiState) -> Result<(), SocketError> {
        let now = now_ms();
        self.checked = Some(tokio::time::Instant::now());
        let current = (state.shared.game_summary(now), state.shared.metrics.net.summary(now));
        if self.last.as_ref() == Some(&current) || !(is_live(&current) || self.last.as_ref().is_some_and(is_live)) {
            return Ok(());
        }
        let (game, net) = current.clone();
        socket.send(text(&ServerMessage::Live { now_ms: now, game, net })?).await?;
        self.last = Some(current);
        Ok(())
    }
}

/// Whether tables or peers can change by themselves: the node is on the mesh or knows tables.
fn is_live((game, net): &(GameSummary, NetSummary)) -> bool {
    net.enabled || !game.tables.is_empty()
}

/// Resolves once the node is stopping (the guard `wait_for` returns must not live across the select's arms).
async fn stopped(shutdown: &mut tokio::sync::watch::Receiver<bool>) {
    // An error means the sender is gone, which is a stop too.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Sends what is already queued (the node's last events, such as `node_stopping`) before closing.
async fn drain(
    live: &mut broadcast::Receiver<Event>,
    socket: &mut WebSocket,
    skip_through: u64,
) -> Result<(), SocketError> {
    while let Ok(event) = live.try_recv() {
        if event.id > skip_through {
            socket.send(event_message(event)?).await?;
        }
    }
    Ok(())
}

async fn authenticate_first_message(socket: &mut WebSocket, token: &str) -> bool {
    let Ok(Some(Ok(Message::Text(body)))) = tokio::time::timeout(AUTH_TIMEOUT, socket.next()).await else {
        return false;
    };
    matches!(serde_json::from_str(body.as_str()), Ok(ClientMessage::Auth { token: presented }) if token_matches(token, &presented))
}

/// Carries out a [`ClientMessage::Command`] and words the answer.
async fn command_result(state: &ApiState, body: &str) -> ServerMessage {
    let answer = match serde_json::from_str::<ClientMessage>(body) {
        Ok(ClientMessage::Command { command }) => super::commands::execute(state, command).await,
        Ok(ClientMessage::Auth { .. }) => Ok("already authenticated".to_owned()),
        Err(e) => Err(super::commands::Refusal { code: ErrorCode::BadCommand, message: e.to_string() }),
    };
    let status = answer.as_ref().map_or_else(|r| super::status_of(r.code).as_u16(), |_| 200);
    state.shared.metrics.count_request("commands", status);
    match answer {
        Ok(message) => ServerMessage::CommandResult { ok: true, code: None, message },
        Err(r) => ServerMessage::CommandResult { ok: false, code: Some(r.code), message: r.message },
    }
}

fn event_message(event: Event) -> serde_json::Result<Message> {
    text(&ServerMessage::Event { event })
}

fn text(message: &ServerMessage) -> serde_json::Result<Message> {
    Ok(Message::Text(serde_json::to_string(message)?.into()))
}
