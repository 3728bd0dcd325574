//! Keeping a link to each static peer: dial, and after a failure or a lost link dial again with exponential
//! backoff (`reconnect_min_ms` doubling up to `reconnect_max_ms`, up to 10 % shorter at random), reset once a
//! link came up. A peer known by id is not dialled while it is linked (whoever dialled) or banned.

use std::sync::Arc;
use std::time::Duration;

use bitcraps_wire::NodeId;
use tokio::sync::watch;

use super::hub::{Admission, Hub};
use super::stopped;
use crate::config::StaticPeer;

/// Reconnect delays: `min`, doubling up to `max`.
#[derive(Debug, Clone)]
pub struct Backoff {
    min: u64,
    max: u64,
    next: u64,
}

impl Backoff {
    /// Delays from `min_ms` doubling up to `max_ms`.
    pub fn new(min_ms: u64, max_ms: u64) -> Self {
        let min = min_ms.max(1);
        Self { min, max: max_ms.max(min), next: min }
    }

    /// Starts again from the shortest delay.
    pub fn reset(&mut self) {
        self.next = self.min;
    }

    /// The next delay before jitter, in milliseconds.
    pub fn next_base_ms(&mut self) -> u64 {
        let delay = self.next;
        self.next = delay.saturating_mul(2).min(self.max);
        delay
    }

    /// The next delay, with jitter.
    pub fn next_delay(&mut self) -> Duration {
        Duration::from_millis(jitter(self.next_base_ms(), rand::random()))
    }
}

/// `base` shortened by up to 10 %, chosen by `random` (so delays never exceed the maximum and peers that lost a
/// link together do not redial in lockstep).
pub fn jitter(base: u64, random: u64) -> u64 {
    base - random % (base / 10 + 1)
}

/// Sleeps `delay`; true if the transport is shutting down instead.
pub async fn pause(shutdown: &mut watch::Receiver<bool>, delay: Duration) -> bool {
    tokio::select! {
        () = tokio::time::sleep(delay) => false,
        () = stopped(shutdown) => true,
    }
}

/// Keeps one link to `peer` until shutdown.
pub async fn keep_linked(hub: Arc<Hub>, peer: StaticPeer, mut backoff: Backoff) {
    let mut shutdown = hub.shutdown.clone();
    let mut changes = hub.watch_changes();
    let mut known: Option<NodeId> = peer.id;
    loop {
        if *shutdown.borrow() {
            return;
        }
        if let Some(id) = known {
            if id == hub.me {
                tracing::warn!(addr = %peer.addr, "lan: static peer is this node; not dialling it");
                return;
            }
            if hub.is_linked(&id) {
                changes.borrow_and_update();
                while hub.is_linked(&id) {
                    tokio::select! {
                        changed = changes.changed() => if changed.is_err() { return },
                        () = stopped(&mut shutdown) => return,
                    }
                }
                // The link was lost: redial after the shortest delay.
                if pause(&mut shutdown, backoff.next_delay()).await {
                    return;
                }
                continue;
            }
        }
        if !known.is_some_and(|id| hub.bans.is_banned(&id)) {
            match hub.dial(peer.addr, peer.id).await {
                Ok((id, Admission::Linked)) => {
                    hub.learned(peer.addr, id);
                    known = Some(id);
                    backoff.reset();
                    continue;
                }
                Ok((id, Admission::Refused)) => {
                    hub.learned(peer.addr, id);
                    known = Some(id);
                }
                Err(()) => {}
            }
        }
        if pause(&mut shutdown, backoff.next_delay()).await {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_maximum_and_resets() {
        let mut b = Backoff::new(100, 2_000);
        let seq: Vec<u64> = (0..7).map(|_| b.next_base_ms()).collect();
        assert_eq!(seq, [100, 200, 400, 800, 1_600, 2_000, 2_000]);
        b.reset();
        assert_eq!(b.next_base_ms(), 100);
        let mut odd = Backoff::new(30, 100);
        assert_eq!([odd.next_base_ms(), odd.next_base_ms(), odd.next_base_ms()], [30, 60, 100]);
    }

    #[test]
    fn jitter_shortens_by_at_most_a_tenth() {
        for random in [0, 1, 7, 10, 11, u64::MAX] {
            let d = jitter(100, random);
            assert!((90..=100).contains(&d), "{d}");
        }
        assert_eq!(jitter(5, u64::MAX), 5);
        let mut b = Backoff::new(100, 2_000);
        for _ in 0..20 {
            assert!(b.next_delay() <= Duration::from_millis(2_000));
        }
    }
}
