//! Craps tables with money: the rules engine ([`bitcraps_rules`]) joined to the CRAP ledger and SQLite.
//!
//! - [`GameTable`]: one table. Every call checks everything first (the engine's rules, the player's balance),
//!   then writes the engine state, the bet or roll rows and the ledger entries in one transaction, and only after
//!   the commit adopts the new state; a rejected call returns a [`GameError`] and changes nothing, in memory or
//!   on disk.
//! - [`check`]: the start-up check (ledger invariant, escrow against open bets, each roll complete).
//! - [`retention`] and [`maintenance`]: archiving or deleting old games, and the idle-time maintenance job.

pub mod check;
pub mod maintenance;
pub mod retention;
mod table;

use std::fmt;
use std::str::FromStr;

use bitcraps_rules::{BetError, PlayerId};

use crate::ledger::LedgerError;

pub use table::GameTable;

/// A table's id: its row id in `craps_tables`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableId(pub i64);

impl fmt::Display for TableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Whether a table still plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableStatus {
    /// Taking bets and rolls.
    Open,
    /// Aborted: every open bet was refunded.
    Aborted,
    /// Closed normally.
    Closed,
}

impl TableStatus {
    /// The name stored in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            TableStatus::Open => "open",
            TableStatus::Aborted => "aborted",
            TableStatus::Closed => "closed",
        }
    }
}

impl fmt::Display for TableStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TableStatus {
    type Err = GameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(TableStatus::Open),
            "aborted" => Ok(TableStatus::Aborted),
            "closed" => Ok(TableStatus::Closed),
            other => Err(GameError::Inconsistent(format!("unknown table status {other:?}"))),
        }
    }
}

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
    /// Compressing or decompressing an archive failed.
    #[error("game archive: {0}")]
    Archive(std::io::Error),
    /// The database failed.
    #[error("game database: {0}")]
    Sqlite(#[from] rusqlite::Error),
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
            GameError::State(_) | GameError::Archive(_) | GameError::Sqlite(_) => "storage",
        }
    }
}
