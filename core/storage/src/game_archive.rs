//! The `game_archive` table: games past the active window, exported as one JSON document (the table row, its
//! seats, bets and rolls) and gzip-compressed at level 6, as the runbook asks. Archives past their own window
//! are deleted. Ledger entries are never archived: they stay in `ledger_entries`.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use rusqlite::{Connection, OptionalExtension, params};

use crate::to_db_amount;
use crate::{StorageError, TableId};

/// Creates the table.
pub const MIGRATION_8: &str = "
CREATE TABLE game_archive (
    table_id INTEGER PRIMARY KEY,
    archived_at_ms INTEGER NOT NULL,
    format TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX game_archive_archived ON game_archive (archived_at_ms);
";

/// The one format written: a JSON document, gzip level 6.
pub const FORMAT: &str = "json+gzip";

/// The JSON export of one table, built by SQLite's JSON functions (`json(...)` keeps each subquery's array an
/// array rather than a string).
pub fn export_json(conn: &Connection, table: TableId) -> Result<String, StorageError> {
    let json: Option<String> = conn
        .query_row(
            "SELECT json_object(
                'table', json_object('id', t.id, 'created_at_ms', t.created_at_ms, 'updated_at_ms', t.updated_at_ms,
                                     'status', t.status, 'rules', json(t.rules), 'state', json(t.state)),
                'seats', json((SELECT json_group_array(json_object('player_id', player_id, 'account', account,
                                                              'seated_at_ms', seated_at_ms))
                          FROM seats WHERE table_id = t.id)),
                'bets', json((SELECT json_group_array(json_object('bet_id', bet_id, 'player_id', player_id, 'kind', kind,
                             'stake', stake, 'commission_held', commission_held, 'placed_for_roll', placed_for_roll,
                             'placed_at_ms', placed_at_ms, 'status', status, 'settled_roll', settled_roll,
                             'returned', returned, 'lost', lost, 'winnings', winnings, 'commission', commission))
                         FROM bets WHERE table_id = t.id)),
                'rolls', json((SELECT json_group_array(json_object('roll_number', roll_number, 'd1', d1, 'd2', d2,
                             'at_ms', at_ms, 'point_before', point_before, 'point_after', point_after,
                             'settled', settled, 'entries', entries))
                          FROM rolls WHERE table_id = t.id)))
             FROM craps_tables t WHERE t.id = ?1",
            params![table.0],
            |row| row.get(0),
        )
        .optional()?;
    json.ok_or(StorageError::UnknownTable(table))
}

/// Stores the compressed export of a table.
pub fn insert(conn: &Connection, table: TableId, json: &str, at_ms: u64) -> Result<(), StorageError> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::new(6));
    gz.write_all(json.as_bytes()).map_err(StorageError::Archive)?;
    let data = gz.finish().map_err(StorageError::Archive)?;
    conn.execute(
        "INSERT INTO game_archive (table_id, archived_at_ms, format, data) VALUES (?1, ?2, ?3, ?4)",
        params![table.0, to_db_amount(at_ms)?, FORMAT, data],
    )?;
    Ok(())
}

/// The decompressed export of an archived table.
pub fn read_json(conn: &Connection, table: TableId) -> Result<Option<String>, StorageError> {
    let data: Option<Vec<u8>> = conn
        .query_row("SELECT data FROM game_archive WHERE table_id = ?1", params![table.0], |row| row.get(0))
        .optional()?;
    let Some(data) = data else { return Ok(None) };
    let mut json = String::new();
    GzDecoder::new(data.as_slice()).read_to_string(&mut json).map_err(StorageError::Archive)?;
    Ok(Some(json))
}

/// Deletes archives made before `before_ms`; returns how many went.
pub fn delete_before(conn: &Connection, before_ms: u64) -> Result<usize, StorageError> {
    Ok(conn.execute("DELETE FROM game_archive WHERE archived_at_ms < ?1", params![to_db_amount(before_ms)?])?)
}
