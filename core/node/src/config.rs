//! Node configuration: defaults embedded in code, overridden by an optional TOML file that holds only what differs.
//!
//! Unknown keys and bad values are rejected with a [`ConfigError`] that names the key, the value and what is allowed.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

mod net;

pub use net::{ConsensusConfig, NetConfig, StaticPeer};

/// Everything the node reads from its configuration file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub api: ApiConfig,
    pub sampler: SamplerConfig,
    pub storage: StorageConfig,
    pub log: LogConfig,
    pub games: GamesConfig,
    pub alerts: AlertsConfig,
    pub journal: JournalSettings,
    pub net: NetConfig,
    pub consensus: ConsensusConfig,
}

/// The table journal in `<data dir>/journal`: which I/O backend writes it and when appends are durable.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JournalSettings {
    /// `auto` (io_uring with epoll fallback on Linux, IOCP on Windows, GCD on macOS), `std`, `compio`,
    /// `compio-poll` or `gcd`.
    pub backend: String,
    /// Sync (and acknowledge) after this many unsynced records.
    pub sync_every_records: u32,
    /// Sync once the oldest unsynced record is this many milliseconds old.
    pub sync_every_ms: u64,
}

impl Default for JournalSettings {
    fn default() -> Self {
        let durability = bitcraps_journal::Durability::default();
        Self {
            backend: "auto".to_owned(),
            sync_every_records: durability.every_records,
            sync_every_ms: u64::try_from(durability.every.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

impl JournalSettings {
    /// The journal's configuration for `dir`, or the error naming the bad key.
    pub fn journal_config(&self, dir: PathBuf) -> Result<bitcraps_journal::JournalConfig, ConfigError> {
        let mut config = bitcraps_journal::JournalConfig::new(dir);
        config.backend = self.backend.parse().map_err(|_| ConfigError::Invalid {
            key: "journal.backend",
            value: format!("{:?}", self.backend),
            allowed: "one of auto, std, compio, compio-poll, gcd".to_owned(),
        })?;
        check_range("journal.sync_every_records", self.sync_every_records, 1..=1_000_000, "")?;
        check_range("journal.sync_every_ms", self.sync_every_ms, 0..=60_000, "milliseconds")?;
        config.durability = bitcraps_journal::Durability {
            every_records: self.sync_every_records,
            every: std::time::Duration::from_millis(self.sync_every_ms),
        };
        Ok(config)
    }
}

/// Alerting: desktop notifications and rules beyond (or replacing) the defaults of `crate::alerts::defaults`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertsConfig {
    /// Show desktop notifications when alerts fire (and resolve, where the rule asks).
    pub notifications: bool,
    /// `[[alerts.rules]]`: a rule named like a default replaces it; any other name adds a rule.
    pub rules: Vec<bitcraps_api::AlertRule>,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        Self { notifications: true, rules: Vec::new() }
    }
}

impl AlertsConfig {
    /// The default rules merged with the configured ones, validated.
    pub fn validated_rules(&self) -> Result<Vec<crate::alerts::rules::Rule>, ConfigError> {
        Ok(crate::alerts::rules::validate_all(&crate::alerts::defaults::merged(&self.rules))?)
    }
}

/// The local control API.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Address to listen on. Anything but a loopback address needs `allow_remote = true`.
    pub bind: IpAddr,
    /// TCP port; 0 picks any free port (the chosen URL is written to `<data dir>/api-url`).
    pub port: u16,
    /// Explicit consent to serve the API beyond this machine.
    pub allow_remote: bool,
    /// Directory holding the wasm dashboard served at `/`; by default `dashboard-web` beside the executable.
    pub web_dir: Option<PathBuf>,
    /// Events kept in memory for clients that reconnect with `since`.
    pub event_history: usize,
}

/// The resource sampler.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SamplerConfig {
    /// Milliseconds between samples.
    pub interval_ms: u64,
    /// Minutes of samples kept in memory (the dashboard's plot window).
    pub history_minutes: u64,
    /// Days of samples kept in SQLite.
    pub retention_days: u64,
}

/// SQLite tuning (the runbook's pragmas).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// Page cache in KiB (`PRAGMA cache_size = -N`).
    pub cache_size_kib: u64,
    /// Bytes of memory-mapped I/O (`PRAGMA mmap_size`).
    pub mmap_size_bytes: u64,
}

/// Logging.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A `tracing` filter directive, e.g. `info` or `bitcraps_node=debug,info`.
    pub level: String,
    /// Daily log files kept in `<data dir>/logs`.
    pub max_files: usize,
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

