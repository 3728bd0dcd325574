//! The `rolls` table: every roll of every table, with what it settled. A roll's row, its bets' settlements,
//! its ledger entries and the table's new state are written in one transaction, so a roll is in the database
//! completely or not at all; `settled` and `entries` let the start-up check prove it.

use bitcraps_rules::RollOutcome;
use rusqlite::{Connection, OptionalExtension, params};

use crate::to_db_amount;
use crate::{StorageError, TableId};

/// Creates the table.
pub const MIGRATION_7: &str = "
CREATE TABLE rolls (
    table_id INTEGER NOT NULL REFERENCES craps_tables (id) ON DELETE CASCADE,
    roll_number INTEGER NOT NULL,
    d1 INTEGER NOT NULL CHECK (d1 BETWEEN 1 AND 6),
    d2 INTEGER NOT NULL CHECK (d2 BETWEEN 1 AND 6),
    at_ms INTEGER NOT NULL,
    point_before INTEGER,
    point_after INTEGER,
    settled INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    PRIMARY KEY (table_id, roll_number)
) WITHOUT ROWID;
CREATE INDEX rolls_at ON rolls (at_ms);
";

/// A stored roll: its number, how many bets it settled and how many ledger entries it posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RollRow {
    pub roll_number: i64,
    pub settled: i64,
    pub entries: i64,
}

/// Records a roll that settled its bets with `entries` ledger entries.
pub fn insert(
    conn: &Connection,
    table: TableId,
    outcome: &RollOutcome,
    entries: usize,
    at_ms: u64,
) -> Result<(), StorageError> {
    conn.prepare_cached(
        "INSERT INTO rolls (table_id, roll_number, d1, d2, at_ms, point_before, point_after, settled, entries)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        table.0,
        to_db_amount(outcome.roll_number)?,
        outcome.dice.d1(),
        outcome.dice.d2(),
        to_db_amount(at_ms)?,
        outcome.phase_before.point().map(|p| p.number()),
        outcome.phase_after.point().map(|p| p.number()),
        i64::try_from(outcome.resolutions.len()).unwrap_or(i64::MAX),
        i64::try_from(entries).unwrap_or(i64::MAX),
    ])?;
    Ok(())
}

/// Every roll of a table, in order.
pub fn of_table(conn: &Connection, table: TableId) -> rusqlite::Result<Vec<RollRow>> {
    let mut stmt =
        conn.prepare("SELECT roll_number, settled, entries FROM rolls WHERE table_id = ?1 ORDER BY roll_number")?;
    let rows = stmt.query_map(params![table.0], |row| {
        Ok(RollRow { roll_number: row.get(0)?, settled: row.get(1)?, entries: row.get(2)? })
    })?;
    rows.collect()
}

/// When the newest roll of any table was committed (`None` before the first).
pub fn last_at_ms(conn: &Connection) -> rusqlite::Result<Option<u64>> {
    let last: Option<i64> = conn.query_row("SELECT max(at_ms) FROM rolls", [], |row| row.get(0)).optional()?.flatten();
    Ok(last.map(|v| u64::try_from(v).unwrap_or(0)))
}
