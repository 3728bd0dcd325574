//! Logging for the node's host binaries: `tracing` to stderr and to a daily-rotated file in `<data dir>/logs`.
//!
//! Only binaries call [`init`]; the library itself just emits `tracing` events.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogConfig;
use crate::paths::LOG_DIR;

/// Installs the global subscriber. Keep the returned guard alive until exit: dropping it flushes the file.
/// `RUST_LOG`, when set, overrides `log.level`.
pub fn init(data_dir: &Path, config: &LogConfig) -> anyhow::Result<WorkerGuard> {
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
