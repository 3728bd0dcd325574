//! `bitcraps-node`: the headless node. Runs until Ctrl-C / SIGTERM (or a shutdown command) and prints the
//! dashboard URL.

use std::path::PathBuf;

use clap::Parser;

/// Run a BitCraps node without a desktop: the control API and the web dashboard on loopback.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Config file (default: config.toml in the per-OS config dir).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Data dir (default: the per-OS data dir).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Override `api.port` (0 = any free port).
    #[arg(long)]
    port: Option<u16>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut options = bitcraps_node::resolve_options(args.config.as_deref(), args.data_dir.as_deref())?;
    if let Some(port) = args.port {
        options.config.api.port = port;
    }
    let _log_guard = bitcraps_cli::logging::init(&options.data_dir, &options.config.log)?;
    let node = bitcraps_node::Node::start(options).await?;
    println!("BitCraps node {} is running.", node.node_id());
    println!("Dashboard: {}", node.dashboard_url());
    tokio::select! {
        _ = bitcraps_node::termination_signal() => tracing::info!("termination signal received"),
        _ = node.stop_requested() => {}
    }
    Ok(node.shutdown().await?)
}
