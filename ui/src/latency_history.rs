//! The Health tab's plot data: the consensus round and propagation quantiles of every snapshot and live update
//! the node sent, oldest first, bounded. Every point is a value the node measured and sent; nothing is
//! interpolated. Points are keyed by the node's clock (`now_ms`), so two updates of one instant keep the newer.

use std::collections::VecDeque;

use bitcraps_api::{LatencyQuantiles, Snapshot};

/// Points kept: a live update arrives at most once a second, so this is at least 15 minutes of them.
pub const MAX_POINTS: usize = 900;

/// The quantiles the node reported at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct LatencyPoint {
    /// The node's clock, Unix milliseconds.
    pub at_ms: u64,
    /// Consensus round (first commit to finality), over the node's last 30-60 s.
    pub round: LatencyQuantiles,
    /// Mesh propagation (origin to delivery), over the same window.
    pub propagation: LatencyQuantiles,
}

/// The bounded history.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LatencyHistory {
    points: VecDeque<LatencyPoint>,
}

impl LatencyHistory {
    /// Remembers what `snapshot` (after a snapshot or a live update) says now. Windows that saw nothing are
    /// skipped (there is no value to plot); an update older than the newest point is ignored.
    pub fn record(&mut self, snapshot: &Snapshot) {
        let point = LatencyPoint {
            at_ms: snapshot.node.now_ms,
            round: snapshot.game.consensus.round_latency,
            propagation: snapshot.net.stats.propagation,
        };
        if point.round.count == 0 && point.propagation.count == 0 {
            return;
        }
        match self.points.back() {
            Some(last) if last.at_ms > point.at_ms => return,
            Some(last) if last.at_ms == point.at_ms => {
                self.points.pop_back();
            }
            _ => {}
        }
        self.points.push_back(point);
        while self.points.len() > MAX_POINTS {
            self.points.pop_front();
        }
    }

    /// The points, oldest first.
    pub fn points(&self) -> impl Iterator<Item = &LatencyPoint> {
        self.points.iter()
    }

    /// How many points are held.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether no point is held.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(at_ms: u64, round_p95: f64, count: u64) -> Snapshot {
        let mut s = Snapshot::default();
        s.node.now_ms = at_ms;
        s.game.consensus.round_latency = LatencyQuantiles { p95_ms: round_p95, count, ..LatencyQuantiles::default() };
        s
    }

    #[test]
    fn keeps_what_the_node_sent_in_order_and_bounded() {
        let mut h = LatencyHistory::default();
        h.record(&snapshot(1_000, 5.0, 0));
        assert!(h.is_empty(), "an empty window has nothing to plot");
        h.record(&snapshot(2_000, 7.0, 3));
        h.record(&snapshot(2_000, 8.0, 4));
        h.record(&snapshot(1_500, 9.0, 4));
        let p95: Vec<f64> = h.points().map(|p| p.round.p95_ms).collect();
        assert_eq!(p95, [8.0], "same instant: the newer; older instant: ignored");
        for i in 0..(MAX_POINTS as u64 + 10) {
            h.record(&snapshot(3_000 + i, 1.0, 1));
        }
        assert_eq!(h.len(), MAX_POINTS);
        assert_eq!(h.points().next().map(|p| p.at_ms), Some(3_000 + 10));
    }
}