impl Default for ApiConfig {
    fn default() -> Self {
        Self { bind: IpAddr::from([127, 0, 0, 1]), port: 0, allow_remote: false, web_dir: None, event_history: 4096 }
    }
}

impl Default for SamplerConfig {
    fn default() -> Self {
        Self { interval_ms: 1000, history_minutes: 15, retention_days: 7 }
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self { cache_size_kib: 64_000, mmap_size_bytes: 268_435_456 }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { level: "info".to_owned(), max_files: 14 }
    }
}

/// Why a configuration was rejected.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("config key `{key}` = {value}: {allowed}")]
    Invalid { key: &'static str, value: String, allowed: String },
    #[error("config [alerts]: {0}")]
    AlertRule(#[from] crate::alerts::rules::RuleError),
}

/// Interval bounds for the sampler, in milliseconds.
pub const SAMPLER_INTERVAL_RANGE_MS: std::ops::RangeInclusive<u64> = 100..=60_000;

impl Config {
    /// Reads `path` if it exists (a missing file means all defaults) and validates the result.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ConfigError::Read { path: path.to_owned(), source }),
        }
    }

    /// Parses TOML text (`origin` names it in errors) and validates it.
    pub fn parse(text: &str, origin: &Path) -> Result<Self, ConfigError> {
        let config: Self = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: origin.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every value against what it allows.
    pub fn validate(&self) -> Result<(), ConfigError> {
        validate_sampler_interval(self.sampler.interval_ms)?;
        self.journal.journal_config(PathBuf::new())?;
        check_range(
            "sampler.history_minutes",
            self.sampler.history_minutes,
            15..=24 * 60,
            "the dashboard shows at least 15 minutes",
        )?;
        check_range("sampler.retention_days", self.sampler.retention_days, 1..=3650, "")?;
        check_range("api.event_history", self.api.event_history, 16..=1_000_000, "")?;
        if !self.api.bind.is_loopback() && !self.api.allow_remote {
            return Err(ConfigError::Invalid {
                key: "api.bind",
                value: self.api.bind.to_string(),
                allowed: "a loopback address (127.0.0.1 or ::1); set api.allow_remote = true to serve beyond this \
                          machine"
                    .to_owned(),
            });
        }
        check_range("storage.cache_size_kib", self.storage.cache_size_kib, 1024..=4_194_304, "1 MiB to 4 GiB")?;
        check_range("storage.mmap_size_bytes", self.storage.mmap_size_bytes, 0..=1 << 40, "1 TiB")?;
        check_range("log.max_files", self.log.max_files, 1..=365, "")?;
        self.games.validate()?;
        self.net.validate()?;
        self.consensus.validate()?;
        self.alerts.validated_rules()?;
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log.level) {
            return Err(ConfigError::Invalid {
                key: "log.level",
                value: format!("{:?}", self.log.level),
                allowed: format!("a tracing filter such as \"info\" or \"bitcraps_node=debug,info\" ({e})"),
            });
        }
        Ok(())
    }
}

impl GamesConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        let g = self;
        check_range("games.active_days", g.active_days, 1..=3650, "")?;
        check_range("games.archive_days", g.archive_days, 1..=36_500, "")?;
        check_range("games.idle_minutes", g.idle_minutes, 1..=1440, "")?;
        check_range("games.maintenance_interval_hours", g.maintenance_interval_hours, 1..=720, "")
    }
}

/// Validates a sampler interval, at start-up and when changed through the API.
pub fn validate_sampler_interval(interval_ms: u64) -> Result<(), ConfigError> {
    check_range("sampler.interval_ms", interval_ms, SAMPLER_INTERVAL_RANGE_MS, "milliseconds")
}

/// Accepts `value` inside `range`; otherwise an error naming the key, the value and the range (plus `note`, if any,
/// in parentheses). The allowed text is derived from the range checked, so the two cannot drift apart.
fn check_range<T: PartialOrd + std::fmt::Display>(
    key: &'static str,
    value: T,
    range: std::ops::RangeInclusive<T>,
    note: &str,
) -> Result<(), ConfigError> {
    if range.contains(&value) {
        return Ok(());
    }
    let note = if note.is_empty() { String::new() } else { format!(" ({note})") };
    let allowed = format!("an integer from {} to {}{note}", range.start(), range.end());
    Err(ConfigError::Invalid { key, value: value.to_string(), allowed })
}
