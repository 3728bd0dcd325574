//! The `metric_summaries` table: one row per metric and minute with min/avg/max/p95 of the raw resource samples,
//! kept 30 days (the raw rows in `resource_samples` are kept 7). Written by the downsampling job
//! (`crate::metrics_store`).

use rusqlite::{Connection, params};

/// Creates the table. `WITHOUT ROWID` keyed by (metric, minute): one B-tree, no separate index.
pub const MIGRATION: &str = "
CREATE TABLE metric_summaries (
    metric INTEGER NOT NULL,
    minute_ms INTEGER NOT NULL,
    min REAL NOT NULL,
    avg REAL NOT NULL,
    max REAL NOT NULL,
    p95 REAL NOT NULL,
    samples INTEGER NOT NULL,
    PRIMARY KEY (metric, minute_ms)
) WITHOUT ROWID;
";

/// One summary row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub minute_ms: u64,
    pub min: f64,
    pub avg: f64,
    pub max: f64,
    pub p95: f64,
    pub samples: u32,
}

/// Inserts (or replaces) the summary of `metric` (its index in the store's metric list).
pub fn upsert(conn: &Connection, metric: u32, s: &Summary) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO metric_summaries VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?
        .execute(params![metric, to_i64(s.minute_ms), s.min, s.avg, s.max, s.p95, s.samples])?;
    Ok(())
}

/// Summaries of `metric` with `from_ms <= minute < to_ms`, oldest first.
pub fn range(conn: &Connection, metric: u32, from_ms: u64, to_ms: u64) -> rusqlite::Result<Vec<Summary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT minute_ms, min, avg, max, p95, samples FROM metric_summaries
         WHERE metric = ?1 AND minute_ms >= ?2 AND minute_ms < ?3 ORDER BY minute_ms",
    )?;
    let rows = stmt.query_map(params![metric, to_i64(from_ms), to_i64(to_ms)], |row| {
        Ok(Summary {
            minute_ms: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0),
            min: row.get(1)?,
            avg: row.get(2)?,
            max: row.get(3)?,
            p95: row.get(4)?,
            samples: row.get(5)?,
        })
    })?;
    rows.collect()
}

/// The newest minute summarized for `metric` (a primary-key lookup: no scan, so no pages of the table are touched).
pub fn last_minute(conn: &Connection, metric: u32) -> rusqlite::Result<Option<u64>> {
    let v: Option<i64> =
        conn.query_row("SELECT MAX(minute_ms) FROM metric_summaries WHERE metric = ?1", params![metric], |row| {
            row.get(0)
        })?;
    Ok(v.and_then(|v| u64::try_from(v).ok()))
}

/// Deletes the summaries of metrics `0..metrics` older than `before_ms` (one primary-key range per metric).
pub fn delete_before(conn: &Connection, metrics: u32, before_ms: u64) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare_cached("DELETE FROM metric_summaries WHERE metric = ?1 AND minute_ms < ?2")?;
    (0..metrics).map(|metric| stmt.execute(params![metric, to_i64(before_ms)])).sum()
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
