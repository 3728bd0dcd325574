//! Node configuration: defaults embedded in code, overridden by an optional TOML file that holds only what differs.
//!
//! Unknown keys and bad values are rejected with a [`ConfigError`] that names the key, the value and what is allowed.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use bitcraps_api::{InvalidSetting, check_range};
use serde::Deserialize;

pub use bitcraps_net::{NetConfig, StaticPeer};
pub use bitcraps_storage::{GameRetention, GamesConfig, StorageConfig};
pub use bitcraps_table::config::ConsensusConfig;

pub use crate::alerts::config::AlertsConfig;

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
        config.backend = self.backend.parse().map_err(|_| InvalidSetting {
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

/// Logging.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A `tracing` filter directive, e.g. `info` or `bitcraps_node=debug,info` (checked by the host that installs
    /// the subscriber: `bitcraps_cli::logging::check_level`).
    pub level: String,
    /// Daily log files kept in `<data dir>/logs`.
    pub max_files: usize,
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
    #[error(transparent)]
    Invalid(#[from] InvalidSetting),
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
            return Err(ConfigError::Invalid(InvalidSetting {
                key: "api.bind",
                value: self.api.bind.to_string(),
                allowed: "a loopback address (127.0.0.1 or ::1); set api.allow_remote = true to serve beyond this \
                          machine"
                    .to_owned(),
            }));
        }
        self.storage.validate()?;
        check_range("log.max_files", self.log.max_files, 1..=365, "")?;
        self.games.validate()?;
        self.net.validate()?;
        self.consensus.validate()?;
        self.alerts.validated_rules()?;
        Ok(())
    }
}

/// Validates a sampler interval, at start-up and when changed through the API.
pub fn validate_sampler_interval(interval_ms: u64) -> Result<(), ConfigError> {
    Ok(check_range("sampler.interval_ms", interval_ms, SAMPLER_INTERVAL_RANGE_MS, "milliseconds")?)
}
