//! The CRAP ledger, above storage: balances in the token's smallest unit (integers only), double-entry records of every
//! movement, and the supply invariant.
//!
//! - [`Account`]: mint, house, a table's escrow, a player.
//! - [`Entry`] / [`Reason`]: one movement, `amount` from `debit` to `credit`, with why, the table, the roll and
//!   the bet.
//! - [`postings`]: what the rules engine's placements, take-downs, rolls and aborts mean as entries (pure).
//! - [`Book`]: balances in memory, posted batch by batch, all-or-nothing.
//! - [`store`]: the same in SQLite (`accounts` and `ledger_entries`), inside the caller's transaction, and
//!   [`store::verify`], the check every node start runs.
//!
//! - [`check`]: the start-up check (the invariant below, escrow against open bets, each roll complete).
//! - [`GameError`]: why a call on a table with money was refused; [`GameTable`] (a local table: the rules engine
//!   joined to the ledger, one transaction per change) is a test fixture behind the `testing` feature.
//!
//! **Rule:** the ledger sits on `bitcraps-storage` and the rules engine only: no network, no table protocol, no
//! node. It writes through storage's per-table modules inside the caller's transaction.
//!
//! **Invariant:** the sum of all balances is zero: the mint's balance is minus everything minted, so players,
//! escrow and the house together always hold exactly what was minted. Every stored balance equals its
//! credits minus its debits in the journal, and no player or escrow balance is negative.

mod account;
mod book;
pub mod check;
mod entry;
mod game;
#[cfg(feature = "testing")]
mod game_table;
pub mod postings;
pub mod store;

pub use account::{Account, BadAccount};
pub use bitcraps_storage::{TableId, TableStatus};
pub use book::{Book, apply_change, net_changes};
pub use entry::{Entry, Reason, UnknownReason};
pub use game::GameError;
#[cfg(feature = "testing")]
pub use game_table::GameTable;

/// Why the ledger refused a batch, or found itself unsound.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// A batch would take a player or escrow account below zero.
    #[error("account {account} holds {balance} but the batch takes {needed} from it")]
    Overdraft { account: String, balance: i64, needed: u64 },
    /// A balance would leave the range of a signed 64-bit integer.
    #[error("account {account}: balance out of range")]
    Overflow { account: String },
    /// Entries move more than zero units.
    #[error("a ledger entry ({reason}) must move more than zero")]
    ZeroEntry { reason: Reason },
    /// Entries move between two different accounts.
    #[error("a ledger entry cannot move from {account} to itself")]
    SelfTransfer { account: String },
    /// An amount does not fit the database's signed 64-bit integers.
    #[error("amount {amount} is too large for the ledger")]
    AmountTooLarge { amount: u64 },
    /// A stored account key or reason did not parse.
    #[error("stored ledger data is malformed: {0}")]
    Malformed(String),
    /// The supply invariant does not hold.
    #[error("supply is not conserved: accounts hold {supply} but {minted} were minted")]
    SupplyChanged { supply: i128, minted: i128 },
    /// A stored balance disagrees with its journal.
    #[error("account {account} holds {stored} but its ledger entries add up to {journal}")]
    JournalMismatch { account: String, stored: i128, journal: i128 },
    /// A balance that may not be negative is.
    #[error("account {account} is negative ({balance})")]
    Negative { account: String, balance: i64 },
    /// The database failed.
    #[error("ledger database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Storage refused or failed.
    #[error(transparent)]
    Storage(#[from] bitcraps_storage::StorageError),
}
