//! The API's golden signals: every request's latency into the sliding HDR window, 5xx answers counted as errors.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::ApiState;
use bitcraps_net::now_ms;

/// Times one request (for WebSocket upgrades: until the upgrade answer).
pub async fn record(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    state.shared.golden.api.record(now_ms(), micros, response.status().is_server_error());
    response
}
