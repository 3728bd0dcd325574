//! `POST /api/v1/commands`: commands that change the running node.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bitcraps_api::{Command, CommandResponse, EventKind};

use super::{ApiState, error};
use crate::alerts::engine::ControlError;
use crate::alerts::service::CommandError;
use crate::config::validate_sampler_interval;
use crate::state::now_ms;

/// Validates and carries out one command.
pub async fn handle(State(state): State<ApiState>, body: Result<Json<Command>, JsonRejection>) -> Response {
    let metrics = &state.shared.metrics;
    let command = match body {
        Ok(Json(command)) => command,
        Err(rejection) => {
            metrics.count_request("commands", 400);
            return error(StatusCode::BAD_REQUEST, "bad_command", &rejection.body_text());
        }
    };
    let message = match command {
        Command::SetSamplerInterval { interval_ms } => {
            if let Err(e) = validate_sampler_interval(interval_ms) {
                metrics.count_request("commands", 422);
                return error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", &e.to_string());
            }
            state.shared.sampler_interval_ms.store(interval_ms, Ordering::Relaxed);
            state.shared.publish(EventKind::SamplerIntervalChanged { interval_ms }, now_ms());
            format!("sampler interval set to {interval_ms} ms")
        }
        Command::AckAlert { rule } => match state.shared.ack_alert(&rule, now_ms()) {
            Ok(()) => format!("alert `{rule}` acknowledged"),
            Err(e) => return alert_error(metrics, &e),
        },
        Command::SilenceAlert { rule, duration_ms } => match state.shared.silence_alert(&rule, duration_ms, now_ms()) {
            Ok(()) if duration_ms == 0 => format!("alert `{rule}` no longer silenced"),
            Ok(()) => format!("alert `{rule}` silenced for {} s", duration_ms / 1000),
            Err(e) => return alert_error(metrics, &e),
        },
        Command::SetAlertRule { rule } => match state.shared.set_alert_rule(&rule) {
            Ok(()) => format!("alert rule `{}` set", rule.name),
            Err(e) => return alert_error(metrics, &e),
        },
        Command::Shutdown => {
            tracing::info!("shutdown requested through the control API");
            state.request_shutdown.send_replace(true);
            "node is shutting down".to_owned()
        }
    };
    metrics.count_request("commands", 200);
    Json(CommandResponse { message }).into_response()
}

/// The `{code, message}` answer to a refused alert command.
fn alert_error(metrics: &crate::metrics::Metrics, e: &CommandError) -> Response {
    let (status, code) = match e {
        CommandError::Control(ControlError::UnknownRule(_)) => (StatusCode::NOT_FOUND, "unknown_rule"),
        CommandError::Control(ControlError::NotActive(_)) => (StatusCode::CONFLICT, "alert_not_active"),
        CommandError::Control(ControlError::SilenceTooLong(_)) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"),
        CommandError::Rule(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rule"),
    };
    metrics.count_request("commands", status.as_u16());
    error(status, code, &e.to_string())
}
