//! Native start-up: the command line, where to find the node's API URL and token, and the eframe window.
//!
//! The token never comes from the command line (other users can read it there): it comes from the environment
//! ([`bitcraps_api::TOKEN_ENV`]), as the desktop app hands it over, or from the node's data dir.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use bitcraps_api::{API_TOKEN_FILE, API_URL_FILE, TOKEN_ENV};

use crate::connection::{ConnectConfig, Connection};

/// Command line of `bitcraps-dashboard`.
#[derive(Debug, clap::Parser)]
#[command(name = "bitcraps-dashboard", version, about = "Dashboard of a BitCraps node")]
pub struct Cli {
    /// HTTP base URL of the node API, e.g. http://127.0.0.1:43123 (token from the BITCRAPS_TOKEN environment
    /// variable).
    #[arg(long, value_name = "URL", conflicts_with = "data_dir")]
    pub connect: Option<String>,
    /// Data dir of a local node: reads its `api-url` and `api-token` files. Default: the platform data dir.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The tab to open on: health, game, resources or alerts.
    #[arg(long, value_name = "TAB", value_parser = parse_tab)]
    pub tab: Option<crate::app::Tab>,
    /// Open on the Game tab with the Host a table dialog open (the desktop app's "Host a table…").
    #[arg(long, conflicts_with = "tab")]
    pub host_table: bool,
}

/// A tab by its label, case-insensitive.
fn parse_tab(name: &str) -> Result<crate::app::Tab, String> {
    crate::app::Tab::ALL.into_iter().find(|tab| tab.label().eq_ignore_ascii_case(name)).ok_or_else(|| {
        let names: Vec<String> = crate::app::Tab::ALL.iter().map(|t| t.label().to_lowercase()).collect();
        format!("unknown tab {name:?}; one of {}", names.join(", "))
    })
}

/// The platform's default data dir of a BitCraps node, if the platform has one.
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "BitCraps", "BitCraps").map(|dirs| dirs.data_dir().to_path_buf())
}

/// Resolves where to connect. `env_token` is the value of [`TOKEN_ENV`], passed in so this is testable.
pub fn resolve(cli: &Cli, env_token: Option<String>) -> anyhow::Result<ConnectConfig> {
    let env_token = env_token.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    if let Some(url) = &cli.connect {
        let Some(token) = env_token else {
            bail!(
                "--connect {url} needs the node's API token in the environment variable {TOKEN_ENV} \
                 (it is never read from the command line)"
            );
        };
        return Ok(ConnectConfig { api_url: url.trim().to_owned(), token });
    }
    from_data_dir(&data_dir(cli)?, env_token)
}

/// The data dir to read: `--data-dir`, else the platform default.
fn data_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    match &cli.data_dir {
        Some(dir) => Ok(dir.clone()),
        None => default_data_dir().context("this platform has no default data dir: pass --data-dir or --connect"),
    }
}

/// Reads the API URL and token a local node wrote into its data dir. The token file wins; `env_token` is the
/// fallback when the file is absent.
pub fn from_data_dir(dir: &Path, env_token: Option<String>) -> anyhow::Result<ConnectConfig> {
    let url_path = dir.join(API_URL_FILE);
    let api_url = std::fs::read_to_string(&url_path)
        .with_context(|| {
            format!(
                "cannot read the node's API URL from {} (is the node running with this data dir?)",
                url_path.display()
            )
        })?
        .trim()
        .to_owned();
    if api_url.is_empty() {
        bail!("{} is empty", url_path.display());
    }
    let token_path = dir.join(API_TOKEN_FILE);
    let token = match std::fs::read_to_string(&token_path) {
        Ok(token) => token.trim().to_owned(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => env_token.with_context(|| {
            format!("the API token is missing: {} does not exist and {TOKEN_ENV} is not set", token_path.display())
        })?,
        Err(err) => {
            return Err(err).with_context(|| format!("cannot read the API token from {}", token_path.display()));
        }
    };
    if token.is_empty() {
        bail!("the API token in {} is empty", token_path.display());
    }
    Ok(ConnectConfig { api_url, token })
}

/// Opens the dashboard window and runs it until it is closed. Without `--connect`, every reconnect re-reads the
/// data dir, so the dashboard follows a local node that restarted on another port.
pub fn run(cli: &Cli, env_token: Option<String>) -> anyhow::Result<()> {
    let config = resolve(cli, env_token.clone())?;
    let mut connection = Connection::new(config);
    if cli.connect.is_none() {
        let dir = data_dir(cli)?;
        connection = connection.with_refresh(Box::new(move || from_data_dir(&dir, env_token.clone()).ok()));
    }
    let app = crate::DashboardApp::new(Some(connection), None);
    let (tab, host_table) = (cli.tab, cli.host_table);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("BitCraps · connecting…")
            .with_app_id("bitcraps-dashboard")
            .with_inner_size([1100.0, 760.0])
            .with_min_inner_size([640.0, 420.0]),
        ..Default::default()
    };
    // `--tab` and `--host-table` win over the tab persisted from the last run.
    let start = move |cc: &eframe::CreationContext<'_>| {
        let app = app.started(cc);
        let app = match tab {
            Some(tab) => app.with_tab(tab),
            None => app,
        };
        Ok(Box::new(if host_table { app.with_host_dialog() } else { app }) as Box<dyn eframe::App>)
    };
    eframe::run_native("BitCraps", options, Box::new(start))
        .map_err(|err| anyhow::anyhow!("the dashboard window failed: {err}"))
}
