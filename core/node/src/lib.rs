//! The BitCraps node: the crate on top, which wires the layers below into one running node.
//!
//! Hosts (the headless `bitcraps-node`, the desktop tray app, tests) call [`Node::start`] and keep the returned
//! [`NodeHandle`]. See ARCHITECTURE.md for the map.
//!
//! **Rule:** the node wires and serves; it holds no protocol, ledger or storage logic of its own. Storage
//! (`bitcraps-storage`), the ledger (`bitcraps-ledger`), the mesh (`bitcraps-net`) and the table protocol
//! (`bitcraps-table`) live below it; here are the configuration, the control API, alerts, the resource sampler,
//! the event log, metrics, and [`Node::start`], which hands each service a narrow handle (the `Db`, the net
//! statistics, the games view) instead of the whole node state. Errors are typed ([`StartError`]); anyhow and
//! the tracing subscriber belong to the binaries (`bitcraps-cli`).

pub mod alerts;
mod api;
pub mod config;
mod error;
mod events;
pub mod golden;
mod health;
mod identity;
mod lock;
mod maintenance;
mod metrics;
pub mod metrics_store;
mod node;
pub mod paths;
pub mod sampler;
mod start;
mod state;

pub use bitcraps_net::now_ms;
pub use config::{Config, ConfigError};
pub use error::{StartError, StopError};
pub use node::{Node, NodeHandle, NodeOptions};

/// Why the node's options could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum OptionsError {
    #[error(transparent)]
    NoHomeDir(#[from] paths::NoHomeDir),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Loads the config (`--config` or the per-OS default) and resolves the data dir (`--data-dir` or the per-OS
/// default): what every host does before [`Node::start`].
pub fn resolve_options(
    config_override: Option<&std::path::Path>,
    data_dir_override: Option<&std::path::Path>,
) -> Result<NodeOptions, OptionsError> {
    let config_path = paths::config_file(config_override)?;
    let config = Config::load(&config_path)?;
    let data_dir = paths::data_dir(data_dir_override)?;
    Ok(NodeOptions { config, data_dir })
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
pub async fn termination_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the node");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
