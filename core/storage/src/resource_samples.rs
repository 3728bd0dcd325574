//! The `resource_samples` table: every resource sample the sampler takes, kept for the configured retention.

use bitcraps_api::ResourceSample;
use rusqlite::{Connection, params};

/// Creates the table.
pub const MIGRATION_1: &str = "
CREATE TABLE resource_samples (
    at_ms INTEGER NOT NULL,
    process_cpu_percent REAL NOT NULL,
    rss_bytes INTEGER NOT NULL,
    threads INTEGER,
    open_fds INTEGER,
    disk_read_bytes_per_s REAL NOT NULL,
    disk_write_bytes_per_s REAL NOT NULL,
    net_rx_bytes_per_s REAL NOT NULL,
    net_tx_bytes_per_s REAL NOT NULL,
    system_cpu_percent REAL NOT NULL,
    system_memory_used_bytes INTEGER NOT NULL,
    system_memory_total_bytes INTEGER NOT NULL,
    db_size_bytes INTEGER NOT NULL
);
CREATE INDEX resource_samples_at ON resource_samples (at_ms);
";

/// Adds the DB write latency p95 (`NULL` in rows from before it was measured).
pub const MIGRATION_DB_WRITE: &str = "ALTER TABLE resource_samples ADD COLUMN db_write_p95_ms REAL;";

/// Appends one sample.
pub fn insert(conn: &Connection, s: &ResourceSample) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO resource_samples VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        to_i64(s.at_ms),
        s.process_cpu_percent,
        to_i64(s.rss_bytes),
        s.threads,
        s.open_fds,
        s.disk_read_bytes_per_s,
        s.disk_write_bytes_per_s,
        s.net_rx_bytes_per_s,
        s.net_tx_bytes_per_s,
        s.system_cpu_percent,
        to_i64(s.system_memory_used_bytes),
        to_i64(s.system_memory_total_bytes),
        to_i64(s.db_size_bytes),
        s.db_write_p95_ms,
    ])?;
    Ok(())
}

/// The newest `limit` samples taken at or after `since_ms`, oldest first.
pub fn recent(conn: &Connection, since_ms: u64, limit: usize) -> rusqlite::Result<Vec<ResourceSample>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM (SELECT * FROM resource_samples WHERE at_ms >= ?1 ORDER BY at_ms DESC LIMIT ?2)
         ORDER BY at_ms ASC",
    )?;
    let rows = stmt.query_map(params![to_i64(since_ms), i64::try_from(limit).unwrap_or(i64::MAX)], from_row)?;
    rows.collect()
}

/// Every sample with `from_ms <= at_ms < to_ms`, oldest first.
pub fn between(conn: &Connection, from_ms: u64, to_ms: u64) -> rusqlite::Result<Vec<ResourceSample>> {
    let mut stmt =
        conn.prepare_cached("SELECT * FROM resource_samples WHERE at_ms >= ?1 AND at_ms < ?2 ORDER BY at_ms ASC")?;
    let rows = stmt.query_map(params![to_i64(from_ms), to_i64(to_ms)], from_row)?;
    rows.collect()
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ResourceSample> {
    Ok(ResourceSample {
        at_ms: from_i64(row.get(0)?),
        process_cpu_percent: row.get(1)?,
        rss_bytes: from_i64(row.get(2)?),
        threads: row.get(3)?,
        open_fds: row.get(4)?,
        disk_read_bytes_per_s: row.get(5)?,
        disk_write_bytes_per_s: row.get(6)?,
        net_rx_bytes_per_s: row.get(7)?,
        net_tx_bytes_per_s: row.get(8)?,
        system_cpu_percent: row.get(9)?,
        system_memory_used_bytes: from_i64(row.get(10)?),
        system_memory_total_bytes: from_i64(row.get(11)?),
        db_size_bytes: from_i64(row.get(12)?),
        db_write_p95_ms: row.get(13)?,
    })
}

/// Deletes samples older than `before_ms`; returns how many went.
pub fn delete_before(conn: &Connection, before_ms: u64) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM resource_samples WHERE at_ms < ?1", params![to_i64(before_ms)])
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn from_i64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Unix time of the oldest sample taken at or after `since_ms`.
pub fn oldest_since(conn: &Connection, since_ms: u64) -> rusqlite::Result<Option<u64>> {
    let v: Option<i64> = conn.query_row(
        "SELECT MIN(at_ms) FROM resource_samples WHERE at_ms >= ?1",
        params![to_i64(since_ms)],
        |row| row.get(0),
    )?;
    Ok(v.map(from_i64))
}
