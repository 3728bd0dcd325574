//! A bounded, bucketed time series for trend and baseline rules: at most [`MAX_BUCKETS`] bucket averages over the
//! rule's window, so memory and evaluation cost stay flat however long the node runs.

use std::collections::VecDeque;

/// Buckets kept per window.
pub const MAX_BUCKETS: u64 = 120;

/// Bucket averages over a sliding window.
#[derive(Debug, Clone, Default)]
pub struct Series {
    window_ms: u64,
    width_ms: u64,
    /// (bucket start, sum, count), oldest first.
    buckets: VecDeque<(u64, f64, u32)>,
}

impl Series {
    /// A series over `window_ms` (0 makes an empty, unused series).
    pub fn new(window_ms: u64) -> Self {
        let width_ms = (window_ms / MAX_BUCKETS).max(1_000);
        Self { window_ms, width_ms, buckets: VecDeque::new() }
    }

    /// Adds the point `value` at `at_ms` and forgets buckets older than the window.
    pub fn push(&mut self, at_ms: u64, value: f64) {
        if self.window_ms == 0 || !value.is_finite() {
            return;
        }
        let start = at_ms - at_ms % self.width_ms;
        match self.buckets.back_mut() {
            Some((s, sum, n)) if *s == start => {
                *sum += value;
                *n += 1;
            }
            Some((s, _, _)) if *s > start => {} // out of order: ignored
            _ => self.buckets.push_back((start, value, 1)),
        }
        let horizon = at_ms.saturating_sub(self.window_ms);
        while self.buckets.front().is_some_and(|(s, _, _)| s + self.width_ms <= horizon) {
            self.buckets.pop_front();
        }
    }

    /// Time from the oldest bucket's start to `now_ms`.
    pub fn span_ms(&self, now_ms: u64) -> u64 {
        self.buckets.front().map_or(0, |(s, _, _)| now_ms.saturating_sub(*s))
    }

    /// Buckets held.
    pub fn buckets(&self) -> usize {
        self.buckets.len()
    }

    /// Mean of the bucket averages.
    pub fn mean(&self) -> Option<f64> {
        let n = self.buckets.len();
        (n > 0).then(|| self.buckets.iter().map(|(_, sum, c)| sum / f64::from(*c)).sum::<f64>() / n as f64)
    }

    /// Least-squares slope of the bucket averages, in units per hour (needs three buckets).
    pub fn slope_per_hour(&self) -> Option<f64> {
        if self.buckets.len() < 3 {
            return None;
        }
        let t0 = self.buckets.front().map_or(0, |b| b.0);
        let points = self.buckets.iter().map(|(s, sum, c)| {
            let hours = (s - t0 + self.width_ms / 2) as f64 / 3_600_000.0;
            (hours, sum / f64::from(*c))
        });
        let n = self.buckets.len() as f64;
        let (sx, sy, sxx, sxy) =
            points.fold((0.0, 0.0, 0.0, 0.0), |(sx, sy, sxx, sxy), (x, y)| (sx + x, sy + y, sxx + x * x, sxy + x * y));
        let denominator = n * sxx - sx * sx;
        (denominator.abs() > f64::EPSILON).then(|| (n * sxy - sx * sy) / denominator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slope_of_a_line_and_bounded_memory() {
        let mut s = Series::new(4 * 3_600_000);
        // 20 MB/hour, one point per second for 10 hours.
        for sec in 0..36_000u64 {
            s.push(sec * 1000, 100e6 + 20e6 * sec as f64 / 3600.0);
        }
        assert!(s.buckets() as u64 <= MAX_BUCKETS + 1, "{}", s.buckets());
        let slope = s.slope_per_hour().unwrap_or_default();
        assert!((slope - 20e6).abs() < 1e5, "{slope}");
    }
}
