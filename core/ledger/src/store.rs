//! The ledger in SQLite: posting a batch of entries inside the caller's transaction, balances, minting, and the
//! start-up check of the invariant.
//!
//! Balances are materialized in `accounts` (so a bet's balance check is one indexed read) and every movement is a
//! row of `ledger_entries`; [`verify`] re-adds the journal and compares.

use std::collections::BTreeMap;

use rusqlite::Connection;

use crate::{Account, Book, Entry, LedgerError, Reason, apply_change, net_changes};
use bitcraps_storage::{accounts, ledger_entries};

/// Posts `entries` at `at_ms`: appends them to the journal and applies each account's net change, refusing the
/// whole batch (with nothing written by it) on an overdraft. Run it inside a transaction so that a refusal or a
/// later error rolls back what was written.
pub fn post(conn: &Connection, entries: &[Entry], at_ms: u64) -> Result<(), LedgerError> {
    let changes = net_changes(entries)?;
    let mut after = Vec::with_capacity(changes.len());
    for (account, change) in changes {
        let balance = accounts::balance(conn, &account.to_string())?;
        after.push((account.to_string(), apply_change(&account, balance, change)?));
    }
    let rows: Vec<ledger_entries::EntryRow> = entries.iter().map(Entry::row).collect();
    ledger_entries::insert_all(conn, &rows, at_ms)?;
    for (account, balance) in after {
        accounts::set_balance(conn, &account, balance)?;
    }
    Ok(())
}

/// The balance of `account` (zero if it never held anything).
pub fn balance(conn: &Connection, account: &Account) -> Result<i64, LedgerError> {
    Ok(accounts::balance(conn, &account.to_string())?)
}

/// Mints `amount` new units into `account` in a transaction of its own.
pub fn mint(conn: &mut Connection, account: &Account, amount: u64, at_ms: u64) -> Result<(), LedgerError> {
    bitcraps_storage::to_db_amount(amount)?;
    let entry = Entry {
        debit: Account::Mint,
        credit: account.clone(),
        amount,
        reason: Reason::Mint,
        table: None,
        roll: None,
        bet: None,
    };
    let tx = conn.transaction()?;
    post(&tx, &[entry], at_ms)?;
    tx.commit()?;
    Ok(())
}

/// Every stored balance, as a [`Book`].
pub fn load_book(conn: &Connection) -> Result<Book, LedgerError> {
    let rows = accounts::all(conn)?;
    let mut balances = Vec::with_capacity(rows.len());
    for (key, balance) in rows {
        let account = key.parse::<Account>().map_err(|e| LedgerError::Malformed(e.to_string()))?;
        balances.push((account, balance));
    }
    Ok(Book::from_balances(balances))
}

/// Checks the ledger: every stored balance equals its journal (credits minus debits), no player or escrow
/// balance is negative, and all balances sum to zero (what players, escrow and the house hold is exactly what
/// was minted). Returns the book it checked.
pub fn verify(conn: &Connection) -> Result<Book, LedgerError> {
    let book = load_book(conn)?;
    let journal: BTreeMap<String, i128> = ledger_entries::net_by_account(conn)?.into_iter().collect();
    for (account, balance) in book.balances() {
        let key = account.to_string();
        let from_journal = journal.get(&key).copied().unwrap_or(0);
        if i128::from(balance) != from_journal {
            return Err(LedgerError::JournalMismatch { account: key, stored: balance.into(), journal: from_journal });
        }
        if balance < 0 && !account.may_go_negative() {
            return Err(LedgerError::Negative { account: key, balance });
        }
    }
    for (key, from_journal) in &journal {
        let known = key.parse::<Account>().map_err(|e| LedgerError::Malformed(e.to_string()))?;
        if book.balance(&known) == 0 && *from_journal != 0 {
            return Err(LedgerError::JournalMismatch { account: key.clone(), stored: 0, journal: *from_journal });
        }
    }
    if book.supply() != book.minted() {
        return Err(LedgerError::SupplyChanged { supply: book.supply(), minted: book.minted() });
    }
    Ok(book)
}
