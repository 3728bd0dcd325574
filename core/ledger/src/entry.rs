//! Double-entry records: every movement of CRAP is one [`Entry`], `amount` units from `debit` to `credit`.
//!
//! Convention: the debited account's balance goes down by `amount`, the credited account's goes up, so the
//! sum of all balances never changes. Each entry carries why it happened ([`Reason`]) and where: the table, the
//! roll it belongs to (for settlements) and the bet.

use std::fmt;
use std::str::FromStr;

use bitcraps_rules::BetId;

use crate::Account;
use bitcraps_storage::TableId;

/// Why CRAP moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// New CRAP issued to an account (mint → account).
    Mint,
    /// A bet's stake into escrow (player → escrow).
    Stake,
    /// Up-front Buy/Lay commission into escrow beside the stake (player → escrow).
    CommissionHeld,
    /// Stake handed back on a win or push (escrow → player).
    Returned,
    /// Stake lost to the house (escrow → house).
    Lost,
    /// Winnings paid by the house (house → player).
    Winnings,
    /// Commission kept by the house: up-front commission on resolution (escrow → house) or commission on a win
    /// (player → house).
    Commission,
    /// Stake and up-front commission back when a bet is taken down (escrow → player).
    TakeDown,
    /// Stake and up-front commission back when the table is aborted (escrow → player).
    AbortRefund,
}

impl Reason {
    const ALL: [Reason; 9] = [
        Reason::Mint,
        Reason::Stake,
        Reason::CommissionHeld,
        Reason::Returned,
        Reason::Lost,
        Reason::Winnings,
        Reason::Commission,
        Reason::TakeDown,
        Reason::AbortRefund,
    ];

    /// The name stored in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::Mint => "mint",
            Reason::Stake => "stake",
            Reason::CommissionHeld => "commission_held",
            Reason::Returned => "returned",
            Reason::Lost => "lost",
            Reason::Winnings => "winnings",
            Reason::Commission => "commission",
            Reason::TakeDown => "take_down",
            Reason::AbortRefund => "abort_refund",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored reason this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown ledger reason {0:?}")]
pub struct UnknownReason(pub String);

impl FromStr for Reason {
    type Err = UnknownReason;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownReason(s.to_owned()))
    }
}

/// One movement: `amount` units from `debit` to `credit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The account that pays.
    pub debit: Account,
    /// The account that receives.
    pub credit: Account,
    /// Units moved; always more than zero.
    pub amount: u64,
    /// Why.
    pub reason: Reason,
    /// The table it belongs to (`None` for a mint).
    pub table: Option<TableId>,
    /// The roll that settled it (settlements only).
    pub roll: Option<u64>,
    /// The bet it belongs to.
    pub bet: Option<BetId>,
}

impl Entry {
    /// The row storage appends to `ledger_entries`.
    pub fn row(&self) -> bitcraps_storage::ledger_entries::EntryRow {
        bitcraps_storage::ledger_entries::EntryRow {
            debit: self.debit.to_string(),
            credit: self.credit.to_string(),
            amount: self.amount,
            reason: self.reason.as_str(),
            table: self.table,
            roll: self.roll,
            bet: self.bet.map(|b| b.0),
        }
    }
}

impl Entry {
    /// A movement at a table, not tied to a roll.
    pub fn at_table(debit: Account, credit: Account, amount: u64, reason: Reason, table: TableId, bet: BetId) -> Self {
        Self { debit, credit, amount, reason, table: Some(table), roll: None, bet: Some(bet) }
    }
}
