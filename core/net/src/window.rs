//! Latency windows: histograms (HDR, `hdrhistogram`) over sliding windows with p50/p95/p99/max, plus
//! traffic and error counts over the same windows.
//!
//! A window is two half-window histograms that rotate: the percentiles cover the last 30-60 s. Time is passed in.

use std::sync::Mutex;

use hdrhistogram::Histogram;

/// Width of one half of the sliding window.
pub const HALF_WINDOW_MS: u64 = 30_000;
/// Highest latency recorded, in microseconds (larger values are clamped): one minute.
const MAX_MICROS: u64 = 60_000_000;

/// Percentiles of one window, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Quantiles {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Observations in the window.
    pub count: u64,
    /// Observations marked as errors.
    pub errors: u64,
}

#[derive(Debug)]
struct Halves {
    current: Histogram<u32>,
    previous: Histogram<u32>,
    current_errors: u64,
    previous_errors: u64,
    current_start_ms: u64,
    half_window_ms: u64,
}

/// A sliding-window latency histogram.
#[derive(Debug)]
pub struct LatencyWindow {
    inner: Mutex<Halves>,
}

impl Default for LatencyWindow {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyWindow {
    /// An empty window over the last 30-60 s (two significant figures: 1 % resolution, ~20 KB per half).
    pub fn new() -> Self {
        Self::spanning(HALF_WINDOW_MS)
    }

    /// An empty window over the last `half_window_ms` to twice that, for rare events (one per link, say).
    pub fn spanning(half_window_ms: u64) -> Self {
        // Constant, valid bounds: 1 <= low, high >= 2 * low, 2 significant figures.
        let histogram = || Histogram::new_with_bounds(1, MAX_MICROS, 2).expect("valid histogram bounds");
        Self {
            inner: Mutex::new(Halves {
                current: histogram(),
                previous: histogram(),
                current_errors: 0,
                previous_errors: 0,
                current_start_ms: 0,
                half_window_ms: half_window_ms.max(1),
            }),
        }
    }

    /// Records one observation of `micros` at `now_ms`; `error` counts it as a failed request too.
    pub fn record(&self, now_ms: u64, micros: u64, error: bool) {
        let mut h = self.lock();
        rotate(&mut h, now_ms);
        h.current.saturating_record(micros.clamp(1, MAX_MICROS));
        if error {
            h.current_errors += 1;
        }
    }

    /// The percentiles over the window ending at `now_ms` (`None` when it holds nothing).
    pub fn quantiles(&self, now_ms: u64) -> Option<Quantiles> {
        let mut h = self.lock();
        rotate(&mut h, now_ms);
        let count = h.current.len() + h.previous.len();
        if count == 0 {
            return None;
        }
        let mut both = h.previous.clone();
        if both.add(&h.current).is_err() {
            both = h.current.clone();
        }
        let ms = |q: f64| both.value_at_quantile(q) as f64 / 1000.0;
        Some(Quantiles {
            p50_ms: ms(0.5),
            p95_ms: ms(0.95),
            p99_ms: ms(0.99),
            max_ms: both.max() as f64 / 1000.0,
            count,
            errors: h.current_errors + h.previous_errors,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Halves> {
        // Every critical section leaves the histograms whole.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn rotate(h: &mut Halves, now_ms: u64) {
    let half = h.half_window_ms;
    if now_ms < h.current_start_ms + half {
        return;
    }
    let elapsed = now_ms - h.current_start_ms;
    if elapsed < 2 * half {
        std::mem::swap(&mut h.previous, &mut h.current);
        h.previous_errors = h.current_errors;
    } else {
        h.previous.reset();
        h.previous_errors = 0;
    }
    h.current.reset();
    h.current_errors = 0;
    h.current_start_ms = now_ms - now_ms % half;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_slide_out_of_the_window() {
        let w = LatencyWindow::new();
        for i in 1..=100u64 {
            w.record(1_000, i * 1000, i > 98);
        }
        let q = w.quantiles(1_000).unwrap_or_default();
        assert!((q.p50_ms - 50.0).abs() <= 1.0 && (q.p95_ms - 95.0).abs() <= 1.0, "{q:?}");
        assert_eq!((q.count, q.errors), (100, 2));
        assert!((q.max_ms - 100.0).abs() <= 1.0);
        // Still held one half-window later, gone after two.
        assert_eq!(w.quantiles(31_000).map(|q| q.count), Some(100));
        assert_eq!(w.quantiles(61_000), None);
    }

    #[test]
    fn a_longer_window_holds_rare_events_longer() {
        let w = LatencyWindow::spanning(600_000);
        w.record(1_000, 2_000, false);
        assert_eq!(w.quantiles(61_000).map(|q| q.count), Some(1));
        assert_eq!(w.quantiles(1_100_000).map(|q| q.count), Some(1));
        assert_eq!(w.quantiles(1_200_001), None);
    }
}
