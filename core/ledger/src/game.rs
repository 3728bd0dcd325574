//! [`GameError`]: why a call on a table with money (the rules engine joined to the ledger and SQLite) was
//! refused or failed. A refused call changed nothing.

use bitcraps_rules::{BetError, PlayerId};
use bitcraps_storage::{StorageError, TableId, TableStatus};

use crate::LedgerError;

/// Why a table call was refused or failed. A refused call changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum GameError {
    /// The rules engine refused, or the player cannot cover the bet ([`BetError::InsufficientBalance`]).
    #[error(transparent)]
    Bet(#[from] BetError),
    /// Amounts come in as signed integers at the boundary; below zero is refused.
    #[error("a bet amount cannot be negative ({amount})")]
    NegativeAmount { amount: i64 },
    /// No such table.
    #[error("no table {0}")]
    UnknownTable(TableId),
    /// The table no longer plays.
    #[error("table {table} is {status}")]
    TableNotOpen { table: TableId, status: TableStatus },
    /// A seated player without an account (the seat row is missing).
    #[error("player {player} has no account at table {table}")]
    NoAccount { table: TableId, player: PlayerId },
    /// The ledger refused or is unsound.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The stored game state contradicts itself.
    #[error("game state is inconsistent: {0}")]
    Inconsistent(String),
    /// The stored engine state did not (de)serialize.
    #[error("table state: {0}")]
    State(#[from] serde_json::Error),
    /// The database failed.
    #[error("game database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Storage refused or failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl GameError {
    /// A stable machine-readable code, for `{code, message}` error bodies at the API boundary.
    pub fn code(&self) -> &'static str {
        match self {
            GameError::Bet(e) => e.code(),
            GameError::NegativeAmount { .. } => "negative_amount",
            GameError::UnknownTable(_) => "unknown_table",
            GameError::TableNotOpen { .. } => "table_not_open",
            GameError::NoAccount { .. } => "no_account",
            GameError::Ledger(_) => "ledger",
            GameError::Inconsistent(_) => "inconsistent",
            GameError::State(_) | GameError::Sqlite(_) | GameError::Storage(_) => "storage",
        }
    }
}
