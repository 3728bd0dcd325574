//! The `alert_history` table: every alert transition (firing, severity change, resolve, ack, silence), kept for
//! the summaries' retention.

use bitcraps_api::AlertHistoryEntry;
use rusqlite::{Connection, params};

/// Creates the table.
pub const MIGRATION: &str = "
CREATE TABLE alert_history (
    at_ms INTEGER NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    event TEXT NOT NULL,
    value REAL NOT NULL,
    threshold REAL NOT NULL
);
CREATE INDEX alert_history_at ON alert_history (at_ms);
";

/// Appends one entry.
pub fn insert(conn: &Connection, e: &AlertHistoryEntry) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO alert_history VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(params![
        i64::try_from(e.at_ms).unwrap_or(i64::MAX),
        e.rule,
        e.severity,
        e.event,
        e.value,
        e.threshold
    ])?;
    Ok(())
}

/// The newest `limit` entries, newest first.
pub fn recent(conn: &Connection, limit: usize) -> rusqlite::Result<Vec<AlertHistoryEntry>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM alert_history ORDER BY at_ms DESC, rowid DESC LIMIT ?1")?;
    let rows = stmt.query_map(params![i64::try_from(limit).unwrap_or(i64::MAX)], |row| {
        Ok(AlertHistoryEntry {
            at_ms: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0),
            rule: row.get(1)?,
            severity: row.get(2)?,
            event: row.get(3)?,
            value: row.get(4)?,
            threshold: row.get(5)?,
        })
    })?;
    rows.collect()
}

/// Deletes entries older than `before_ms`.
pub fn delete_before(conn: &Connection, before_ms: u64) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM alert_history WHERE at_ms < ?1", params![i64::try_from(before_ms).unwrap_or(i64::MAX)])
}
