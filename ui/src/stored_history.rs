//! The node's stored metric history for the Resources tab's 1-hour view: what to ask the range endpoint for, how
//! to read its answers, and what has been loaded. Plain data, no I/O: the Resources tab's
//! [`history_loader`](crate::resources::history_loader) does the requests.

use std::collections::BTreeMap;

use bitcraps_api::{API_PREFIX, ApiError, MetricRange};

/// The window of the 1-hour view.
pub const HOUR_MS: u64 = 60 * 60 * 1000;
/// Bucket width asked of the node: 720 buckets an hour, each with min/avg/max of its raw samples.
pub const HOUR_STEP_MS: u64 = 5_000;
/// Seconds between reloads while the 1-hour view is shown.
pub const REFRESH_S: f64 = 30.0;

/// The stored history loaded so far, by metric name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoredHistory {
    /// The last answer per metric.
    pub ranges: BTreeMap<String, MetricRange>,
    /// Node time (Unix ms) at which the last load's window ends: x = 0 of the 1-hour plots.
    pub to_ms: u64,
    /// Where the window of the load under way ends; becomes [`Self::to_ms`] when its last answer arrives.
    pub loading_to_ms: u64,
    /// Requests sent and not answered yet.
    pub pending: usize,
    /// Why the last load failed for some metric, if it did.
    pub error: Option<String>,
}

impl StoredHistory {
    /// The loaded range of `metric`, if any.
    pub fn range(&self, metric: &str) -> Option<&MetricRange> {
        self.ranges.get(metric)
    }

    /// Starts a load of the window ending at node time `to_ms`: earlier errors are forgotten.
    pub fn begin_load(&mut self, to_ms: u64) {
        self.loading_to_ms = to_ms;
        self.error = None;
    }

    /// Folds one answer in: a range replaces the metric's previous one; an error is kept for the view.
    pub fn receive(&mut self, metric: &str, answer: Result<MetricRange, String>) {
        self.pending = self.pending.saturating_sub(1);
        match answer {
            Ok(range) => {
                self.ranges.insert(metric.to_owned(), range);
            }
            Err(error) => self.error = Some(format!("{metric}: {error}")),
        }
        if self.pending == 0 {
            self.to_ms = self.loading_to_ms;
        }
    }
}

/// The URL of the range query for `metric` over `[from_ms, to_ms)` in buckets of `step_ms`.
pub fn range_url(api_url: &str, metric: &str, from_ms: u64, to_ms: u64, step_ms: u64) -> String {
    let base = api_url.trim().trim_end_matches('/');
    let base = if base.contains("://") { base.to_owned() } else { format!("http://{base}") };
    format!("{base}{API_PREFIX}/metrics/range?metric={metric}&from_ms={from_ms}&to_ms={to_ms}&step_ms={step_ms}")
}

/// Reads the node's answer to a range query: the range on 200, else the node's `{code, message}` (or the status).
pub fn parse_answer(status: u16, body: &[u8]) -> Result<MetricRange, String> {
    if status == 200 {
        return serde_json::from_slice(body).map_err(|e| format!("unreadable answer: {e}"));
    }
    match serde_json::from_slice::<ApiError>(body) {
        Ok(e) => Err(format!("{} ({}, HTTP {status})", e.message, e.code)),
        Err(_) => Err(format!("HTTP {status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_metric_and_window() {
        assert_eq!(
            range_url("http://127.0.0.1:4000/", "process_rss_bytes", 1, 2, 5000),
            "http://127.0.0.1:4000/api/v1/metrics/range?metric=process_rss_bytes&from_ms=1&to_ms=2&step_ms=5000"
        );
        assert!(range_url("127.0.0.1:4000", "m", 0, 1, 1000).starts_with("http://127.0.0.1:4000/api/v1/"));
    }

    #[test]
    fn answers_parse_or_explain_themselves() {
        let ok = br#"{"metric":"m","step_ms":5000,"points":[{"at_ms":1,"min":1,"avg":2,"max":3,"p95":3}]}"#;
        assert_eq!(parse_answer(200, ok).map(|r| r.points.len()), Ok(1));
        let refused = br#"{"code":"invalid_value","message":"unknown metric \"m\""}"#;
        assert_eq!(parse_answer(422, refused), Err("unknown metric \"m\" (invalid_value, HTTP 422)".to_owned()));
        assert_eq!(parse_answer(502, b"<html>"), Err("HTTP 502".to_owned()));
        assert!(matches!(parse_answer(200, b"{"), Err(e) if e.starts_with("unreadable answer")));
    }

    #[test]
    fn an_answer_replaces_the_old_range_and_an_error_is_kept() {
        let mut history = StoredHistory::default();
        history.begin_load(7);
        history.pending = 2;
        history.receive("a", Ok(MetricRange { metric: "a".into(), ..MetricRange::default() }));
        history.receive("b", Err("HTTP 500".into()));
        assert_eq!((history.pending, history.to_ms), (0, 7));
        assert!(history.range("a").is_some() && history.range("b").is_none());
        assert_eq!(history.error.as_deref(), Some("b: HTTP 500"));
    }
}
