//! Stored metric history: `GET /api/v1/metrics/range?metric=NAME&from_ms=A&to_ms=B&step_ms=S`.

use serde::{Deserialize, Serialize};

/// One bucket of a range query, starting at `at_ms`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct MetricPoint {
    pub at_ms: u64,
    pub min: f64,
    pub avg: f64,
    pub max: f64,
    pub p95: f64,
}

/// The answer to a range query: raw samples for steps under a minute, 1-minute summaries otherwise.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct MetricRange {
    pub metric: String,
    pub step_ms: u64,
    pub points: Vec<MetricPoint>,
}
