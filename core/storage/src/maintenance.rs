//! The idle-time maintenance: game retention ([`crate::retention`]), incremental VACUUM and `PRAGMA optimize`,
//! due when no roll has been committed for `games.idle_minutes` and the last run is at least
//! `games.maintenance_interval_hours` old.
//!
//! [`is_due`] and [`run`] take the time as an argument; the node's maintenance task reads the clock.
//! A database created before incremental auto-vacuum was switched on is converted once, by a full `VACUUM`.

use rusqlite::Connection;

use crate::retention::{self, RetentionReport};
use crate::{GamesConfig, StorageError};

/// Pages freed by one incremental VACUUM step at most (4 MiB of 4 KiB pages).
pub const VACUUM_PAGES: u32 = 1024;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MaintenanceReport {
    /// The retention pass.
    pub retention: RetentionReport,
    /// Free pages before and after the VACUUM step.
    pub free_pages_before: i64,
    pub free_pages_after: i64,
    /// A full VACUUM converted the database to incremental auto-vacuum.
    pub converted: bool,
}

/// Is maintenance due at `now_ms`, given when the last roll was committed and when maintenance last ran?
pub fn is_due(now_ms: u64, last_roll_ms: Option<u64>, last_run_ms: Option<u64>, config: &GamesConfig) -> bool {
    let idle = last_roll_ms.is_none_or(|t| now_ms.saturating_sub(t) >= config.idle_minutes.saturating_mul(60_000));
    let interval_ms = config.maintenance_interval_hours.saturating_mul(3_600_000);
    let rested = last_run_ms.is_none_or(|t| now_ms.saturating_sub(t) >= interval_ms);
    idle && rested
}

/// Runs maintenance as of `now_ms`.
pub fn run(conn: &mut Connection, now_ms: u64, config: &GamesConfig) -> Result<MaintenanceReport, StorageError> {
    let retention = retention::apply(conn, now_ms, config)?;
    let free_pages_before: i64 = conn.query_row("PRAGMA freelist_count", [], |row| row.get(0))?;
    let mode: i64 = conn.query_row("PRAGMA auto_vacuum", [], |row| row.get(0))?;
    let converted = mode != 2;
    if converted {
        conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL; VACUUM;")?;
    } else {
        conn.execute_batch(&format!("PRAGMA incremental_vacuum({VACUUM_PAGES});"))?;
    }
    let free_pages_after: i64 = conn.query_row("PRAGMA freelist_count", [], |row| row.get(0))?;
    conn.execute_batch("PRAGMA optimize;")?;
    Ok(MaintenanceReport { retention, free_pages_before, free_pages_after, converted })
}
