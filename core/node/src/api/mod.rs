//! The local control API: HTTP + WebSocket on loopback, bearer-token authenticated.
//!
//! `GET /healthz` is the only endpoint without a token. Everything else answers 401 and no data to a request
//! without `Authorization: Bearer <token>` (the events WebSocket also accepts the token as its first message,
//! since browsers cannot set headers on a WebSocket).

mod auth;
mod commands;
mod events_ws;
mod latency;
mod range;
pub(crate) mod walls;
mod web;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bitcraps_api::{API_PREFIX, ApiError, ErrorCode};
use tokio::sync::watch;

use bitcraps_net::now_ms;

use crate::state::Shared;

/// State every handler sees: the node's shared state and the shutdown signal.
#[derive(Clone, Debug)]
pub struct ApiState {
    pub shared: Arc<Shared>,
    /// The Host and Origin allow-lists and the unauthenticated-socket cap.
    pub walls: walls::Walls,
    pub shutdown: watch::Receiver<bool>,
    pub request_shutdown: Arc<watch::Sender<bool>>,
}

/// The router with every endpoint.
pub fn router(state: ApiState) -> Router {
    let authenticated = Router::new()
        .route(&format!("{API_PREFIX}/snapshot"), get(snapshot))
        .route(&format!("{API_PREFIX}/commands"), post(commands::handle))
        .route(&format!("{API_PREFIX}/metrics/range"), get(range::handle))
        .route("/metrics", get(metrics))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::require_token));
    let router = Router::new()
        .merge(authenticated)
        // The events socket authenticates itself (header or first message).
        .route(&format!("{API_PREFIX}/events"), get(events_ws::upgrade))
        .route("/healthz", get(|| async { "ok\n" }));
    web::mount(router, &state.shared.web_dir)
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), latency::record))
        .layer(axum::middleware::from_fn_with_state(state.clone(), walls::require_local_host))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` turns true.
pub async fn serve(listener: tokio::net::TcpListener, state: ApiState) -> std::io::Result<()> {
    let mut shutdown = state.shutdown.clone();
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move {
            // An error means the sender is gone, which is a shutdown too.
            let _ = shutdown.wait_for(|stop| *stop).await;
        })
        .await
}

async fn snapshot(State(state): State<ApiState>) -> Response {
    state.shared.metrics.count_request("snapshot", 200);
    axum::Json(state.shared.snapshot(now_ms())).into_response()
}

/// Prometheus exposition: OpenMetrics when the scraper asks for it, else the classic text format.
async fn metrics(State(state): State<ApiState>, headers: HeaderMap) -> Response {
    let wants_openmetrics = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/openmetrics-text"));
    let metrics = &state.shared.metrics;
    let (content_type, encoded) = if wants_openmetrics {
        ("application/openmetrics-text; version=1.0.0; charset=utf-8", metrics.encode_openmetrics())
    } else {
        ("text/plain; version=0.0.4; charset=utf-8", metrics.encode_prometheus_text())
    };
    match encoded {
        Ok(text) => {
            metrics.count_request("metrics", 200);
            ([(header::CONTENT_TYPE, content_type)], text).into_response()
        }
        Err(e) => error(ErrorCode::MetricsEncoding, &e.to_string()),
    }
}

/// An error response with a JSON `{code, message}` body.
pub(crate) fn error(code: ErrorCode, message: &str) -> Response {
    (status_of(code), axum::Json(ApiError { code, message: message.to_owned() })).into_response()
}

/// The HTTP status of each refusal: the one place codes meet statuses.
pub(crate) fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::BadCommand => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::ForbiddenHost | ErrorCode::ForbiddenOrigin => StatusCode::FORBIDDEN,
        ErrorCode::UnknownRule | ErrorCode::UnknownTable => StatusCode::NOT_FOUND,
        ErrorCode::AlertNotActive | ErrorCode::NotSeated | ErrorCode::AlreadySeated => StatusCode::CONFLICT,
        ErrorCode::NotOnMesh | ErrorCode::Lagged | ErrorCode::Busy => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Storage | ErrorCode::MetricsEncoding | ErrorCode::Internal | ErrorCode::Other => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
        ErrorCode::InvalidValue
        | ErrorCode::InvalidTableId
        | ErrorCode::InvalidBet
        | ErrorCode::InvalidRule
        | ErrorCode::InsufficientBalance
        | ErrorCode::UnknownBetKind
        | ErrorCode::ZeroAmount
        | ErrorCode::BelowTableMin
        | ErrorCode::AboveTableMax
        | ErrorCode::OddsAboveLimit
        | ErrorCode::NoBaseBet
        | ErrorCode::RollClosed
        | ErrorCode::RollNotOpen
        | ErrorCode::NotAllowedInPhase
        | ErrorCode::IndivisibleAmount
        | ErrorCode::UnknownBet
        | ErrorCode::NotYourBet
        | ErrorCode::ContractBet
        | ErrorCode::OddsStillUp
        | ErrorCode::AlwaysWorking => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_keeps_the_status_clients_saw_before_codes_were_typed() {
        let expected = [
            (ErrorCode::BadCommand, 400),
            (ErrorCode::Unauthorized, 401),
            (ErrorCode::UnknownTable, 404),
            (ErrorCode::UnknownRule, 404),
            (ErrorCode::NotSeated, 409),
            (ErrorCode::AlreadySeated, 409),
            (ErrorCode::AlertNotActive, 409),
            (ErrorCode::InvalidValue, 422),
            (ErrorCode::InsufficientBalance, 422),
            (ErrorCode::NotAllowedInPhase, 422),
            (ErrorCode::NotOnMesh, 503),
            (ErrorCode::Storage, 500),
        ];
        for (code, status) in expected {
            assert_eq!(status_of(code).as_u16(), status, "{code}");
        }
    }
}
