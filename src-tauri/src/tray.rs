//! The tray icon: coloured by the node's health (green / yellow / red), a tooltip with the status, and the menu.

use std::time::Duration;

use bitcraps_api::{Health, HealthLevel};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

use crate::{AppState, lock, open_dashboard, quit};

const TRAY_ID: &str = "bitcraps";
const OPEN_ID: &str = "open-dashboard";
const QUIT_ID: &str = "quit";

fn icon(level: HealthLevel) -> tauri::Result<Image<'static>> {
    Image::from_bytes(match level {
        HealthLevel::Green => include_bytes!("../../icons/tray-green.png"),
        HealthLevel::Yellow => include_bytes!("../../icons/tray-yellow.png"),
        HealthLevel::Red => include_bytes!("../../icons/tray-red.png"),
    })
}

/// The tooltip text for a health reading.
fn tooltip(health: &Health, node_id: &str) -> String {
    let short = node_id.get(..12).unwrap_or(node_id);
    let status = match health.level {
        HealthLevel::Green => "healthy".to_owned(),
        _ => health.reasons.join("; "),
    };
    format!("BitCraps node {short}: {status}")
}

/// Puts the icon in the tray with its menu.
pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, OPEN_ID, "Open Dashboard", true, None::<&str>)?;
    let quit_item = MenuItem::with_id(app, QUIT_ID, "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit_item])?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(HealthLevel::Green)?)
        .tooltip("BitCraps node starting")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            OPEN_ID => open_dashboard(app),
            QUIT_ID => quit(app),
            _ => {}
        })
        .build(app)?;
    Ok(())
}

/// Re-colours the icon and refreshes the tooltip whenever the node's health changes (checked every second).
pub fn spawn_health_watch(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut shown: Option<Health> = None;
        loop {
            let reading = {
                let state = app.state::<AppState>();
                let node = lock(&state.node);
                node.as_ref().map(|n| (n.health(), n.node_id().to_owned()))
            };
            let Some((health, node_id)) = reading else { return };
            if shown.as_ref() != Some(&health) {
                if let Some(tray) = app.tray_by_id(TRAY_ID) {
                    let updated = icon(health.level)
                        .and_then(|image| tray.set_icon(Some(image)))
                        .and_then(|()| tray.set_tooltip(Some(tooltip(&health, &node_id))));
                    if let Err(e) = updated {
                        tracing::warn!(error = %e, "cannot update the tray icon");
                    }
                }
                shown = Some(health);
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tooltip_says_healthy_or_why_not() {
        let id = "abcdef0123456789";
        assert_eq!(tooltip(&Health::default(), id), "BitCraps node abcdef012345: healthy");
        let yellow = Health { level: HealthLevel::Yellow, reasons: vec!["system CPU at 80 % (>= 75 %)".into()] };
        assert!(tooltip(&yellow, id).ends_with("system CPU at 80 % (>= 75 %)"));
        for level in [HealthLevel::Green, HealthLevel::Yellow, HealthLevel::Red] {
            assert!(icon(level).is_ok());
        }
    }
}
