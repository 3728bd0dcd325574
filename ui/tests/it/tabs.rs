//! Each tab drawn from the fixture snapshots: tab switching by label, values with units, honest empty states, and
//! the "Disconnected — retrying" banner.

use bitcraps_ui::app::DISCONNECTED_BANNER;
use bitcraps_ui::{ConnectionStatus, DashboardState, format};
use egui_kittest::kittest::Queryable as _;

use crate::harness::{fixture, harness, harness_for, open_tab};

#[test]
fn tab_bar_has_the_four_tabs() {
    let harness = harness_for("snapshot.json");
    for label in ["Health", "Game", "Resources", "Alerts"] {
        harness.get_by_label(label);
    }
}

#[test]
fn health_shows_node_api_and_level() {
    let snapshot = fixture("snapshot.json");
    let harness = harness_for("snapshot.json");
    let node = &snapshot.node;
    harness.get_by_label(&node.node_id);
    harness.get_by_label(&node.version);
    harness.get_by_label("2 h 3 min 4 s");
    harness.get_by_label("connected");
    harness.get_by_label(&node.api_url);
    harness.get_by_label(&snapshot.last_event_id.to_string());
    harness.get_by_label("Event subscribers");
    harness.get_by_label(&node.data_dir);
    harness.get_by_label(&format::bytes(node.db_size_bytes));
    harness.get_by_label("1 s");
    harness.get_by_label("green");
    harness.get_by_label("none: everything is within limits");
}

#[test]
fn health_shows_the_journal_io_backend_and_why() {
    let mut snapshot = fixture("snapshot.json");
    snapshot.node.journal = bitcraps_api::JournalStatus {
        backend: "epoll".into(),
        reason: "io_uring unavailable: EPERM; compio fell back to epoll".into(),
        records: 42,
    };
    let harness = harness(DashboardState::from_snapshot(snapshot));
    harness.get_by_label("I/O backend");
    harness.get_by_label("epoll (io_uring unavailable: EPERM; compio fell back to epoll)");
    harness.get_by_label("42");
}

#[test]
fn health_lists_reasons_when_not_green() {
    let snapshot = fixture("snapshot_busy.json");
    let harness = harness_for("snapshot_busy.json");
    harness.get_by_label("yellow");
    for reason in &snapshot.health.reasons {
        harness.get_by_label(reason);
    }
    harness.get_by_label("1 d 2 h 3 min");
}

#[test]
fn game_says_plainly_that_there_are_no_tables() {
    let mut harness = harness_for("snapshot.json");
    open_tab(&mut harness, "Game");
    harness.get_by_label(bitcraps_ui::game::NO_TABLES);
}

#[test]
fn game_lists_tables() {
    let snapshot = fixture("snapshot_busy.json");
    let mut harness = harness_for("snapshot_busy.json");
    open_tab(&mut harness, "Game");
    assert!(harness.query_by_label(bitcraps_ui::game::NO_TABLES).is_none());
    for table in &snapshot.game.tables {
        harness.get_by_label(format::short_id(&table.table_id));
        assert!(harness.query_all_by_label_contains(&table.phase).next().is_some(), "{} is not shown", table.phase);
    }
    harness.get_by_label("2 / 8");
    harness.get_by_label("6 / 6");
}

#[test]
fn alerts_says_plainly_that_there_are_none() {
    let mut harness = harness_for("snapshot.json");
    open_tab(&mut harness, "Alerts");
    harness.get_by_label(bitcraps_ui::alerts::NO_ALERTS);
}

#[test]
fn alerts_lists_alerts() {
    let mut harness = harness_for("snapshot_busy.json");
    open_tab(&mut harness, "Alerts");
    assert!(harness.query_by_label(bitcraps_ui::alerts::NO_ALERTS).is_none());
    harness.get_by_label("high_process_cpu");
    harness.get_by_label("firing");
    harness.get_by_label("pending");
    harness.get_by_label("2 min 5 s");
    harness.get_by_label("86.5");
}

