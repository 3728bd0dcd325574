//! `DashboardState::apply` fed with wire-format JSON: snapshots, events, gaps, replays, resyncs and errors, plus
//! the window title for each connection state.

use bitcraps_api::{Event, EventKind, HealthLevel, ResourceSample, ServerMessage};
use bitcraps_ui::state::{Applied, MIN_SAMPLES};
use bitcraps_ui::{ConnectionStatus, DashboardState};

use crate::harness::fixture;

fn parse(json: &str) -> ServerMessage {
    serde_json::from_str(json).unwrap()
}

fn sample_event(id: u64, at_ms: u64) -> ServerMessage {
    ServerMessage::Event {
        event: Event {
            id,
            at_ms,
            kind: EventKind::ResourceSample(ResourceSample {
                at_ms,
                process_cpu_percent: 3.5,
                db_size_bytes: 2_000_000,
                ..ResourceSample::default()
            }),
        },
    }
}

fn quiet_state() -> DashboardState {
    DashboardState::from_snapshot(fixture("snapshot.json"))
}

#[test]
fn snapshot_message_fills_the_state() {
    let text = std::fs::read_to_string(crate::harness::fixture_path("snapshot.json")).unwrap();
    let message = format!(r#"{{"type":"snapshot","snapshot":{text}}}"#);
    let mut state = DashboardState::new("http://127.0.0.1:43123");
    assert_eq!(state.apply(parse(&message)), Applied::Updated);
    assert_eq!(state.last_event_id(), Some(7342));
    assert_eq!(state.samples.len(), 900);
    assert!(state.snapshot.as_ref().unwrap().resources.is_empty(), "samples live in the ring only");
}

#[test]
fn sample_events_append_and_the_ring_keeps_15_minutes() {
    let mut state = quiet_state();
    let newest = state.latest_sample().unwrap().at_ms;
    for i in 1..=120 {
        let applied = state.apply(sample_event(7342 + i, newest + i * 1000));
        assert_eq!(applied, Applied::Updated);
    }
    assert_eq!(state.samples.len(), MIN_SAMPLES, "900 one-second samples cover 15 minutes");
    assert_eq!(state.latest_sample().unwrap().at_ms, newest + 120_000);
    let snapshot = state.snapshot.as_ref().unwrap();
    assert_eq!(snapshot.last_event_id, 7462);
    assert_eq!(snapshot.node.db_size_bytes, 2_000_000);
    assert_eq!(snapshot.node.now_ms, newest + 120_000, "uptime follows node time");
}

#[test]
fn the_ring_keeps_900_samples_even_when_older_than_15_minutes() {
    let mut state = quiet_state();
    let newest = state.latest_sample().unwrap().at_ms;
    // One sample an hour later: everything else is older than 15 minutes, but the ring keeps 900 entries.
    state.apply(sample_event(7343, newest + 3_600_000));
    assert_eq!(state.samples.len(), MIN_SAMPLES);
}

#[test]
fn other_events_update_health_interval_and_stopping() {
    let mut state = quiet_state();
    let health = r#"{"type":"event","event":{"id":7343,"at_ms":1,"kind":{"type":"health_changed","level":"red","reasons":["disk full"]}}}"#;
    assert_eq!(state.apply(parse(health)), Applied::Updated);
    let interval = r#"{"type":"event","event":{"id":7344,"at_ms":1,"kind":{"type":"sampler_interval_changed","interval_ms":250}}}"#;
    assert_eq!(state.apply(parse(interval)), Applied::Updated);
    let stopping = r#"{"type":"event","event":{"id":7345,"at_ms":1,"kind":{"type":"node_stopping"}}}"#;
    assert_eq!(state.apply(parse(stopping)), Applied::Updated);
    let snapshot = state.snapshot.as_ref().unwrap();
    assert_eq!(snapshot.health.level, HealthLevel::Red);
    assert_eq!(snapshot.health.reasons, ["disk full"]);
    assert_eq!(snapshot.node.sampler_interval_ms, 250);
    assert!(state.node_stopping);
}

#[test]
fn a_gap_in_event_ids_is_reported_and_not_applied() {
    let mut state = quiet_state();
    let newest = state.latest_sample().unwrap().at_ms;
    assert_eq!(state.apply(sample_event(7345, newest + 1000)), Applied::Gap { last: 7342, got: 7345 });
    assert_eq!(state.last_event_id(), Some(7342));
    assert_eq!(state.samples.len(), 900);
}

#[test]
fn replayed_events_are_ignored() {
    let mut state = quiet_state();
    let newest = state.latest_sample().unwrap().at_ms;
    assert_eq!(state.apply(sample_event(7342, newest + 1000)), Applied::Ignored);
    assert_eq!(state.apply(sample_event(7000, newest + 1000)), Applied::Ignored);
    assert_eq!(state.samples.len(), 900);
}

#[test]
fn resync_starts_over_from_its_snapshot() {
    let mut state = quiet_state();
    state.node_stopping = true;
    let busy = fixture("snapshot_busy.json");
    let applied = state.apply(ServerMessage::Resync { snapshot: Box::new(busy.clone()) });
    assert_eq!(applied, Applied::Updated);
    assert_eq!(state.last_event_id(), Some(busy.last_event_id));
    assert_eq!(state.samples.len(), busy.resources.len());
    assert!(!state.node_stopping);
}

#[test]
fn error_messages_are_kept_for_display() {
    let mut state = quiet_state();
    state.apply(parse(r#"{"type":"error","code":"unauthorized","message":"bad token"}"#));
    assert_eq!(state.last_error.as_deref(), Some("bad token (unauthorized)"));
    // After reconnecting, the first event shows the stream works again.
    let newest = state.latest_sample().unwrap().at_ms;
    state.apply(sample_event(7343, newest + 1000));
    assert_eq!(state.last_error, None);
}

#[test]
fn window_title_follows_the_connection() {
    let mut state = DashboardState::new("http://127.0.0.1:43123");
    assert_eq!(state.window_title(), "BitCraps · connecting…");
    state.apply(ServerMessage::Snapshot { snapshot: Box::new(fixture("snapshot.json")) });
    assert_eq!(state.window_title(), "BitCraps · connecting…", "socket not open yet");
    state.connection = ConnectionStatus::Open;
    assert_eq!(state.window_title(), "BitCraps · 5f3a9c0e7b21d84f · connected");
    state.connection = ConnectionStatus::Disconnected { reason: "closed".to_owned() };
    let title = state.window_title();
    assert_eq!(title, "BitCraps · offline, retrying");
    assert!(!title.contains("connected"));
}

#[test]
fn a_live_message_folds_tables_peers_and_clock_only() {
    let mut state = DashboardState::from_snapshot(fixture("snapshot_busy.json"));
    let before = state.snapshot.clone().unwrap();
    let samples = state.samples.len();
    assert!(!before.alerts.is_empty() && before.health.level == HealthLevel::Yellow);
    // The node's tables and peers a moment later: one table left, one peer gone.
    let mut busy = before.clone();
    busy.game.tables.truncate(1);
    busy.net.peers.pop();
    let now_ms = before.node.now_ms + 5_000;
    let live = ServerMessage::Live { now_ms, game: busy.game.clone(), net: busy.net.clone() };
    // The wire shape: tagged like every server message.
    let live = parse(&serde_json::to_string(&live).unwrap());
    assert_eq!(state.apply(live), Applied::Updated);
    let snapshot = state.snapshot.as_ref().unwrap();
    assert_eq!(snapshot.game, busy.game);
    assert_eq!(snapshot.net, busy.net);
    assert_eq!(snapshot.node.now_ms, now_ms);
    assert_eq!(snapshot.health, before.health);
    assert_eq!(snapshot.alerts, before.alerts);
    assert_eq!(snapshot.alert_history, before.alert_history);
    assert_eq!(snapshot.last_event_id, before.last_event_id);
    assert_eq!(state.samples.len(), samples);

    // An older clock reading never moves the node's clock back.
    let stale = ServerMessage::Live { now_ms: 1, game: busy.game.clone(), net: busy.net.clone() };
    assert_eq!(state.apply(stale), Applied::Updated);
    assert_eq!(state.snapshot.as_ref().unwrap().node.now_ms, now_ms);

    // Before the first snapshot there is nothing to fold into.
    let mut empty = DashboardState::new("http://127.0.0.1:43123");
    assert_eq!(empty.apply(ServerMessage::Live { now_ms, game: busy.game, net: busy.net }), Applied::Ignored);
    assert!(empty.snapshot.is_none());
}

#[test]
fn window_title_shows_the_table_and_chips_while_seated() {
    let mut state = DashboardState::new("http://127.0.0.1:43123");
    state.apply(ServerMessage::Snapshot { snapshot: Box::new(fixture("snapshot_busy.json")) });
    assert_eq!(bitcraps_ui::app::window_title(&state), "BitCraps · connecting…", "no table before the socket opens");
    state.connection = ConnectionStatus::Open;
    assert_eq!(
        bitcraps_ui::app::window_title(&state),
        "BitCraps · 5f3a9c0e7b21d84f · connected · table 7c1e04b9a2d35f68 · 935 chips"
    );
    // Not seated anywhere: the plain title.
    if let Some(snapshot) = state.snapshot.as_mut() {
        snapshot.game.tables.iter_mut().for_each(|t| t.joined = false);
    }
    assert_eq!(bitcraps_ui::app::window_title(&state), "BitCraps · 5f3a9c0e7b21d84f · connected");
    state.connection = ConnectionStatus::Disconnected { reason: "closed".to_owned() };
    assert_eq!(bitcraps_ui::app::window_title(&state), "BitCraps · offline, retrying");
}
