//! Times state synchronisation: from a sync request sent to a peer for a table to that peer's answer for the
//! table applied. Answers nobody asked for (a new neighbour is sent the table unasked) are not timed; a request
//! answered by no one is forgotten after [`FORGET_AFTER`]; a second request to the same peer for the same table
//! restarts its clock.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bitcraps_wire::{NodeId, TableId};

/// Unanswered requests are dropped after this long.
pub const FORGET_AFTER: Duration = Duration::from_secs(60);

/// Sync requests waiting for their answer.
#[derive(Debug, Default)]
pub struct SyncTimer {
    sent: BTreeMap<(NodeId, TableId), Instant>,
}

impl SyncTimer {
    /// A request for `table` went to `peer` at `now`.
    pub fn sent(&mut self, peer: NodeId, table: TableId, now: Instant) {
        self.sent.retain(|_, at| now.saturating_duration_since(*at) < FORGET_AFTER);
        self.sent.insert((peer, table), now);
    }

    /// `peer`'s answer for `table` was applied at `now`: how long since the request, if one was waiting.
    pub fn answered(&mut self, peer: NodeId, table: TableId, now: Instant) -> Option<Duration> {
        let at = self.sent.remove(&(peer, table))?;
        Some(now.saturating_duration_since(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_timed_from_its_request_once() {
        let t0 = Instant::now();
        let (a, b) = (NodeId([1; 32]), NodeId([2; 32]));
        let table = TableId([9; 16]);
        let mut timer = SyncTimer::default();
        timer.sent(a, table, t0);
        assert_eq!(timer.answered(b, table, t0), None, "another peer's answer was not asked for");
        assert_eq!(timer.answered(a, table, t0 + Duration::from_millis(35)), Some(Duration::from_millis(35)));
        assert_eq!(timer.answered(a, table, t0 + Duration::from_millis(40)), None, "timed once");
    }

    #[test]
    fn unanswered_requests_are_forgotten() {
        let t0 = Instant::now();
        let table = TableId([9; 16]);
        let mut timer = SyncTimer::default();
        timer.sent(NodeId([1; 32]), table, t0);
        timer.sent(NodeId([2; 32]), table, t0 + FORGET_AFTER);
        assert_eq!(timer.answered(NodeId([1; 32]), table, t0 + FORGET_AFTER), None);
        assert_eq!(timer.answered(NodeId([2; 32]), table, t0 + FORGET_AFTER), Some(Duration::ZERO));
    }
}
