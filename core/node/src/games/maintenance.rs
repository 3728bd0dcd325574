//! The idle-time maintenance job: game retention ([`super::retention`]), incremental VACUUM and
//! `PRAGMA optimize`, run when no roll has been committed for `games.idle_minutes` and the last run is at least
//! `games.maintenance_interval_hours` old.
//!
//! [`is_due`] and [`run`] take the time as an argument; only the task loop in [`spawn`] reads the clock.
//! A database created before incremental auto-vacuum was switched on is converted once, by a full `VACUUM`.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::watch;

use crate::config::GamesConfig;
use crate::games::GameError;
use crate::games::retention::{self, RetentionReport};
use crate::state::{Shared, now_ms};
use crate::storage::rolls;

/// How often the task looks whether maintenance is due.
pub const CHECK_EVERY: Duration = Duration::from_secs(60);

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
pub fn run(conn: &mut Connection, now_ms: u64, config: &GamesConfig) -> Result<MaintenanceReport, GameError> {
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

/// Runs the job on the node's database until shutdown: a check every [`CHECK_EVERY`].
pub fn spawn(
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    config: GamesConfig,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_run_ms = None;
        loop {
            if tokio::time::timeout(CHECK_EVERY, shutdown.wait_for(|stop| *stop)).await.is_ok() {
                return;
            }
            let shared = shared.clone();
            let config = config.clone();
            let ran = tokio::task::spawn_blocking(move || {
                let now = now_ms();
                let mut db = shared.db();
                let due = rolls::last_at_ms(&db).map(|last_roll| is_due(now, last_roll, last_run_ms, &config));
                match due {
                    Ok(true) => (Some(now), run(&mut db, now, &config).map(Some)),
                    Ok(false) => (None, Ok(None)),
                    Err(e) => (None, Err(GameError::from(e))),
                }
            })
            .await;
            match ran {
                // A failed run counts as a run too: it is retried after the interval, not every minute.
                Ok((at, result)) => {
                    last_run_ms = at.or(last_run_ms);
                    match result {
                        Ok(Some(report)) => tracing::info!(?report, "database maintenance done"),
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e, "database maintenance failed"),
                    }
                }
                Err(e) => tracing::warn!(error = %e, "database maintenance task failed"),
            }
        }
    })
}
