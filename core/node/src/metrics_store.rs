//! The metrics store: raw resource samples kept 7 days (`resource_samples`), 1-minute summaries
//! (min/avg/max/p95) kept 30 days (`metric_summaries`), the downsampling job that writes the summaries, and range
//! queries with a step for the dashboard. Time is passed in.

use bitcraps_api::ResourceSample;
use rusqlite::Connection;

use bitcraps_storage::metric_summaries::{self, Summary};
use bitcraps_storage::resource_samples;

/// One minute.
pub const MINUTE_MS: u64 = 60_000;
/// Raw samples are kept this long (the runbook's 7-day local retention).
pub const RAW_RETENTION_MS: u64 = 7 * 86_400_000;
/// Summaries are kept this long.
pub const SUMMARY_RETENTION_MS: u64 = 30 * 86_400_000;
/// Minutes one downsampling run catches up at most (keeps each run short after a long downtime).
pub const MAX_MINUTES_PER_RUN: u64 = 60;

type Extract = fn(&ResourceSample) -> f64;

/// The summarized metrics; the index is the `metric` column.
pub const METRICS: [(&str, Extract); 10] = [
    ("process_rss_bytes", |s| s.rss_bytes as f64),
    ("process_cpu_percent", |s| f64::from(s.process_cpu_percent)),
    ("system_cpu_percent", |s| f64::from(s.system_cpu_percent)),
    ("system_memory_used_bytes", |s| s.system_memory_used_bytes as f64),
    ("disk_read_bytes_per_second", |s| s.disk_read_bytes_per_s),
    ("disk_write_bytes_per_second", |s| s.disk_write_bytes_per_s),
    ("network_receive_bytes_per_second", |s| s.net_rx_bytes_per_s),
    ("network_transmit_bytes_per_second", |s| s.net_tx_bytes_per_s),
    ("database_size_bytes", |s| s.db_size_bytes as f64),
    // Not finite (so not summarized) for samples without a write in the window.
    ("database_write_p95_ms", |s| s.db_write_p95_ms.unwrap_or(f64::NAN)),
];

/// Number of summarized metrics.
const METRIC_COUNT: u32 = METRICS.len() as u32;

/// Why a range query was refused.
#[derive(Debug, thiserror::Error)]
pub enum RangeError {
    #[error("unknown metric {0:?}")]
    UnknownMetric(String),
    #[error("step {0} ms: allowed 1000 to 86400000")]
    BadStep(u64),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// One point of a range query: the bucket starting at `at_ms`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub at_ms: u64,
    pub min: f64,
    pub avg: f64,
    pub max: f64,
    pub p95: f64,
}

/// How long each resolution is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub raw_ms: u64,
    pub summary_ms: u64,
}

impl Default for Retention {
    /// The runbook's: raw 7 days, summaries 30 days.
    fn default() -> Self {
        Self { raw_ms: RAW_RETENTION_MS, summary_ms: SUMMARY_RETENTION_MS }
    }
}

/// Summarizes the complete minutes before `now_ms` that have no summary yet (at most [`MAX_MINUTES_PER_RUN`] of
/// them, starting at the first minute with data), then prunes what is older than `retention`. Returns the minutes
/// written: call again while it returns more than zero to catch up.
pub fn downsample(conn: &Connection, now_ms: u64, retention: Retention) -> rusqlite::Result<usize> {
    let raw_retention_ms = retention.raw_ms;
    let end_of_complete = now_ms - now_ms % MINUTE_MS;
    // Metric 0 (process RSS) is always finite, so it is summarized for every minute that has samples.
    let after = metric_summaries::last_minute(conn, 0)?.map_or(0, |last| last + MINUTE_MS);
    let after = after.max(end_of_complete.saturating_sub(raw_retention_ms.max(MINUTE_MS)));
    let start = resource_samples::oldest_since(conn, after)?.map_or(end_of_complete, |t| t - t % MINUTE_MS);
    let end = end_of_complete.min(start + MAX_MINUTES_PER_RUN * MINUTE_MS);
    let tx = conn.unchecked_transaction()?;
    let mut written = 0;
    if start < end {
        let rows = resource_samples::between(&tx, start, end)?;
        let mut i = 0;
        while i < rows.len() {
            let minute = rows[i].at_ms - rows[i].at_ms % MINUTE_MS;
            let j = i + rows[i..].iter().take_while(|s| s.at_ms - s.at_ms % MINUTE_MS == minute).count();
            for (index, (_, extract)) in METRICS.iter().enumerate() {
                let values: Vec<f64> = rows[i..j].iter().map(extract).collect();
                if let Some(summary) = summarize(minute, values) {
                    metric_summaries::upsert(&tx, u32::try_from(index).unwrap_or(0), &summary)?;
                }
            }
            written += 1;
            i = j;
        }
    }
    resource_samples::delete_before(&tx, now_ms.saturating_sub(raw_retention_ms))?;
    metric_summaries::delete_before(&tx, METRIC_COUNT, now_ms.saturating_sub(retention.summary_ms))?;
    tx.commit()?;
    Ok(written)
}

