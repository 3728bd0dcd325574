//! The in-memory book: balances by account, changed only by posting whole batches of entries.
//!
//! [`Book::post`] applies a batch all-or-nothing: it first computes each account's net change ([`net_changes`]),
//! refuses the batch if any player or escrow balance would go below zero or any balance would overflow, and only
//! then applies it. The SQLite ledger ([`crate::store`]) posts the same net changes inside a transaction,
//! so both books agree entry for entry.

use std::collections::BTreeMap;

use crate::{Account, Entry, LedgerError};

/// Each account's net change from a batch of entries (credits minus debits), accounts in order.
pub fn net_changes(entries: &[Entry]) -> Result<BTreeMap<Account, i128>, LedgerError> {
    let mut changes: BTreeMap<Account, i128> = BTreeMap::new();
    for e in entries {
        if e.amount == 0 {
            return Err(LedgerError::ZeroEntry { reason: e.reason });
        }
        if e.debit == e.credit {
            return Err(LedgerError::SelfTransfer { account: e.debit.to_string() });
        }
        *changes.entry(e.debit.clone()).or_default() -= i128::from(e.amount);
        *changes.entry(e.credit.clone()).or_default() += i128::from(e.amount);
    }
    Ok(changes)
}

/// The balance `account` would have after `change`, or why it may not.
pub fn apply_change(account: &Account, balance: i64, change: i128) -> Result<i64, LedgerError> {
    let after = i128::from(balance) + change;
    let after = i64::try_from(after).map_err(|_| LedgerError::Overflow { account: account.to_string() })?;
    if after < 0 && !account.may_go_negative() {
        let needed = u64::try_from(-change).unwrap_or(u64::MAX);
        return Err(LedgerError::Overdraft { account: account.to_string(), balance, needed });
    }
    Ok(after)
}

/// Balances by account. Accounts never posted to have balance zero.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Book {
    balances: BTreeMap<Account, i64>,
}

impl Book {
    /// An empty book: nothing minted.
    pub fn new() -> Self {
        Self::default()
    }

    /// A book holding these balances (as loaded from storage).
    pub fn from_balances(balances: impl IntoIterator<Item = (Account, i64)>) -> Self {
        Self { balances: balances.into_iter().collect() }
    }

    /// The balance of `account`.
    pub fn balance(&self, account: &Account) -> i64 {
        self.balances.get(account).copied().unwrap_or(0)
    }

    /// Every account with its balance.
    pub fn balances(&self) -> impl Iterator<Item = (&Account, i64)> {
        self.balances.iter().map(|(a, b)| (a, *b))
    }

    /// Units ever minted: minus the mint's balance.
    pub fn minted(&self) -> i128 {
        -i128::from(self.balance(&Account::Mint))
    }

    /// Units held by every account but the mint; equals [`Book::minted`] while the ledger is sound.
    pub fn supply(&self) -> i128 {
        self.balances.iter().filter(|(a, _)| **a != Account::Mint).map(|(_, b)| i128::from(*b)).sum()
    }

    /// Posts a batch all-or-nothing.
    pub fn post(&mut self, entries: &[Entry]) -> Result<(), LedgerError> {
        let changes = net_changes(entries)?;
        let mut after = Vec::with_capacity(changes.len());
        for (account, change) in changes {
            let balance = apply_change(&account, self.balance(&account), change)?;
            after.push((account, balance));
        }
        self.balances.extend(after);
        Ok(())
    }
}