#[test]
fn resources_shows_current_values_with_units_and_plots() {
    let snapshot = fixture("snapshot.json");
    let latest = snapshot.resources.last().unwrap();
    let mut harness = harness_for("snapshot.json");
    open_tab(&mut harness, "Resources");
    for name in [
        "Process CPU",
        "RSS",
        "Threads",
        "Open fds",
        "Disk read",
        "Disk write",
        "Network rx",
        "Network tx",
        "System CPU",
        "System memory",
        "DB size",
    ] {
        harness.get_by_label(name);
    }
    for value in [
        format::percent(latest.process_cpu_percent),
        format::bytes(latest.rss_bytes),
        format::rate(latest.disk_read_bytes_per_s),
        format::rate(latest.disk_write_bytes_per_s),
        format::rate(latest.net_rx_bytes_per_s),
        format::rate(latest.net_tx_bytes_per_s),
        format::percent(latest.system_cpu_percent),
        format::bytes(latest.db_size_bytes),
    ] {
        assert!(harness.query_all_by_label(&value).next().is_some(), "{value} is not shown");
    }
    harness.get_by_label_contains(&format!("{} / ", format::bytes(latest.system_memory_used_bytes)));
    harness.get_by_label("900 samples held, sampled every 1 s");
    for title in [
        "Process CPU use",
        "System CPU use",
        "Node memory (RSS)",
        "System memory used",
        "Disk I/O",
        "Network I/O",
        "Threads and open files",
        "Database size",
    ] {
        harness.get_by_label(title);
    }
}

#[test]
fn waiting_for_first_snapshot_is_said_on_every_tab() {
    let mut harness = harness(DashboardState::new("http://127.0.0.1:43123"));
    harness.get_by_label("connecting");
    for tab in ["Health", "Game", "Resources", "Alerts"] {
        open_tab(&mut harness, tab);
        harness.get_by_label("Waiting for the node's first snapshot…");
    }
}

#[test]
fn disconnected_state_shows_the_banner_and_keeps_the_data() {
    let mut state = DashboardState::from_snapshot(fixture("snapshot.json"));
    state.connection = ConnectionStatus::Disconnected { reason: "Connect: connection refused".to_owned() };
    let node_id = state.snapshot.as_ref().unwrap().node.node_id.clone();
    let harness = harness(state);
    harness.get_by_label(DISCONNECTED_BANNER);
    // Said in the banner and in the Health tab's API state.
    assert_eq!(harness.query_all_by_label_contains("connection refused").count(), 2);
    harness.get_by_label(&node_id);
    harness.get_by_label_contains("reconnecting");
}

#[test]
fn connected_state_shows_no_banner() {
    let harness = harness_for("snapshot.json");
    assert!(harness.query_by_label(DISCONNECTED_BANNER).is_none());
}

#[test]
fn node_errors_are_shown() {
    let mut state = DashboardState::from_snapshot(fixture("snapshot.json"));
    state.last_error = Some("bad token (unauthorized)".to_owned());
    let harness = harness(state);
    harness.get_by_label("Node error: bad token (unauthorized)");
}

/// How many filled rectangles of the last frame cover more than half of the window.
fn window_sized_fills(harness: &egui_kittest::Harness<'_, bitcraps_ui::Dashboard>) -> usize {
    fn count(shape: &egui::Shape, half: f32) -> usize {
        match shape {
            egui::Shape::Rect(rect) => usize::from(rect.fill.a() > 0 && rect.rect.area() > half),
            egui::Shape::Vec(shapes) => shapes.iter().map(|s| count(s, half)).sum(),
            _ => 0,
        }
    }
    let half = crate::harness::SIZE[0] * crate::harness::SIZE[1] / 2.0;
    harness.output().shapes.iter().map(|clipped| count(&clipped.shape, half)).sum()
}

#[test]
fn the_app_leaves_the_panel_background_to_the_renderers_clear() {
    // The harness paints one window-sized frame of its own around the dashboard.
    let mut harness = harness_for("snapshot.json");
    assert_eq!(window_sized_fills(&harness), 2, "by default the central panel paints its background");
    harness.state_mut().fill_panels = false;
    harness.run();
    assert_eq!(window_sized_fills(&harness), 1, "no window-sized fill of the dashboard's own is left to shade");
    // The eframe app draws that way, and clears each frame to the panel colour.
    let visuals = egui::Visuals::light();
    let app = bitcraps_ui::DashboardApp::new(None, None);
    assert_eq!(eframe::App::clear_color(&app, &visuals), visuals.panel_fill.to_normalized_gamma_f32());
}
