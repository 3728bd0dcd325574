//! The tray icon: coloured by the node's health (green / yellow / red, grey while paused), a tooltip with the node's
//! id, health, peers, tables and alerts ([`NodeStatus::tooltip`]), and the menu: a one-line summary (where tooltips
//! do not show), Open Dashboard, Host a table…, Pause / Resume node, Open data folder, Start at login, Quit.

use std::time::Duration;

use bitcraps_api::{HealthLevel, NodeReading, NodeStatus};
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_opener::OpenerExt as _;

use crate::dashboard::Dashboard;
use crate::lifecycle::{self, AppState};

const TRAY_ID: &str = "bitcraps";
const SUMMARY_ID: &str = "summary";
const OPEN_ID: &str = "open-dashboard";
const HOST_ID: &str = "host-table";
const PAUSE_ID: &str = "pause-resume";
const DATA_ID: &str = "open-data-folder";
const AUTOSTART_ID: &str = "start-at-login";
const QUIT_ID: &str = "quit";

const PAUSE_LABEL: &str = "Pause node";
const RESUME_LABEL: &str = "Resume node";

/// The menu items whose label, check or enabled state changes while the app runs.
struct TrayMenu {
    summary: MenuItem<Wry>,
    open: MenuItem<Wry>,
    host: MenuItem<Wry>,
    pause: MenuItem<Wry>,
    autostart: CheckMenuItem<Wry>,
}

fn icon(view: &NodeStatus) -> tauri::Result<Image<'static>> {
    Image::from_bytes(match view {
        NodeStatus::Paused => include_bytes!("../../icons/tray-paused.png"),
        NodeStatus::Running(reading) => match reading.health.level {
            HealthLevel::Green => include_bytes!("../../icons/tray-green.png"),
            HealthLevel::Yellow => include_bytes!("../../icons/tray-yellow.png"),
            HealthLevel::Red => include_bytes!("../../icons/tray-red.png"),
        },
    })
}

/// Whether the app starts at login, as the system has it now (an unreadable state counts as off, and is logged).
fn starts_at_login(app: &AppHandle) -> bool {
    app.autolaunch().is_enabled().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read the start-at-login state");
        false
    })
}

/// Puts the icon in the tray with its menu.
pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let summary = MenuItem::with_id(app, SUMMARY_ID, "Node starting", false, None::<&str>)?;
    let open = MenuItem::with_id(app, OPEN_ID, "Open Dashboard", true, None::<&str>)?;
    let host = MenuItem::with_id(app, HOST_ID, "Host a table…", true, None::<&str>)?;
    let pause = MenuItem::with_id(app, PAUSE_ID, PAUSE_LABEL, true, None::<&str>)?;
    let data = MenuItem::with_id(app, DATA_ID, "Open data folder", true, None::<&str>)?;
    let autostart =
        CheckMenuItem::with_id(app, AUTOSTART_ID, "Start at login", true, starts_at_login(app), None::<&str>)?;
    let quit_item = MenuItem::with_id(app, QUIT_ID, "Quit", true, None::<&str>)?;
    let (first_gap, second_gap) = (PredefinedMenuItem::separator(app)?, PredefinedMenuItem::separator(app)?);
    let menu = Menu::with_items(
        app,
        &[&summary, &open, &host, &first_gap, &pause, &data, &autostart, &second_gap, &quit_item],
    )?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(&NodeStatus::Paused)?)
        .tooltip("BitCraps node starting")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            OPEN_ID => lifecycle::show_dashboard(app, Dashboard::open),
            HOST_ID => lifecycle::show_dashboard(app, Dashboard::open_host_table),
            PAUSE_ID => lifecycle::pause_or_resume(app),
            DATA_ID => open_data_folder(app),
            AUTOSTART_ID => toggle_start_at_login(app),
            QUIT_ID => lifecycle::quit(app),
            _ => {}
        })
        .build(app)?;
    app.manage(TrayMenu { summary, open, host, pause, autostart });
    Ok(())
}

/// Opens the node's data dir in the system's file manager.
fn open_data_folder(app: &AppHandle) {
    let dir = app.state::<AppState>().data_dir().display().to_string();
    if let Err(e) = app.opener().open_path(&dir, None::<&str>) {
        tracing::error!(error = %e, %dir, "cannot open the data folder");
    }
}

/// Flips start-at-login, then shows the state the system really has.
fn toggle_start_at_login(app: &AppHandle) {
    let autolaunch = app.autolaunch();
    let changed =
        autolaunch.is_enabled().and_then(|enabled| if enabled { autolaunch.disable() } else { autolaunch.enable() });
    if let Err(e) = changed {
        tracing::error!(error = %e, "cannot change start at login");
    }
    if let Err(e) = app.state::<TrayMenu>().autostart.set_checked(starts_at_login(app)) {
        tracing::warn!(error = %e, "cannot update the Start at login item");
    }
}

/// The node as the tray shows it now.
fn read(app: &AppHandle) -> NodeStatus {
    lifecycle::with_node(app, |n| {
        NodeStatus::Running(NodeReading::new(n.node_id(), n.health(), &n.game(), &n.net(), &n.active_alerts()))
    })
    .unwrap_or(NodeStatus::Paused)
}

/// Shows `view`: icon, tooltip, the Pause / Resume label, and what needs a running node enabled or not.
fn show(app: &AppHandle, view: &NodeStatus) -> tauri::Result<()> {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        tray.set_icon(Some(icon(view)?))?;
        tray.set_tooltip(Some(view.tooltip()))?;
    }
    let menu = app.state::<TrayMenu>();
    let running = matches!(view, NodeStatus::Running(_));
    menu.summary.set_text(view.summary_line())?;
    menu.pause.set_text(if running { PAUSE_LABEL } else { RESUME_LABEL })?;
    menu.open.set_enabled(running)?;
    menu.host.set_enabled(running)
}

/// Refreshes the tray whenever what it shows changes (read every second) until the app exits.
pub fn spawn_status_watch(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut shown: Option<NodeStatus> = None;
        loop {
            let view = read(&app);
            if shown.as_ref() != Some(&view) {
                if let Err(e) = show(&app, &view) {
                    tracing::warn!(error = %e, "cannot update the tray");
                }
                shown = Some(view);
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use bitcraps_api::{GameSummary, Health, NetSummary};

    use super::*;

    #[test]
    fn every_view_has_an_icon() {
        assert!(icon(&NodeStatus::Paused).is_ok());
        for level in [HealthLevel::Green, HealthLevel::Yellow, HealthLevel::Red] {
            let health = Health { level, reasons: Vec::new() };
            let reading = NodeReading::new("ab", health, &GameSummary::default(), &NetSummary::default(), &[]);
            assert!(icon(&NodeStatus::Running(reading)).is_ok());
        }
    }
}
