//! `POST /api/v1/commands`: commands that change the running node.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::response::{IntoResponse, Response};
use bitcraps_api::{Command, CommandResponse, ErrorCode, EventKind};
use bitcraps_wire::TableId;

use super::{ApiState, error};
use crate::alerts::engine::ControlError;
use crate::alerts::service::CommandError;
use crate::config::validate_sampler_interval;
use bitcraps_net::now_ms;
use bitcraps_table::view::GameCommand;

/// A refused command: a typed code (its HTTP status is [`super::status_of`]) and a human message.
#[derive(Debug)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: String,
}

/// `POST /api/v1/commands`: parses, then [`execute`]s.
pub async fn handle(State(state): State<ApiState>, body: Result<Json<Command>, JsonRejection>) -> Response {
    let metrics = &state.shared.metrics;
    let command = match body {
        Ok(Json(command)) => command,
        Err(rejection) => {
            metrics.count_request("commands", 400);
            return error(ErrorCode::BadCommand, &rejection.body_text());
        }
    };
    match execute(&state, command).await {
        Ok(message) => {
            metrics.count_request("commands", 200);
            Json(CommandResponse { message }).into_response()
        }
        Err(refusal) => {
            metrics.count_request("commands", super::status_of(refusal.code).as_u16());
            error(refusal.code, &refusal.message)
        }
    }
}

/// Validates and carries out one command (from HTTP or the events socket).
pub async fn execute(state: &ApiState, command: Command) -> Result<String, Refusal> {
    Ok(match command {
        Command::SetSamplerInterval { interval_ms } => {
            if let Err(e) = validate_sampler_interval(interval_ms) {
                return Err(Refusal { code: ErrorCode::InvalidValue, message: e.to_string() });
            }
            state.shared.sampler_interval_ms.store(interval_ms, Ordering::Relaxed);
            state.shared.publish(EventKind::SamplerIntervalChanged { interval_ms }, now_ms());
            format!("sampler interval set to {interval_ms} ms")
        }
        Command::AckAlert { rule } => {
            state.shared.ack_alert(&rule, now_ms()).map_err(alert_refusal)?;
            format!("alert `{rule}` acknowledged")
        }
        Command::SilenceAlert { rule, duration_ms } => {
            state.shared.silence_alert(&rule, duration_ms, now_ms()).map_err(alert_refusal)?;
            if duration_ms == 0 {
                format!("alert `{rule}` no longer silenced")
            } else {
                format!("alert `{rule}` silenced for {} s", duration_ms / 1000)
            }
        }
        Command::SetAlertRule { rule } => {
            state.shared.set_alert_rule(&rule).map_err(alert_refusal)?;
            format!("alert rule `{}` set", rule.name)
        }
        Command::HostTable { table } => game(state, GameCommand::Host(table)).await?,
        Command::JoinTable { table_id, buy_in } => {
            game(state, GameCommand::Join { table: table_id_of(&table_id)?, buy_in }).await?
        }
        Command::LeaveTable { table_id } => game(state, GameCommand::Leave { table: table_id_of(&table_id)? }).await?,
        Command::PlaceBet { table_id, kind, amount } => {
            game(state, GameCommand::Bet { table: table_id_of(&table_id)?, kind, amount }).await?
        }
        Command::RemoveBet { table_id, bet_id } => {
            game(state, GameCommand::Remove { table: table_id_of(&table_id)?, bet_id }).await?
        }
        Command::Shutdown {} => {
            tracing::info!("shutdown requested through the control API");
            state.request_shutdown.send_replace(true);
            "node is shutting down".to_owned()
        }
    })
}

async fn game(state: &ApiState, command: GameCommand) -> Result<String, Refusal> {
    state.shared.games.command(command).await.map_err(|e| Refusal { code: e.code, message: e.message })
}

fn table_id_of(text: &str) -> Result<TableId, Refusal> {
    TableId::from_hex(text).ok_or_else(|| Refusal {
        code: ErrorCode::InvalidTableId,
        message: format!("table_id {text:?} is not 32 hex digits"),
    })
}

fn alert_refusal(e: CommandError) -> Refusal {
    let code = match &e {
        CommandError::Control(ControlError::UnknownRule(_)) => ErrorCode::UnknownRule,
        CommandError::Control(ControlError::NotActive(_)) => ErrorCode::AlertNotActive,
        CommandError::Control(ControlError::SilenceTooLong(_)) => ErrorCode::InvalidValue,
        CommandError::Rule(_) => ErrorCode::InvalidRule,
    };
    Refusal { code, message: e.to_string() }
}
