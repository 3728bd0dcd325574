//! The start-up check: the ledger invariant ([`crate::store::verify`]) and the game state around it.
//!
//! For every table: escrow holds exactly what its open bets hold; an open table's engine state lists exactly
//! the open bet rows; its rolls are numbered `0..open_roll` without a gap; and each roll settled as many bets and
//! posted as many ledger entries as its row says. Together these prove every roll was committed completely or
//! not at all. Escrow of tables no longer stored (archived or deleted) is empty.

use std::collections::BTreeMap;

use rusqlite::Connection;

use crate::{Account, postings, store};
use crate::{GameError, TableId, TableStatus};
use bitcraps_storage::{bets, craps_tables, ledger_entries, rolls};

/// What the check saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckReport {
    /// Units ever minted (and held, in total, by players, escrow and the house).
    pub minted: i128,
    /// Tables checked.
    pub tables: usize,
    /// Rolls checked.
    pub rolls: usize,
}

/// Runs every check; the first failure is the error.
pub fn check_store(conn: &Connection) -> Result<CheckReport, GameError> {
    let book = store::verify(conn)?;
    let ids = craps_tables::ids(conn)?;
    let mut roll_count = 0;
    for &id in &ids {
        roll_count += check_table(conn, id, book.balance(&Account::Escrow(id)))?;
    }
    for (account, balance) in book.balances() {
        if let Account::Escrow(table) = account
            && balance != 0
            && ids.binary_search(table).is_err()
        {
            return Err(bad(format!("escrow of table {table}, which is no longer stored, holds {balance}")));
        }
    }
    Ok(CheckReport { minted: book.minted(), tables: ids.len(), rolls: roll_count })
}

fn check_table(conn: &Connection, id: TableId, escrow: i64) -> Result<usize, GameError> {
    let row = craps_tables::get(conn, id)?.ok_or(GameError::UnknownTable(id))?;
    let open = bets::open_escrow(conn, id)?;
    let held: u128 = open.iter().map(|(_, amount)| u128::from(*amount)).sum();
    if i128::try_from(held).ok() != Some(i128::from(escrow)) {
        return Err(bad(format!("table {id}: escrow holds {escrow} but its open bets hold {held}")));
    }
    if row.status == TableStatus::Open {
        let engine: Vec<(u64, u64)> = row.table.bets().iter().map(|b| (b.id.0, postings::escrowed(b))).collect();
        if engine != open {
            return Err(bad(format!("table {id}: the engine state's open bets differ from the bet rows")));
        }
    } else if !open.is_empty() {
        return Err(bad(format!("table {id} is {} but has open bets", row.status)));
    }
    let rolls = rolls::of_table(conn, id)?;
    let expected = row.table.open_roll();
    let numbered = rolls.iter().enumerate().all(|(i, r)| u64::try_from(r.roll_number).ok() == Some(i as u64));
    if !numbered || rolls.len() as u64 != expected {
        return Err(bad(format!("table {id}: {} roll rows but the engine state is at roll {expected}", rolls.len())));
    }
    let settled: BTreeMap<i64, i64> = bets::settled_per_roll(conn, id)?.into_iter().collect();
    let entries: BTreeMap<i64, i64> = ledger_entries::per_roll(conn, id.0)?.into_iter().collect();
    for r in &rolls {
        let s = settled.get(&r.roll_number).copied().unwrap_or(0);
        let e = entries.get(&r.roll_number).copied().unwrap_or(0);
        if s != r.settled || e != r.entries {
            return Err(bad(format!(
                "table {id} roll {}: {s} bets settled and {e} ledger entries, the roll row says {} and {}",
                r.roll_number, r.settled, r.entries
            )));
        }
    }
    let stored = 0..i64::try_from(rolls.len()).unwrap_or(i64::MAX);
    if settled.keys().chain(entries.keys()).any(|roll| !stored.contains(roll)) {
        return Err(bad(format!("table {id}: settlements or ledger entries name a roll that is not stored")));
    }
    Ok(rolls.len())
}

fn bad(message: String) -> GameError {
    GameError::Inconsistent(message)
}
