//! The event stream: a snapshot first, ids without gaps, `since` replays what was missed or asks for a resync.

use bitcraps_api::{EventKind, ServerMessage};

use crate::support::{events, next_message, start_node};

async fn next_event_id(socket: &mut crate::support::Socket) -> u64 {
    match next_message(socket).await {
        Some(ServerMessage::Event { event }) => event.id,
        other => panic!("expected an event, got {other:?}"),
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
