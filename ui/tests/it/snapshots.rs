//! Image snapshots of every tab under wgpu's software renderer, compared with `tests/snapshots/*.png`.
//! Regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p bitcraps-ui --test it snapshots`.

use bitcraps_ui::{ConnectionStatus, DashboardState};
use egui::accesskit::Role;
use egui_kittest::kittest::{Queryable as _, by};

use crate::harness::{fixture, harness, harness_for, open_tab};

/// Opens tab `label` on a dashboard showing fixture `fixture_name` and compares it with `tests/snapshots/<name>.png`.
fn tab_image(fixture_name: &str, label: &str, name: &str) {
    let mut harness = harness_for(fixture_name);
    open_tab(&mut harness, label);
    harness.snapshot(name);
}

#[test]
fn tab_health() {
    tab_image("snapshot.json", "Health", "tab_health");
}

#[test]
fn tab_game() {
    tab_image("snapshot.json", "Game", "tab_game");
}

#[test]
fn tab_resources() {
    tab_image("snapshot.json", "Resources", "tab_resources");
}

#[test]
fn tab_alerts() {
    tab_image("snapshot.json", "Alerts", "tab_alerts");
}

#[test]
fn tab_health_busy() {
    tab_image("snapshot_busy.json", "Health", "tab_health_busy");
}

#[test]
fn tab_game_busy() {
    tab_image("snapshot_busy.json", "Game", "tab_game_busy");
}

#[test]
fn tab_alerts_busy() {
    tab_image("snapshot_busy.json", "Alerts", "tab_alerts_busy");
}

#[test]
fn health_no_peers() {
    let mut snapshot = fixture("snapshot_busy.json");
    snapshot.net.peers.clear();
    snapshot.net.banned.clear();
    let mut harness = harness(DashboardState::from_snapshot(snapshot));
    harness.snapshot("health_no_peers");
}

#[test]
fn game_bet_kind_menu() {
    let mut harness = harness_for("snapshot_busy.json");
    open_tab(&mut harness, "Game");
    harness.get(by().role(Role::ComboBox)).click();
    harness.run();
    harness.remove_cursor();
    harness.run();
    harness.snapshot("game_bet_kind_menu");
}

#[test]
fn disconnected_banner() {
    let mut state = DashboardState::from_snapshot(fixture("snapshot.json"));
    state.connection =
        ConnectionStatus::Disconnected { reason: "Connect: Connection refused (os error 111)".to_owned() };
    let mut harness = harness(state);
    harness.snapshot("disconnected");
}

#[test]
fn tab_resources_hour_log() {
    let mut harness = harness(crate::resources_tab::state_with_stored_history());
    open_tab(&mut harness, "Resources");
    harness.get_by_label("1 hour").click();
    harness.run();
    harness.get_by_label("Log").click();
    harness.run();
    harness.remove_cursor();
    harness.run();
    harness.snapshot("tab_resources_hour_log");
}
