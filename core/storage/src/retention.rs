//! Game history retention: games untouched for `games.active_days` (and holding no open bet) leave the live
//! tables — archived (JSON, gzip level 6, into `game_archive`) or deleted, per `games.retention` — and archives
//! older than `games.archive_days` are deleted. Ledger entries are never touched.
//!
//! Work is done in batches of [`BATCH`] tables, one transaction per table, so the database lock is held briefly.

use rusqlite::Connection;

use crate::{GameRetention, GamesConfig, StorageError, craps_tables, game_archive};

/// Tables handled per run at most; the next run takes the rest.
pub const BATCH: usize = 100;

const DAY_MS: u64 = 24 * 3_600_000;

/// What one retention pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// Games moved into the archive.
    pub archived: usize,
    /// Games deleted outright.
    pub deleted: usize,
    /// Archives deleted after their own window.
    pub archives_purged: usize,
}

/// Applies the retention policy as of `now_ms`.
pub fn apply(conn: &mut Connection, now_ms: u64, config: &GamesConfig) -> Result<RetentionReport, StorageError> {
    let mut report = RetentionReport::default();
    let cutoff = now_ms.saturating_sub(config.active_days.saturating_mul(DAY_MS));
    for id in craps_tables::idle_before(conn, cutoff, BATCH)? {
        let tx = conn.transaction()?;
        if config.retention == GameRetention::Archive {
            let json = game_archive::export_json(&tx, id)?;
            game_archive::insert(&tx, id, &json, now_ms)?;
            report.archived += 1;
        } else {
            report.deleted += 1;
        }
        craps_tables::delete(&tx, id)?;
        tx.commit()?;
    }
    let archive_cutoff = now_ms.saturating_sub(config.archive_days.saturating_mul(DAY_MS));
    report.archives_purged = game_archive::delete_before(conn, archive_cutoff)?;
    Ok(report)
}
