//! The connection against a stand-in node: a plain `tungstenite` WebSocket server on a loopback port.
//!
//! It checks the wire protocol end to end: auth message first, snapshot, events, a gap that makes the dashboard
//! reconnect with `?since=<last id>`, the replay, live updates of tables and peers on the same socket, and the lost
//! connection turning into "offline, retrying".

use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bitcraps_api::{ClientMessage, Event, EventKind, HealthLevel, ServerMessage};
use bitcraps_ui::connection::{ConnectConfig, Connection};
use bitcraps_ui::{ConnectionStatus, DashboardState};
use tungstenite::Message;

use crate::harness::fixture;

const TOKEN: &str = "test-token-0123";

fn text(message: &ServerMessage) -> Message {
    Message::Text(serde_json::to_string(message).unwrap())
}

fn health_event(id: u64, level: HealthLevel) -> ServerMessage {
    ServerMessage::Event {
        event: Event {
            id,
            at_ms: 1_767_225_600_000 + id,
            kind: EventKind::HealthChanged(bitcraps_api::Health { level, reasons: vec![format!("event {id}")] }),
        },
    }
}

/// Serves `sessions` connections in turn; reports each request path and the first client message.
// tungstenite's handshake callback must return its large `ErrorResponse`; the signature is not ours to change.
#[allow(clippy::result_large_err)]
fn stand_in_node(listener: TcpListener, sessions: Vec<Vec<ServerMessage>>, seen: mpsc::Sender<(String, String)>) {
    std::thread::Builder::new()
        .name("stand-in-node".to_owned())
        .spawn(move || {
            for messages in sessions {
                let (stream, _) = listener.accept().unwrap();
                let mut path = String::new();
                let mut ws = tungstenite::accept_hdr(stream, |req: &tungstenite::handshake::server::Request, resp| {
                    path = req.uri().to_string();
                    Ok(resp)
                })
                .unwrap();
                let first = ws.read().unwrap().into_text().unwrap();
                seen.send((path, first)).unwrap();
                for message in &messages {
                    ws.send(text(message)).unwrap();
                }
                // Let the client read everything before the socket goes away.
                std::thread::sleep(Duration::from_millis(200));
                ws.close(None).ok();
                ws.flush().ok();
            }
        })
        .unwrap();
}

fn poll_until(connection: &mut Connection, state: &mut DashboardState, done: impl Fn(&DashboardState) -> bool) {
    let ctx = egui::Context::default();
    let deadline = Instant::now() + Duration::from_secs(15);
    while !done(state) {
        assert!(Instant::now() < deadline, "timed out; state: {:?}", state.connection);
        connection.poll(&ctx, state);
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn authenticates_follows_events_and_resumes_after_a_gap() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let api_url = format!("http://{}", listener.local_addr().unwrap());
    let mut snapshot = fixture("snapshot_busy.json");
    snapshot.last_event_id = 10;
    let sessions = vec![
        vec![
            ServerMessage::Snapshot { snapshot: Box::new(snapshot) },
            health_event(11, HealthLevel::Green),
            health_event(13, HealthLevel::Red), // 12 is missing: the client must resume after 11
        ],
        vec![health_event(12, HealthLevel::Yellow), health_event(13, HealthLevel::Red)],
    ];
    let (seen_tx, seen) = mpsc::channel();
    stand_in_node(listener, sessions, seen_tx);

    let mut state = DashboardState::new(api_url.clone());
    let mut connection = Connection::new(ConnectConfig { api_url, token: TOKEN.to_owned() });
    poll_until(&mut connection, &mut state, |s| s.last_event_id() == Some(13));

    let (path, auth) = seen.recv().unwrap();
    assert_eq!(path, "/api/v1/events");
    let auth: ClientMessage = serde_json::from_str(&auth).unwrap();
    assert_eq!(auth, ClientMessage::Auth { token: TOKEN.to_owned() });
    let (path, _) = seen.recv().unwrap();
    assert_eq!(path, "/api/v1/events?since=11");

    let health = &state.snapshot.as_ref().unwrap().health;
    assert_eq!(health.level, HealthLevel::Red);
    assert_eq!(health.reasons, ["event 13"]);
    assert!(state.is_connected());
    assert!(state.window_title().ends_with(" · connected"));

    // The stand-in node closes the second session: the dashboard goes offline and keeps its data.
    poll_until(&mut connection, &mut state, |s| matches!(s.connection, ConnectionStatus::Disconnected { .. }));
    assert_eq!(state.window_title(), "BitCraps · offline, retrying");
    assert_eq!(state.last_event_id(), Some(13));
}

#[test]
fn an_unreachable_node_is_retried_with_backoff() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut state = DashboardState::new(format!("http://127.0.0.1:{port}"));
    let mut connection =
        Connection::new(ConnectConfig { api_url: format!("http://127.0.0.1:{port}"), token: TOKEN.to_owned() });
    poll_until(&mut connection, &mut state, |s| matches!(s.connection, ConnectionStatus::Disconnected { .. }));
    assert_eq!(state.window_title(), "BitCraps · offline, retrying");
    assert!(state.snapshot.is_none());
}

