//! [`ErrorCode`]: every refusal the control API can answer with, as one enum the front ends match on. The node
//! maps each to its HTTP status in one `match` (`bitcraps_node`'s `api::status_of`); on the wire it is the
//! snake_case name (`"unknown_table"`), and a code this build does not know reads as [`ErrorCode::Other`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why the API refused a request or a command.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // The request itself.
    /// No or a wrong bearer token.
    Unauthorized,
    /// The `Host` header does not name the node's API (DNS rebinding).
    ForbiddenHost,
    /// A browser page from another origin opened the events socket.
    ForbiddenOrigin,
    /// Too many sockets wait to authenticate.
    Busy,
    /// The body is not a command.
    BadCommand,
    /// A value is outside what its field allows.
    InvalidValue,
    /// A table id is not 32 hex digits.
    InvalidTableId,
    /// A bet name did not parse.
    InvalidBet,
    /// An alert rule is malformed.
    InvalidRule,
    // Alerts.
    /// No alert rule of that name.
    UnknownRule,
    /// The alert is not pending or firing.
    AlertNotActive,
    // Tables.
    /// The table protocol is not running (`net.enabled = false`).
    NotOnMesh,
    /// No table of that id is known.
    UnknownTable,
    /// The player is not seated at the table.
    NotSeated,
    /// The player is seated at the table already.
    AlreadySeated,
    /// The player's chips do not cover the bet.
    InsufficientBalance,
    // Bets the rules engine refused (see `bitcraps_rules::BetError`).
    UnknownBetKind,
    ZeroAmount,
    BelowTableMin,
    AboveTableMax,
    OddsAboveLimit,
    NoBaseBet,
    RollClosed,
    RollNotOpen,
    NotAllowedInPhase,
    IndivisibleAmount,
    UnknownBet,
    NotYourBet,
    ContractBet,
    OddsStillUp,
    AlwaysWorking,
    /// An events subscriber fell behind the ring; it reconnects with `since`.
    Lagged,
    // The node's own failures.
    /// The database failed.
    Storage,
    /// `/metrics` could not be encoded.
    MetricsEncoding,
    /// Anything else that failed inside the node.
    Internal,
    /// A code a newer node sent that this build does not know.
    #[serde(other)]
    Other,
}

impl ErrorCode {
    /// The wire name, e.g. `"unknown_table"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::ForbiddenHost => "forbidden_host",
            ErrorCode::ForbiddenOrigin => "forbidden_origin",
            ErrorCode::Busy => "busy",
            ErrorCode::BadCommand => "bad_command",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::InvalidTableId => "invalid_table_id",
            ErrorCode::InvalidBet => "invalid_bet",
            ErrorCode::InvalidRule => "invalid_rule",
            ErrorCode::UnknownRule => "unknown_rule",
            ErrorCode::AlertNotActive => "alert_not_active",
            ErrorCode::NotOnMesh => "not_on_mesh",
            ErrorCode::UnknownTable => "unknown_table",
            ErrorCode::NotSeated => "not_seated",
            ErrorCode::AlreadySeated => "already_seated",
            ErrorCode::InsufficientBalance => "insufficient_balance",
            ErrorCode::UnknownBetKind => "unknown_bet_kind",
            ErrorCode::ZeroAmount => "zero_amount",
            ErrorCode::BelowTableMin => "below_table_min",
            ErrorCode::AboveTableMax => "above_table_max",
            ErrorCode::OddsAboveLimit => "odds_above_limit",
            ErrorCode::NoBaseBet => "no_base_bet",
            ErrorCode::RollClosed => "roll_closed",
            ErrorCode::RollNotOpen => "roll_not_open",
            ErrorCode::NotAllowedInPhase => "not_allowed_in_phase",
            ErrorCode::IndivisibleAmount => "indivisible_amount",
            ErrorCode::UnknownBet => "unknown_bet",
            ErrorCode::NotYourBet => "not_your_bet",
            ErrorCode::ContractBet => "contract_bet",
            ErrorCode::OddsStillUp => "odds_still_up",
            ErrorCode::AlwaysWorking => "always_working",
            ErrorCode::Lagged => "lagged",
            ErrorCode::Storage => "storage",
            ErrorCode::MetricsEncoding => "metrics_encoding",
            ErrorCode::Internal => "internal",
            ErrorCode::Other => "other",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_name_is_the_display_name_and_unknown_codes_read_as_other() -> Result<(), serde_json::Error> {
        for code in [ErrorCode::UnknownTable, ErrorCode::NotAllowedInPhase, ErrorCode::Unauthorized] {
            assert_eq!(serde_json::to_string(&code)?, format!("\"{code}\""));
            assert_eq!(serde_json::from_str::<ErrorCode>(&format!("\"{code}\""))?, code);
        }
        assert_eq!(serde_json::from_str::<ErrorCode>("\"a_code_from_the_future\"")?, ErrorCode::Other);
        Ok(())
    }
}
