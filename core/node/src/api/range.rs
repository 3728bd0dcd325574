//! `GET /api/v1/metrics/range`: stored metric history in buckets of `step_ms` (the dashboard's long-range plots).

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use bitcraps_api::{ErrorCode, MetricPoint, MetricRange};
use serde::Deserialize;

use super::{ApiState, error};
use crate::metrics_store::{self, RangeError};

/// Query parameters.
#[derive(Debug, Deserialize)]
pub struct RangeQuery {
    metric: String,
    from_ms: u64,
    to_ms: u64,
    step_ms: u64,
}

/// Answers one range query.
pub async fn handle(State(state): State<ApiState>, Query(q): Query<RangeQuery>) -> Response {
    let shared = state.shared.clone();
    let metric = q.metric.clone();
    let result = tokio::task::spawn_blocking(move || {
        metrics_store::range(&shared.db().lock(), &q.metric, q.from_ms, q.to_ms, q.step_ms)
    })
    .await;
    let metrics = &state.shared.metrics;
    match result {
        Ok(Ok(points)) => {
            metrics.count_request("metrics_range", 200);
            let points = points
                .into_iter()
                .map(|p| MetricPoint { at_ms: p.at_ms, min: p.min, avg: p.avg, max: p.max, p95: p.p95 })
                .collect();
            Json(MetricRange { metric, step_ms: q.step_ms, points }).into_response()
        }
        Ok(Err(e @ (RangeError::UnknownMetric(_) | RangeError::BadStep(_)))) => {
            metrics.count_request("metrics_range", 422);
            error(ErrorCode::InvalidValue, &e.to_string())
        }
        Ok(Err(e)) => {
            metrics.count_request("metrics_range", 500);
            error(ErrorCode::Storage, &e.to_string())
        }
        Err(e) => error(ErrorCode::Internal, &e.to_string()),
    }
}
