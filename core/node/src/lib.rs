//! The BitCraps node library: everything a node is, independent of how it is hosted.
//!
//! Hosts (the headless `bitcraps-node`, the desktop tray app, tests) call [`Node::start`] and keep the returned
//! [`NodeHandle`]. See ARCHITECTURE.md for the map.

pub mod alerts;
pub mod api;
pub mod config;
pub mod consensus;
pub mod events;
pub mod games;
pub mod golden;
pub mod health;
pub mod identity;
pub mod ledger;
pub mod lock;
pub mod logging;
pub mod metrics;
pub mod metrics_store;
pub mod net;
pub mod node;
pub mod paths;
pub mod sampler;
pub mod state;
pub mod storage;

pub use config::Config;
pub use node::{Node, NodeHandle, NodeOptions};

/// Loads the config (`--config` or the per-OS default) and resolves the data dir (`--data-dir` or the per-OS
/// default): what every host does before [`Node::start`].
pub fn resolve_options(
    config_override: Option<&std::path::Path>,
    data_dir_override: Option<&std::path::Path>,
) -> anyhow::Result<NodeOptions> {
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
