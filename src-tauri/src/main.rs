//! `bitcraps`: the desktop app. A Tauri 2 tray app that embeds the node, colours its tray icon by the node's
//! health and opens the native dashboard (`bitcraps-dashboard`) as a child process on demand. No webview window:
//! see ARCHITECTURE.md for the measured reason. Wiring only; the node's logic lives in `bitcraps-node`.
// Release builds on Windows have no console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod dashboard;
mod lifecycle;
mod tray;

use anyhow::Context;
use tauri::{AppHandle, Manager, RunEvent};

use crate::dashboard::Dashboard;
use crate::lifecycle::AppState;

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

fn main() -> anyhow::Result<()> {
    let options = bitcraps_node::resolve_options(None, None)?;
    let _log_guard = bitcraps_cli::logging::init(&options.data_dir, &options.config.log)?;
    let first_launch: Vec<String> = std::env::args().collect();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| on_launch_flags(app, &argv)))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_autostart::Builder::new().app_name("BitCraps").build())
        .setup(move |app| {
            let state = AppState::new(options);
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
        lifecycle::show_dashboard(app, Dashboard::open_host_table);
    } else if has(OPEN_DASHBOARD_FLAG) {
        lifecycle::show_dashboard(app, Dashboard::open);
    }
}
