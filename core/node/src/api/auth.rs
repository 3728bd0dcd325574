//! Bearer-token authentication for the control API.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use bitcraps_api::ErrorCode;
use subtle::ConstantTimeEq;

use super::{ApiState, error};

/// Compares a presented token with the node's in constant time.
pub fn token_matches(expected: &str, presented: &str) -> bool {
    expected.as_bytes().ct_eq(presented.as_bytes()).into()
}

/// What the `Authorization` header says.
#[derive(Debug, PartialEq, Eq)]
pub enum HeaderAuth {
    Missing,
    Valid,
    Invalid,
}

/// Checks the `Authorization: Bearer <token>` header.
pub fn check_header(headers: &HeaderMap, expected: &str) -> HeaderAuth {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return HeaderAuth::Missing };
    match value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")) {
        Some(token) if token_matches(expected, token.trim()) => HeaderAuth::Valid,
        _ => HeaderAuth::Invalid,
    }
}

/// Middleware: 401 and no data unless the request carries the right token.
pub async fn require_token(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    if check_header(request.headers(), &state.shared.token) == HeaderAuth::Valid {
        next.run(request).await
    } else {
        state.shared.metrics.count_request("unauthorized", 401);
        let mut response = error(ErrorCode::Unauthorized, "send Authorization: Bearer <token from the data dir>");
        response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        response
    }
}
