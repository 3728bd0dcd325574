//! `bitcraps`: the desktop app. A Tauri 2 tray app that embeds the node, colours its tray icon by the node's
//! health and opens the native dashboard (`bitcraps-dashboard`) as a child process on demand. No webview window:
//! see ARCHITECTURE.md for the measured reason. Wiring only; the node's logic lives in `bitcraps-node`.
// Release builds on Windows have no console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod dashboard;
mod tray;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use bitcraps_node::{Node, NodeHandle};
use tauri::{AppHandle, Manager, RunEvent};

/// Forwarded by a second launch: open the dashboard.
const OPEN_DASHBOARD_FLAG: &str = "--open-dashboard";
/// Forwarded by a second launch: quit the running app (as the Quit menu item does).
const QUIT_FLAG: &str = "--quit";

/// What the app holds while it runs: the embedded node and the dashboard child.
struct AppState {
    node: Mutex<Option<NodeHandle>>,
    dashboard: Mutex<dashboard::Dashboard>,
    /// Set by the first quit; later ones (the node's own stop signal echoing it) do nothing.
    quitting: AtomicBool,
}

fn main() -> anyhow::Result<()> {
    let options = bitcraps_node::resolve_options(None, None)?;
    let _log_guard = bitcraps_node::logging::init(&options.data_dir, &options.config.log)?;
    let open_at_start = std::env::args().any(|a| a == OPEN_DASHBOARD_FLAG);
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| on_second_launch(app, &argv)))
        .setup(move |app| {
            let node = match tauri::async_runtime::block_on(Node::start(options)) {
                Ok(node) => node,
                Err(e) => {
                    // Nothing to clean up yet; a panic from the setup hook would only bury the reason.
                    tracing::error!("cannot start the node: {e:#}");
                    eprintln!("bitcraps: cannot start the node: {e:#}");
                    std::process::exit(1);
                }
            };
            tracing::info!(url = %node.api_url(), "embedded node serving");
            let handle = app.handle().clone();
            spawn_stop_watch(handle.clone(), node.stop_requested());
            app.manage(AppState {
                node: Mutex::new(Some(node)),
                dashboard: Mutex::new(dashboard::Dashboard::default()),
                quitting: AtomicBool::new(false),
            });
            tray::build(&handle)?;
            tray::spawn_health_watch(handle.clone());
            if open_at_start {
                open_dashboard(&handle);
            }
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

fn on_second_launch(app: &AppHandle, argv: &[String]) {
    tracing::info!(?argv, "second launch forwarded its arguments");
    if argv.iter().any(|a| a == QUIT_FLAG) {
        quit(app);
    } else if argv.iter().any(|a| a == OPEN_DASHBOARD_FLAG) {
        open_dashboard(app);
    }
}

/// Starts the dashboard child connected to the embedded node (or leaves the running one alone).
fn open_dashboard(app: &AppHandle) {
    let state = app.state::<AppState>();
    let Some((url, token)) = lock(&state.node).as_ref().map(|n| (n.api_url().to_owned(), n.token().to_owned())) else {
        return;
    };
    if let Err(e) = lock(&state.dashboard).open(&url, &token) {
        tracing::error!(error = %e, "cannot open the dashboard");
    }
}

/// Quits on SIGTERM / Ctrl-C or when a client asks the node to shut down (the `shutdown` API command).
fn spawn_stop_watch(app: AppHandle, stop_requested: impl Future<Output = ()> + Send + 'static) {
    tauri::async_runtime::spawn(async move {
        tokio::select! {
            () = bitcraps_node::termination_signal() => tracing::info!("termination signal received"),
            () = stop_requested => tracing::info!("node asked to stop"),
        }
        quit(&app);
    });
}

/// Stops the dashboard child and the node cleanly, then exits.
fn quit(app: &AppHandle) {
    if app.state::<AppState>().quitting.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        lock(&state.dashboard).close();
        let node = lock(&state.node).take();
        let code = match node {
            Some(node) => match node.shutdown().await {
                Ok(()) => 0,
                Err(e) => {
                    tracing::error!(error = %e, "node shutdown failed");
                    1
                }
            },
            None => 0,
        };
        app.exit(code);
    });
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
