//! The config sections storage owns: `[storage]` (the runbook's pragmas) and `[games]` (history retention and
//! the idle-time maintenance), each validated here and composed into the node's `Config`.

use bitcraps_api::{InvalidSetting, check_range};
use serde::Deserialize;

/// SQLite tuning (the runbook's pragmas).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// Page cache in KiB (`PRAGMA cache_size = -N`).
    pub cache_size_kib: u64,
    /// Bytes of memory-mapped I/O (`PRAGMA mmap_size`).
    pub mmap_size_bytes: u64,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self { cache_size_kib: 64_000, mmap_size_bytes: 268_435_456 }
    }
}

impl StorageConfig {
    /// Checks every value; names the key on error.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        check_range("storage.cache_size_kib", self.cache_size_kib, 1024..=4_194_304, "1 MiB to 4 GiB")?;
        check_range("storage.mmap_size_bytes", self.mmap_size_bytes, 0..=1 << 40, "1 TiB")
    }
}

/// Game history retention and the idle-time database maintenance (the runbook: 90 days active, 1 year
/// archived).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GamesConfig {
    /// Days a finished or idle game stays in the live tables.
    pub active_days: u64,
    /// What happens to a game after `active_days`: `archive` (gzip-compressed JSON) or `delete`.
    pub retention: GameRetention,
    /// Days an archived game is kept before it is deleted.
    pub archive_days: u64,
    /// Maintenance runs only after this many minutes without a committed roll.
    pub idle_minutes: u64,
    /// Hours between maintenance runs.
    pub maintenance_interval_hours: u64,
}

/// What happens to games past `games.active_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GameRetention {
    /// Exported as JSON, gzip level 6, into the `game_archive` table.
    Archive,
    /// Deleted.
    Delete,
}

impl Default for GamesConfig {
    fn default() -> Self {
        Self {
            active_days: 90,
            retention: GameRetention::Archive,
            archive_days: 365,
            idle_minutes: 10,
            maintenance_interval_hours: 24,
        }
    }
}

impl GamesConfig {
    /// Checks every value; names the key on error.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        let g = self;
        check_range("games.active_days", g.active_days, 1..=3650, "")?;
        check_range("games.archive_days", g.archive_days, 1..=36_500, "")?;
        check_range("games.idle_minutes", g.idle_minutes, 1..=1440, "")?;
        check_range("games.maintenance_interval_hours", g.maintenance_interval_hours, 1..=720, "")
    }
}
