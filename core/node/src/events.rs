//! The event log: numbered events kept in a bounded ring for clients that reconnect, and broadcast live.
//!
//! Publishing and subscribing happen under one lock, so a subscriber's replay and its live stream meet exactly:
//! no event is missed or delivered twice.

use std::collections::VecDeque;
use std::sync::Mutex;

use bitcraps_api::{Event, EventKind};
use tokio::sync::broadcast;

/// Where a new subscriber starts.
#[derive(Debug)]
pub enum Subscription {
    /// Events after the requested id, then live ones.
    Resume { replay: Vec<Event>, live: broadcast::Receiver<Event> },
    /// The requested id is older than the ring holds (or from the future): start over from a snapshot.
    Resync { live: broadcast::Receiver<Event> },
}

/// Bounded history of published events plus the live broadcast.
#[derive(Debug)]
pub struct EventLog {
    inner: Mutex<Ring>,
    live: broadcast::Sender<Event>,
}

#[derive(Debug)]
struct Ring {
    events: VecDeque<Event>,
    capacity: usize,
    last_id: u64,
}

impl EventLog {
    /// A log keeping the newest `capacity` events.
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let (live, _) = broadcast::channel(capacity.min(4096));
        Self { inner: Mutex::new(Ring { events: VecDeque::with_capacity(capacity), capacity, last_id: 0 }), live }
    }

    /// Numbers `kind` with the next id, stores it and sends it to live subscribers.
    pub fn publish(&self, kind: EventKind, at_ms: u64) -> u64 {
        let mut ring = self.lock();
        ring.last_id += 1;
        let event = Event { id: ring.last_id, at_ms, kind };
        if ring.events.len() == ring.capacity {
            ring.events.pop_front();
        }
        ring.events.push_back(event.clone());
        // No live subscribers is fine: the ring keeps the event for later.
        let _ = self.live.send(event);
        ring.last_id
    }

    /// Id of the newest event (0 before the first).
    pub fn last_id(&self) -> u64 {
        self.lock().last_id
    }

    /// Subscribes to live events; with `since`, replays the events after it if the ring still holds them all.
    pub fn subscribe(&self, since: Option<u64>) -> Subscription {
        let ring = self.lock();
        let live = self.live.subscribe();
        let Some(since) = since else { return Subscription::Resync { live } };
        let oldest_held = ring.events.front().map_or(ring.last_id + 1, |e| e.id);
        if since > ring.last_id || since + 1 < oldest_held {
            return Subscription::Resync { live };
        }
        let replay = ring.events.iter().filter(|e| e.id > since).cloned().collect();
        Subscription::Resume { replay, live }
    }

    /// Clients currently subscribed to live events.
    pub fn subscriber_count(&self) -> usize {
        self.live.receiver_count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ring> {
        // A panic while holding this lock cannot leave the ring half-updated, so poisoning is ignored.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(events: &[Event]) -> Vec<u64> {
        events.iter().map(|e| e.id).collect()
    }

    #[test]
    fn resume_replays_exactly_the_missed_events_then_goes_live() {
        let log = EventLog::new(8);
        for _ in 0..5 {
            log.publish(EventKind::NodeStopping, 0);
        }
        let Subscription::Resume { replay, mut live } = log.subscribe(Some(2)) else { panic!("expected resume") };
        assert_eq!(ids(&replay), vec![3, 4, 5]);
        log.publish(EventKind::NodeStopping, 0);
        assert_eq!(live.try_recv().map(|e| e.id).ok(), Some(6));
    }

    #[test]
    fn too_old_or_future_since_asks_for_resync() {
        let log = EventLog::new(4);
        for _ in 0..10 {
            log.publish(EventKind::NodeStopping, 0);
        }
        // Ring holds 7..=10: since=6 resumes with 7.., since=5 has lost event 6.
        assert!(matches!(log.subscribe(Some(6)), Subscription::Resume { .. }));
        assert!(matches!(log.subscribe(Some(5)), Subscription::Resync { .. }));
        assert!(matches!(log.subscribe(Some(11)), Subscription::Resync { .. }));
        let Subscription::Resume { replay, .. } = log.subscribe(Some(10)) else { panic!("expected resume") };
        assert!(replay.is_empty());
    }
}
