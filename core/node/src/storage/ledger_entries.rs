//! The `ledger_entries` table: the journal, one row per movement (`amount` from `debit` to `credit`), with why,
//! the table, the roll and the bet. Rows are never updated; they outlive archived games (they are the money's
//! record, and the start-up check re-adds them).

use rusqlite::{Connection, params};

use crate::ledger::{Entry, LedgerError, to_db_amount};

/// Creates the table.
pub const MIGRATION_3: &str = "
CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    debit TEXT NOT NULL,
    credit TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    reason TEXT NOT NULL,
    table_id INTEGER,
    roll_number INTEGER,
    bet_id INTEGER,
    CHECK (debit <> credit)
);
CREATE INDEX ledger_entries_table_roll ON ledger_entries (table_id, roll_number);
";

/// Appends one entry.
pub fn insert(conn: &Connection, e: &Entry, at_ms: u64) -> Result<(), LedgerError> {
    let roll = e.roll.map(to_db_amount).transpose()?;
    let bet = e.bet.map(|b| to_db_amount(b.0)).transpose()?;
    conn.prepare_cached(
        "INSERT INTO ledger_entries (at_ms, debit, credit, amount, reason, table_id, roll_number, bet_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        to_db_amount(at_ms)?,
        e.debit.to_string(),
        e.credit.to_string(),
        to_db_amount(e.amount)?,
        e.reason.as_str(),
        e.table.map(|t| t.0),
        roll,
        bet,
    ])?;
    Ok(())
}

/// Each account's credits minus debits over the whole journal.
pub fn net_by_account(conn: &Connection) -> rusqlite::Result<Vec<(String, i128)>> {
    let mut stmt = conn.prepare(
        "SELECT account, SUM(delta) FROM (
             SELECT credit AS account, amount AS delta FROM ledger_entries
             UNION ALL SELECT debit, -amount FROM ledger_entries
         ) GROUP BY account",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, i128::from(row.get::<_, i64>(1)?))))?;
    rows.collect()
}

/// How many entries each roll of a table posted: (roll, count).
pub fn per_roll(conn: &Connection, table_id: i64) -> rusqlite::Result<Vec<(i64, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT roll_number, count(*) FROM ledger_entries WHERE table_id = ?1 AND roll_number IS NOT NULL
         GROUP BY roll_number",
    )?;
    let rows = stmt.query_map(params![table_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}
