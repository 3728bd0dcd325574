//! Logging for the node's host binaries: `tracing` to stderr and to a daily-rotated file in `<data dir>/logs`.
//!
//! Only hosts (the binaries here and the tray app) call [`init`]; the libraries just emit `tracing` events.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use bitcraps_api::InvalidSetting;
use bitcraps_node::config::LogConfig;
use bitcraps_node::paths::LOG_DIR;

/// Checks `log.level` before anything starts: a malformed filter names the key and the problem.
pub fn check_level(config: &LogConfig) -> Result<(), InvalidSetting> {
    EnvFilter::try_new(&config.level).map(drop).map_err(|e| InvalidSetting {
        key: "log.level",
        value: format!("{:?}", config.level),
        allowed: format!("a tracing filter such as \"info\" or \"bitcraps_node=debug,info\" ({e})"),
    })
}

/// Installs the global subscriber. Keep the returned guard alive until exit: dropping it flushes the file.
/// `RUST_LOG`, when set, overrides `log.level`.
pub fn init(data_dir: &Path, config: &LogConfig) -> anyhow::Result<WorkerGuard> {
    check_level(config)?;
    let log_dir = data_dir.join(LOG_DIR);
    std::fs::create_dir_all(&log_dir)?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("bitcraps")
        .filename_suffix("log")
        .max_log_files(config.max_files)
        .build(log_dir)?;
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().or_else(|_| EnvFilter::try_new(&config.level))?;
    tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(tracing_subscriber::fmt::layer().with_ansi(false).with_writer(file_writer))
        .try_init()?;
    Ok(guard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_level_names_the_key() {
        let config = LogConfig { level: "info,,=[".to_owned(), ..LogConfig::default() };
        let err = check_level(&config).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("log.level") && err.contains("info,,=[") && err.contains("tracing filter"), "{err}");
        assert_eq!(check_level(&LogConfig::default()), Ok(()));
    }
}
