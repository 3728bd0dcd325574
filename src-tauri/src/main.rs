//! `bitcraps`: the desktop app. A Tauri 2 tray app that embeds the node, colours its tray icon by the node's
//! health and opens the native dashboard (`bitcraps-dashboard`) as a child process on demand. No webview window:
//! see ARCHITECTURE.md for the measured reason. Wiring only; the node's logic lives in `bitcraps-node`.
// Release builds on Windows have no console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod dashboard;
mod lifecycle;
mod tray;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64};

use anyhow::Context;
use bitcraps_node::{NodeHandle, NodeOptions};
use tauri::{AppHandle, Manager, RunEvent};
use tauri_plugin_opener::OpenerExt;

/// Forwarded by a second launch: open the dashboard.
const OPEN_DASHBOARD_FLAG: &str = "--open-dashboard";
/// Forwarded by a second launch: open the dashboard on the Game tab with the Host a table dialog open.
const HOST_TABLE_FLAG: &str = "--host-table";
/// Forwarded by a second launch: pause the node (as the Pause node menu item does).
const PAUSE_FLAG: &str = "--pause";
/// Forwarded by a second launch: resume the paused node.
const RESUME_FLAG: &str = "--resume";
/// Forwarded by a second launch: quit the running app (as the Quit menu item does).
const QUIT_FLAG: &str = "--quit";

/// What the app holds while it runs: the node's options, the embedded node (none while paused) and the dashboard
/// child.
struct AppState {
    /// What the node started with at launch; a resume starts it again from these.
    options: NodeOptions,
    node: Mutex<Option<NodeHandle>>,
    /// Bumped by every pause (see [`lifecycle::adopt`]).
    generation: AtomicU64,
    /// Held by a pause, resume or quit while it runs.
    transitions: tokio::sync::Mutex<()>,
    dashboard: Mutex<dashboard::Dashboard>,
    /// Set by the first quit; later ones (the node's own stop signal echoing it) do nothing.
    quitting: AtomicBool,
}

fn main() -> anyhow::Result<()> {
    let options = bitcraps_node::resolve_options(None, None)?;
    let _log_guard = bitcraps_node::logging::init(&options.data_dir, &options.config.log)?;
    let first_launch: Vec<String> = std::env::args().collect();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| on_launch_flags(app, &argv)))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_autostart::Builder::new().app_name("BitCraps").build())
        .setup(move |app| {
            let state = AppState {
                options,
                node: Mutex::new(None),
                generation: AtomicU64::new(0),
                transitions: tokio::sync::Mutex::new(()),
                dashboard: Mutex::new(dashboard::Dashboard::default()),
                quitting: AtomicBool::new(false),
            };
            let node = match tauri::async_runtime::block_on(lifecycle::start(&state)) {
                Ok(node) => node,
                Err(e) => {
                    // Nothing to clean up yet; a panic from the setup hook would only bury the reason.
                    tracing::error!("cannot start the node: {e:#}");
                    eprintln!("bitcraps: cannot start the node: {e:#}");
                    std::process::exit(1);
                }
            };
            app.manage(state);
            let handle = app.handle().clone();
            lifecycle::adopt(&handle, node);
            lifecycle::spawn_termination_watch(handle.clone());
            tray::build(&handle)?;
            tray::spawn_status_watch(handle.clone());
            on_launch_flags(&handle, &first_launch);
            Ok(())
        })
        .build(tauri::generate_context!())
        .context("building the Tauri app")?;
    app.run(|_, event| {
        // A tray app has no windows; keep running until Quit.
        if let RunEvent::ExitRequested { code: None, api, .. } = event {
            api.prevent_exit();
        }
    });
    Ok(())
}

/// Acts on the flags of a launch: the first one's, or a second launch's that single-instance forwarded.
fn on_launch_flags(app: &AppHandle, argv: &[String]) {
    let has = |flag: &str| argv.iter().skip(1).any(|a| a == flag);
    if argv.len() > 1 {
        tracing::info!(?argv, "launch flags");
    }
    if has(QUIT_FLAG) {
        lifecycle::quit(app);
    } else if has(PAUSE_FLAG) {
        lifecycle::pause(app);
    } else if has(RESUME_FLAG) {
        lifecycle::resume(app);
    } else if has(HOST_TABLE_FLAG) {
        open_host_table(app);
    } else if has(OPEN_DASHBOARD_FLAG) {
        open_dashboard(app);
    }
}

/// The running node's API URL and token (none while paused).
fn node_api(app: &AppHandle) -> Option<(String, String)> {
    lock(&app.state::<AppState>().node).as_ref().map(|n| (n.api_url().to_owned(), n.token().to_owned()))
}

/// Starts the dashboard child connected to the embedded node (or leaves the running one alone).
fn open_dashboard(app: &AppHandle) {
    show_dashboard(app, false);
}

/// Opens the dashboard on the Game tab with the Host a table dialog open.
fn open_host_table(app: &AppHandle) {
    show_dashboard(app, true);
}

fn show_dashboard(app: &AppHandle, host_table: bool) {
    let Some((url, token)) = node_api(app) else {
        tracing::info!("the node is paused: resume it to open the dashboard");
        return;
    };
    let state = app.state::<AppState>();
    let mut dashboard = lock(&state.dashboard);
    let opened = if host_table { dashboard.open_host_table(&url, &token) } else { dashboard.open(&url, &token) };
    if let Err(e) = opened {
        tracing::error!(error = %e, "cannot open the dashboard");
    }
}

/// Opens the node's data dir in the system's file manager.
fn open_data_folder(app: &AppHandle) {
    let dir = app.state::<AppState>().options.data_dir.display().to_string();
    if let Err(e) = app.opener().open_path(&dir, None::<&str>) {
        tracing::error!(error = %e, %dir, "cannot open the data folder");
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
