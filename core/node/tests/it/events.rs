//! The event stream: a snapshot first, ids without gaps, `since` replays what was missed or asks for a resync;
//! live `game`/`net` updates beside the events, sent only when they change.

use std::time::Duration;

use bitcraps_api::{EventKind, ServerMessage};
use tokio::time::Instant;

use crate::support::{events, next_message, start_node};

/// The id of the next event, skipping live updates (they are not numbered).
async fn next_event_id(socket: &mut crate::support::Socket) -> u64 {
    loop {
        match next_message(socket).await {
            Some(ServerMessage::Event { event }) => return event.id,
            Some(ServerMessage::Live { .. }) => {}
            other => panic!("expected an event, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn fresh_stream_starts_with_a_snapshot_then_consecutive_events() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |_| {}).await;
    let mut socket = events(&node, None, node.token()).await;
    let Some(ServerMessage::Snapshot { snapshot }) = next_message(&mut socket).await else { panic!("snapshot first") };
    assert_eq!(snapshot.node.node_id, node.node_id());
    for expected in snapshot.last_event_id + 1..=snapshot.last_event_id + 5 {
        assert_eq!(next_event_id(&mut socket).await, expected);
    }
    node.shutdown().await.unwrap();
    // The stream ends with the node's goodbye.
    let mut saw_stopping = false;
    while let Some(message) = next_message(&mut socket).await {
        if let ServerMessage::Event { event } = message {
            saw_stopping |= event.kind == EventKind::NodeStopping;
        }
    }
    assert!(saw_stopping);
}

#[tokio::test(flavor = "multi_thread")]
async fn since_replays_missed_events_or_says_resync_when_too_old() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |c| c.api.event_history = 16).await;
    let mut socket = events(&node, None, node.token()).await;
    let Some(ServerMessage::Snapshot { .. }) = next_message(&mut socket).await else { panic!("snapshot first") };
    let seen = next_event_id(&mut socket).await;
    drop(socket);
    // Miss a few events (sampler runs every 100 ms), then resume: replay starts right after what we saw.
    tokio::time::sleep(std::time::Duration::from_millis(350)).await;
    let mut resumed = events(&node, Some(seen), node.token()).await;
    assert_eq!(next_event_id(&mut resumed).await, seen + 1);
    assert_eq!(next_event_id(&mut resumed).await, seen + 2);
    drop(resumed);
    // Wait until more than 16 events passed: `seen` is out of the ring.
    while node.snapshot().last_event_id < seen + 20 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut stale = events(&node, Some(seen), node.token()).await;
    match next_message(&mut stale).await {
        Some(ServerMessage::Resync { snapshot }) => {
            let after = next_event_id(&mut stale).await;
            assert_eq!(after, snapshot.last_event_id + 1, "live events continue right after the resync snapshot");
        }
        other => panic!("expected resync, got {other:?}"),
    }
    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn live_updates_follow_the_snapshot_and_repeat_only_on_change() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |_| {}).await;
    let mut socket = events(&node, None, node.token()).await;
    let Some(ServerMessage::Snapshot { snapshot }) = next_message(&mut socket).await else { panic!("snapshot first") };
    let started = Instant::now();
    let mut lives = Vec::new();
    // Events arrive every 100 ms (the sampler), so `next_message` never waits long; watch the stream for 3.5 s.
    while started.elapsed() < Duration::from_millis(3_500) {
        match next_message(&mut socket).await {
            Some(ServerMessage::Live { now_ms, game, net }) => lives.push((started.elapsed(), now_ms, game, net)),
            Some(ServerMessage::Event { .. }) => {}
            other => panic!("expected events and live updates, got {other:?}"),
        }
    }
    let Some((after, now_ms, game, net)) = lives.first() else { panic!("no live update in 3.5 s") };
    assert!(*after < Duration::from_secs(2), "the first live update came after {after:?}");
    assert!(net.enabled, "test nodes are on the mesh");
    assert!(*now_ms >= snapshot.node.now_ms);
    assert!(game.tables.is_empty() && net.peers.is_empty());
    // No peers and no tables: nothing changes, so nothing is resent every second.
    assert!(lives.len() <= 2, "an idle node resent its live state {} times in 3.5 s", lives.len());
    node.shutdown().await.unwrap();
}
