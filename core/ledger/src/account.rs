//! Ledger accounts: who can hold CRAP, and how each account is named in the database.
//!
//! | account            | key               | balance                                                        |
//! |--------------------|-------------------|----------------------------------------------------------------|
//! | [`Account::Mint`]  | `mint`            | minus everything ever minted: the only account that is negative |
//! | [`Account::House`] | `house`           | the bank: takes lost stakes and commission, pays winnings       |
//! | [`Account::Escrow`]| `escrow:<table>`  | stakes and up-front commission of a table's open bets           |
//! | [`Account::Player`]| `player:<name>`   | a player's free balance                                         |
//!
//! Player and escrow balances never go below zero (the ledger refuses, and the `accounts` table's CHECK
//! constraint would too). The house may: it is the bank, and a bank that pays more than it holds is a liability
//! the supply check still balances.

use std::fmt;
use std::str::FromStr;

use bitcraps_storage::TableId;

/// One account of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    /// The issuer: debited by every mint, so its balance is minus the supply.
    Mint,
    /// The house bank.
    House,
    /// A table's escrow.
    Escrow(TableId),
    /// A player's balance, by name (a peer's key once the mesh exists).
    Player(String),
}

/// A string that is not an account key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key:?} is not a ledger account (mint, house, escrow:<table>, player:<name>)")]
pub struct BadAccount {
    /// The key that was given.
    pub key: String,
}

impl Account {
    /// A player's account; the name must be non-empty, at most 128 bytes, with no control characters.
    pub fn player(name: &str) -> Result<Self, BadAccount> {
        let ok = !name.is_empty() && name.len() <= 128 && !name.chars().any(char::is_control);
        if ok { Ok(Account::Player(name.to_owned())) } else { Err(BadAccount { key: format!("player:{name}") }) }
    }

    /// Whether the balance may be negative (mint always is; the house may be).
    pub const fn may_go_negative(&self) -> bool {
        matches!(self, Account::Mint | Account::House)
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Account::Mint => f.write_str("mint"),
            Account::House => f.write_str("house"),
            Account::Escrow(table) => write!(f, "escrow:{}", table.0),
            Account::Player(name) => write!(f, "player:{name}"),
        }
    }
}

impl FromStr for Account {
    type Err = BadAccount;

    fn from_str(key: &str) -> Result<Self, Self::Err> {
        let bad = || BadAccount { key: key.to_owned() };
        match key {
            "mint" => Ok(Account::Mint),
            "house" => Ok(Account::House),
            _ => {
                if let Some(id) = key.strip_prefix("escrow:") {
                    return id.parse::<i64>().map(|id| Account::Escrow(TableId(id))).map_err(|_| bad());
                }
                match key.strip_prefix("player:") {
                    Some(name) => Account::player(name).map_err(|_| bad()),
                    None => Err(bad()),
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for account in [Account::Mint, Account::House, Account::Escrow(TableId(7)), Account::player("alice").unwrap()] {
            assert_eq!(account.to_string().parse::<Account>().unwrap(), account);
        }
        for bad in ["", "bank", "escrow:x", "player:", "player:a\nb"] {
            assert!(bad.parse::<Account>().is_err(), "{bad:?}");
        }
    }
}
