//! The `craps_tables` table: one row per table, with its rules and the rules engine's state as of the last
//! committed change.
//!
//! Reload after a restart reads `state` (the engine's `Table`, serialized with its `serde` feature) rather than
//! replaying rolls: every transaction that changes the table (seat, bet, take-down, roll) rewrites `state` beside
//! its other rows, so the blob is always exactly as current as the ledger. The start-up check compares the
//! blob's open bets with the `bets` rows and escrow.

use bitcraps_rules::{Table, TableRules};
use rusqlite::{Connection, OptionalExtension, params};

use crate::to_db_amount;
use crate::{StorageError, TableId, TableStatus};

/// Creates the table.
pub const MIGRATION_4: &str = "
CREATE TABLE craps_tables (
    id INTEGER PRIMARY KEY,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'aborted', 'closed')),
    rules TEXT NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX craps_tables_updated ON craps_tables (updated_at_ms);
";

/// A stored table.
#[derive(Debug, Clone)]
pub struct TableRow {
    pub id: TableId,
    pub created_at_ms: u64,
    pub updated_at_ms: u64,
    pub status: TableStatus,
    pub table: Table,
}

/// Inserts a new open table; returns its id.
pub fn insert(conn: &Connection, table: &Table, at_ms: u64) -> Result<TableId, StorageError> {
    let at = to_db_amount(at_ms)?;
    conn.prepare_cached(
        "INSERT INTO craps_tables (created_at_ms, updated_at_ms, status, rules, state) VALUES (?1, ?1, 'open', ?2, ?3)",
    )?
    .execute(params![at, serde_json::to_string(table.rules())?, serde_json::to_string(table)?])?;
    Ok(TableId(conn.last_insert_rowid()))
}

/// Rewrites the engine state (and status) of a table.
pub fn save(
    conn: &Connection,
    id: TableId,
    status: TableStatus,
    table: &Table,
    at_ms: u64,
) -> Result<(), StorageError> {
    let changed = conn
        .prepare_cached("UPDATE craps_tables SET state = ?2, status = ?3, updated_at_ms = ?4 WHERE id = ?1")?
        .execute(params![id.0, serde_json::to_string(table)?, status.as_str(), to_db_amount(at_ms)?])?;
    if changed == 0 { Err(StorageError::UnknownTable(id)) } else { Ok(()) }
}

/// One table, if it exists.
pub fn get(conn: &Connection, id: TableId) -> Result<Option<TableRow>, StorageError> {
    let raw = conn
        .prepare_cached("SELECT created_at_ms, updated_at_ms, status, state FROM craps_tables WHERE id = ?1")?
        .query_row(params![id.0], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get::<_, String>(2)?, row.get::<_, String>(3)?))
        })
        .optional()?;
    let Some((created, updated, status, state)) = raw else { return Ok(None) };
    Ok(Some(TableRow {
        id,
        created_at_ms: u64::try_from(created).unwrap_or(0),
        updated_at_ms: u64::try_from(updated).unwrap_or(0),
        status: status.parse()?,
        table: serde_json::from_str(&state)?,
    }))
}

/// Every table id, oldest first.
pub fn ids(conn: &Connection) -> rusqlite::Result<Vec<TableId>> {
    let mut stmt = conn.prepare("SELECT id FROM craps_tables ORDER BY id")?;
    let rows = stmt.query_map([], |row| row.get(0).map(TableId))?;
    rows.collect()
}

/// Tables untouched since before `before_ms` that hold no open bet, oldest first, at most `limit`.
pub fn idle_before(conn: &Connection, before_ms: u64, limit: usize) -> Result<Vec<TableId>, StorageError> {
    let mut stmt = conn.prepare(
        "SELECT id FROM craps_tables t WHERE updated_at_ms < ?1
           AND NOT EXISTS (SELECT 1 FROM bets b WHERE b.table_id = t.id AND b.status = 'open')
         ORDER BY updated_at_ms LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![to_db_amount(before_ms)?, i64::try_from(limit).unwrap_or(i64::MAX)], |row| {
        row.get(0).map(TableId)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The rules a table was opened with (kept beside the state for queries and exports).
pub fn rules(conn: &Connection, id: TableId) -> Result<TableRules, StorageError> {
    let text: String =
        conn.query_row("SELECT rules FROM craps_tables WHERE id = ?1", params![id.0], |row| row.get(0))?;
    Ok(serde_json::from_str(&text)?)
}

/// Deletes a table; its seats, bets and rolls go with it (ON DELETE CASCADE). Ledger entries stay.
pub fn delete(conn: &Connection, id: TableId) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM craps_tables WHERE id = ?1", params![id.0])?;
    Ok(())
}
