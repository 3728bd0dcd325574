//! The ids and amounts rows are keyed by: a local table's row id and status, and the conversion of the
//! protocol's unsigned amounts to SQLite's signed integers.

use std::fmt;
use std::str::FromStr;

use crate::StorageError;

/// A local table's id: its row id in `craps_tables`.
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
    type Err = StorageError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(TableStatus::Open),
            "aborted" => Ok(TableStatus::Aborted),
            "closed" => Ok(TableStatus::Closed),
            other => Err(StorageError::Inconsistent(format!("unknown table status {other:?}"))),
        }
    }
}

/// Converts an amount to the database's integer type.
pub fn to_db_amount(amount: u64) -> Result<i64, StorageError> {
    i64::try_from(amount).map_err(|_| StorageError::AmountTooLarge { amount })
}
