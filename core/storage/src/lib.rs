//! SQLite storage, the bottom layer: one database file in the data dir, opened with the runbook's pragmas,
//! versioned migrations, one module per table, the idle-time maintenance, and [`Db`], the shared handle.
//!
//! **Rule:** this crate knows rows, not meaning. It imports no domain crate (ledger, net, table protocol, node):
//! only the pure data crates `bitcraps-api`, `bitcraps-rules` and `bitcraps-wire`. The ids and amounts it needs
//! live here ([`TableId`], [`TableStatus`], [`to_db_amount`]); its errors are its own ([`StorageError`]).
//!
//! Each table lives in a module of its own with its migration beside it; [`MIGRATIONS`] lists them in order and
//! `PRAGMA user_version` records how many have been applied. (`rusqlite_migration` does the same but pins an older
//! rusqlite than the one that resolves here, so the twenty lines live in [`migrate`].)

pub mod accounts;
pub mod alert_history;
pub mod batch;
pub mod bets;
pub mod craps_tables;
pub mod game_archive;
pub mod ledger_entries;
pub mod maintenance;
pub mod mesh_rounds;
pub mod mesh_tables;
pub mod metric_summaries;
pub mod resource_samples;
pub mod retention;
pub mod rolls;
pub mod seats;

mod config;
mod db;
mod ids;

use std::path::Path;

use rusqlite::Connection;

pub use config::{GameRetention, GamesConfig, StorageConfig};
pub use db::Db;
pub use ids::{TableId, TableStatus, to_db_amount};

/// The schema, in the order it is applied: never edit an entry once released, append a new one.
pub const MIGRATIONS: &[&str] = &[
    resource_samples::MIGRATION_1,
    accounts::MIGRATION_2,
    ledger_entries::MIGRATION_3,
    craps_tables::MIGRATION_4,
    seats::MIGRATION_5,
    bets::MIGRATION_6,
    rolls::MIGRATION_7,
    game_archive::MIGRATION_8,
    metric_summaries::MIGRATION,
    alert_history::MIGRATION,
    mesh_tables::MIGRATION,
    mesh_rounds::MIGRATION,
    resource_samples::MIGRATION_DB_WRITE,
];

/// Why the database could not be opened, or a statement failed, or stored rows contradict themselves.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// Opening or migrating the file failed.
    #[error("database {path}: {source}")]
    Open { path: String, source: rusqlite::Error },
    /// The file was written by a newer build.
    #[error("database {path} has schema version {found}, newer than this build knows ({known}); use a newer bitcraps")]
    TooNew { path: String, found: i64, known: usize },
    /// A statement failed.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// No such local table row.
    #[error("no table {0}")]
    UnknownTable(TableId),
    /// Stored rows contradict themselves or do not parse.
    #[error("stored data is inconsistent: {0}")]
    Inconsistent(String),
    /// A stored engine state or rule set did not (de)serialize.
    #[error("stored table state: {0}")]
    State(#[from] serde_json::Error),
    /// Compressing or decompressing an archived game failed.
    #[error("game archive: {0}")]
    Archive(std::io::Error),
    /// An amount does not fit the database's signed 64-bit integers.
    #[error("amount {amount} is too large for the database")]
    AmountTooLarge { amount: u64 },
}

/// Opens (creating if needed) the database at `path`, applies the pragmas and pending migrations.
pub fn open(path: &Path, config: &StorageConfig) -> Result<Connection, StorageError> {
    let shown = path.display().to_string();
    let sqlite = |source| StorageError::Open { path: shown.clone(), source };
    let mut conn = Connection::open(path).map_err(sqlite)?;
    conn.set_prepared_statement_cache_capacity(64); // a roll alone uses ~20 statements (the default keeps 16)
    apply_pragmas(&conn, config).map_err(sqlite)?;
    migrate(&mut conn, &shown)?;
    Ok(conn)
}

/// The runbook's pragmas: WAL, synchronous=NORMAL, in-memory temp store, a page cache and memory-mapped I/O.
/// Incremental auto-vacuum takes effect only on a new database (before its first table); an older one is
/// converted by the maintenance job's one full VACUUM.
fn apply_pragmas(conn: &Connection, config: &StorageConfig) -> rusqlite::Result<()> {
    conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL;")?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "SQLite refused WAL mode");
    }
    conn.execute_batch(&format!(
        "PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -{};
         PRAGMA mmap_size = {};
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;",
        config.cache_size_kib, config.mmap_size_bytes
    ))
}

fn migrate(conn: &mut Connection, shown: &str) -> Result<(), StorageError> {
    let sqlite = |source| StorageError::Open { path: shown.to_owned(), source };
    let tx = conn.transaction().map_err(sqlite)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(sqlite)?;
    let applied = usize::try_from(version).unwrap_or(usize::MAX);
    if applied > MIGRATIONS.len() {
        return Err(StorageError::TooNew { path: shown.to_owned(), found: version, known: MIGRATIONS.len() });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        tx.execute_batch(sql).map_err(sqlite)?;
        tx.pragma_update(None, "user_version", i64::try_from(index + 1).unwrap_or(i64::MAX)).map_err(sqlite)?;
        tracing::info!(version = index + 1, "applied database migration");
    }
    tx.commit().map_err(sqlite)
}

/// Size of the database file plus its WAL, in bytes.
pub fn db_size_bytes(path: &Path) -> u64 {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    size(path) + size(&path.with_extension("sqlite3-wal"))
}