#[test]
fn after_the_node_stops_the_dashboard_starts_afresh() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let api_url = format!("http://{}", listener.local_addr().unwrap());
    let mut old = fixture("snapshot.json");
    old.last_event_id = 500;
    let mut restarted = fixture("snapshot_busy.json");
    restarted.last_event_id = 3;
    let stopping =
        ServerMessage::Event { event: Event { id: 501, at_ms: 1_767_300_000_000, kind: EventKind::NodeStopping } };
    let sessions = vec![
        vec![ServerMessage::Snapshot { snapshot: Box::new(old) }, stopping],
        vec![ServerMessage::Snapshot { snapshot: Box::new(restarted) }],
    ];
    let (seen_tx, seen) = mpsc::channel();
    stand_in_node(listener, sessions, seen_tx);

    let mut state = DashboardState::new(api_url.clone());
    let mut connection = Connection::new(ConnectConfig { api_url, token: TOKEN.to_owned() });
    poll_until(&mut connection, &mut state, |s| s.last_event_id() == Some(3));
    assert_eq!(seen.recv().unwrap().0, "/api/v1/events");
    assert_eq!(seen.recv().unwrap().0, "/api/v1/events", "no since=501 for a restarted node");
    assert!(!state.node_stopping);
}

/// Serves every connection on its own thread: the first gets `main` and stays open for `hold`, each later one is
/// closed at once. Reports each request path and the first client message.
fn stand_in_node_held(
    listener: TcpListener,
    main: Vec<ServerMessage>,
    hold: Duration,
    seen: mpsc::Sender<(String, String)>,
) {
    std::thread::Builder::new()
        .name("stand-in-node".to_owned())
        .spawn(move || {
            for (i, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { return };
                let messages = if i == 0 { main.clone() } else { Vec::new() };
                let seen = seen.clone();
                std::thread::Builder::new()
                    .name(format!("stand-in-conn-{i}"))
                    .spawn(move || {
                        let mut path = String::new();
                        #[allow(clippy::result_large_err)] // tungstenite's handshake callback type.
                        let callback = |req: &tungstenite::handshake::server::Request, resp| {
                            path = req.uri().to_string();
                            Ok(resp)
                        };
                        let Ok(mut ws) = tungstenite::accept_hdr(stream, callback) else { return };
                        let first = ws.read().unwrap().into_text().unwrap();
                        seen.send((path, first.to_string())).ok();
                        for message in &messages {
                            ws.send(text(message)).unwrap();
                        }
                        std::thread::sleep(if i == 0 { hold } else { Duration::from_millis(50) });
                        ws.close(None).ok();
                        ws.flush().ok();
                    })
                    .unwrap();
            }
        })
        .unwrap();
}

#[test]
fn live_messages_update_tables_and_peers_on_the_one_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let api_url = format!("http://{}", listener.local_addr().unwrap());
    let mut first = fixture("snapshot_busy.json");
    first.last_event_id = 10;
    first.net.peers.clear();
    first.game.tables.truncate(1);
    let fresh = fixture("snapshot_busy.json");
    let now_ms = fresh.node.now_ms + 60_000;
    let main = vec![
        ServerMessage::Snapshot { snapshot: Box::new(first) },
        health_event(11, HealthLevel::Red),
        // A command's answer, then the change it made arrives as the next live update: no extra request.
        ServerMessage::CommandResult { ok: true, code: None, message: "joined the table".into() },
        ServerMessage::Live { now_ms, game: fresh.game.clone(), net: fresh.net.clone() },
    ];
    let (seen_tx, seen) = mpsc::channel();
    stand_in_node_held(listener, main, Duration::from_secs(10), seen_tx);

    let mut state = DashboardState::new(api_url.clone());
    let mut connection = Connection::new(ConnectConfig { api_url, token: TOKEN.to_owned() });
    poll_until(&mut connection, &mut state, |s| s.snapshot.as_ref().is_some_and(|s| s.net.peers.len() == 3));

    let snapshot = state.snapshot.as_ref().unwrap();
    assert_eq!(snapshot.game, fresh.game, "tables come with the live update");
    assert_eq!(snapshot.net, fresh.net);
    assert_eq!(snapshot.node.now_ms, now_ms, "the node's clock too");
    assert_eq!(snapshot.last_event_id, 11, "a live update is not an event");
    assert_eq!(snapshot.health.level, HealthLevel::Red, "health stays as the event stream left it");
    assert_eq!(snapshot.alerts, fresh.alerts);
    assert_eq!(state.command_result, Some((true, "joined the table".to_owned())));
    assert!(state.is_connected());

    // The old poller opened a second subscription every second; now nothing but the one stream is opened.
    let until = Instant::now() + Duration::from_millis(1_500);
    let ctx = egui::Context::default();
    while Instant::now() < until {
        connection.poll(&ctx, &mut state);
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(state.is_connected());
    let (path, auth) = seen.recv().unwrap();
    assert_eq!(path, "/api/v1/events");
    assert_eq!(serde_json::from_str::<ClientMessage>(&auth).unwrap(), ClientMessage::Auth { token: TOKEN.into() });
    assert!(seen.try_recv().is_err(), "one connection, no snapshot polls");
}