/// min/avg/max/p95 (nearest rank) of one minute's values.
fn summarize(minute_ms: u64, mut values: Vec<f64>) -> Option<Summary> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let rank = ((n as f64 * 0.95).ceil() as usize).clamp(1, n) - 1;
    Some(Summary {
        minute_ms,
        min: values[0],
        avg: mean_within(&values),
        max: values[n - 1],
        p95: values[rank],
        samples: u32::try_from(n).unwrap_or(u32::MAX),
    })
}

/// The mean of sorted, finite `values`, kept within their min and max: a float sum can round past them (three
/// samples of 0.176 average to 0.17600000000000002).
fn mean_within(values: &[f64]) -> f64 {
    let (min, max) = (values[0], values[values.len() - 1]);
    (values.iter().sum::<f64>() / values.len() as f64).clamp(min, max)
}

/// `metric` from `from_ms` to `to_ms` in buckets of `step_ms`: raw samples for steps under a minute, the
/// 1-minute summaries otherwise (so 30 days stay queryable after the raw rows are gone).
pub fn range(
    conn: &Connection,
    metric: &str,
    from_ms: u64,
    to_ms: u64,
    step_ms: u64,
) -> Result<Vec<Point>, RangeError> {
    let index = METRICS
        .iter()
        .position(|(name, _)| *name == metric)
        .ok_or_else(|| RangeError::UnknownMetric(metric.to_owned()))?;
    if !(1_000..=86_400_000).contains(&step_ms) {
        return Err(RangeError::BadStep(step_ms));
    }
    let mut points: Vec<Point> = Vec::new();
    let bucket = |t: u64| t - t % step_ms;
    if step_ms < MINUTE_MS {
        let extract = METRICS[index].1;
        let rows = resource_samples::between(conn, from_ms, to_ms)?;
        let mut i = 0;
        while i < rows.len() {
            let b = bucket(rows[i].at_ms);
            let j = i + rows[i..].iter().take_while(|s| bucket(s.at_ms) == b).count();
            if let Some(s) = summarize(b, rows[i..j].iter().map(extract).collect()) {
                points.push(Point { at_ms: b, min: s.min, avg: s.avg, max: s.max, p95: s.p95 });
            }
            i = j;
        }
        return Ok(points);
    }
    let mut weight = 0.0;
    for s in metric_summaries::range(conn, u32::try_from(index).unwrap_or(0), from_ms, to_ms)? {
        let b = bucket(s.minute_ms);
        let n = f64::from(s.samples);
        match points.last_mut() {
            Some(p) if p.at_ms == b => {
                p.min = p.min.min(s.min);
                p.max = p.max.max(s.max);
                // The bucket's p95 is bounded by its worst minute's p95: conservative for alerting views.
                p.p95 = p.p95.max(s.p95);
                p.avg = ((p.avg * weight + s.avg * n) / (weight + n)).clamp(p.min, p.max);
                weight += n;
            }
            _ => {
                points.push(Point { at_ms: b, min: s.min, avg: s.avg, max: s.max, p95: s.p95 });
                weight = n;
            }
        }
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equal_values_average_to_themselves() {
        let s = summarize(0, vec![0.176; 3]).expect("values");
        assert_eq!((s.min, s.avg, s.max), (0.176, 0.176, 0.176));
    }

    proptest! {
        #[test]
        fn the_average_lies_between_min_and_max(values in prop::collection::vec(-1e9f64..1e9, 1..50)) {
            let s = summarize(0, values).expect("values");
            prop_assert!(s.min <= s.avg && s.avg <= s.max, "{} {} {}", s.min, s.avg, s.max);
        }
    }
}
