//! The Health tab, top to bottom: the health light with its reasons, the mesh's partition state and connection
//! success and the API connection; the speed-target tiles ([`tiles`]); the latency plots ([`plots`]); the mesh
//! peers ([`peers`]); then who the node is, how long it has run, where it keeps its data and which I/O backend its
//! journal uses.

use bitcraps_api::HealthLevel;
use egui::{Color32, RichText};

use crate::format;
use crate::state::DashboardState;

pub mod peers;
pub mod plots;
pub mod tiles;

use peers::PeerSort;

/// The colour of a health level's light.
pub fn level_color(level: HealthLevel) -> Color32 {
    match level {
        HealthLevel::Green => Color32::from_rgb(0x2e, 0xa0, 0x43),
        HealthLevel::Yellow => Color32::from_rgb(0xd2, 0x99, 0x22),
        HealthLevel::Red => Color32::from_rgb(0xda, 0x36, 0x33),
    }
}

/// The name of a health level, as shown next to its light.
pub fn level_name(level: HealthLevel) -> &'static str {
    match level {
        HealthLevel::Green => "green",
        HealthLevel::Yellow => "yellow",
        HealthLevel::Red => "red",
    }
}

/// Draws the Health tab; the peers table is sorted by `peer_sort` (a header click changes it).
pub fn show(ui: &mut egui::Ui, state: &DashboardState, peer_sort: &mut PeerSort) {
    egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
        status(ui, state);
        if let Some(snapshot) = &state.snapshot {
            ui.add_space(12.0);
            tiles::show(ui, snapshot);
            ui.add_space(12.0);
            plots::show(ui, &state.latency_history);
            ui.add_space(12.0);
            peers::show(ui, &snapshot.net, snapshot.node.now_ms, peer_sort);
        }
        ui.add_space(12.0);
        about(ui, state);
    });
}

/// The partition state in words, e.g. `connected (3 of 3 expected peers linked)`.
pub fn partition_text(net: &bitcraps_api::NetSummary) -> String {
    let state = if net.partition.is_empty() { "unknown (node predates it)" } else { net.partition.as_str() };
    if net.expected_peers == 0 {
        state.to_owned()
    } else {
        format!("{state} ({} of {} expected peers linked)", net.expected_peers_linked, net.expected_peers)
    }
}

/// Connection success over the node's recent attempts, e.g. `97.5 % of 40 attempts`.
pub fn connection_success_text(stats: &bitcraps_api::NetStats) -> String {
    if stats.connection_attempts == 0 {
        return "no attempts yet".to_owned();
    }
    let percent = 100.0 * stats.connection_successes as f64 / stats.connection_attempts as f64;
    format!("{percent:.1} % of {} attempts", stats.connection_attempts)
}

fn status(ui: &mut egui::Ui, state: &DashboardState) {
    ui.heading("Node health");
    ui.add_space(6.0);
    egui::Grid::new("health_grid").num_columns(2).spacing([24.0, 6.0]).striped(true).show(ui, |ui| {
        if let Some(snapshot) = &state.snapshot {
            let level = snapshot.health.level;
            ui.label("Health level");
            ui.horizontal(|ui| {
                let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
                ui.painter().circle_filled(rect.center(), 6.0, level_color(level));
                ui.label(RichText::new(level_name(level)).strong().color(level_color(level)));
            });
            ui.end_row();

            ui.label("Reasons");
            ui.vertical(|ui| {
                if snapshot.health.reasons.is_empty() {
                    ui.label("none: everything is within limits");
                }
                for reason in &snapshot.health.reasons {
                    ui.label(reason);
                }
            });
            ui.end_row();

            if snapshot.net.enabled {
                row(ui, "Partition state", &partition_text(&snapshot.net));
                row(ui, "Connection success", &connection_success_text(&snapshot.net.stats));
            }
            if state.node_stopping {
                row(ui, "Node state", "stopping");
            }
        }
        row(ui, "API state", &state.api_state_text());
    });
    if state.snapshot.is_none() {
        ui.add_space(8.0);
        ui.label("Waiting for the node's first snapshot…");
    }
}

/// Who the node is and where it keeps its data.
fn about(ui: &mut egui::Ui, state: &DashboardState) {
    ui.heading("Node");
    ui.add_space(6.0);
    egui::Grid::new("node_grid").num_columns(2).spacing([24.0, 6.0]).striped(true).show(ui, |ui| {
        if let Some(snapshot) = &state.snapshot {
            let node = &snapshot.node;
            row(ui, "Node id", &node.node_id);
            row(ui, "Version", &node.version);
            row(ui, "Uptime", &format::duration_ms(node.uptime_ms()));
        }
        row(ui, "API URL", non_empty(state.api_url()));
        if let Some(snapshot) = &state.snapshot {
            let node = &snapshot.node;
            row(ui, "Last event id", &snapshot.last_event_id.to_string());
            row(ui, "Event subscribers", &node.event_subscribers.to_string());
            row(ui, "Data dir", non_empty(&node.data_dir));
            row(ui, "DB size", &format::bytes(node.db_size_bytes));
            row(ui, "Sampler interval", &format::interval_ms(node.sampler_interval_ms));
            let journal = &node.journal;
            let backend = if journal.backend.is_empty() {
                "unknown (node predates the journal)".to_owned()
            } else {
                format!("{} ({})", journal.backend, journal.reason)
            };
            row(ui, "I/O backend", &backend);
            row(ui, "Journal records", &journal.records.to_string());
        }
    });
}

fn row(ui: &mut egui::Ui, name: &str, value: &str) {
    ui.label(name);
    ui.label(value);
    ui.end_row();
}

fn non_empty(text: &str) -> &str {
    if text.is_empty() { "unknown" } else { text }
}
