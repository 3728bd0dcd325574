//! The Game tab: the craps tables the node knows, or a plain statement that there are none yet.

use crate::state::DashboardState;

/// Shown when the node reports no tables. Honest: hosting and joining need the table protocol.
pub const NO_TABLES: &str = "No tables yet: hosting and joining tables arrives with the table protocol.";

/// Draws the Game tab.
pub fn show(ui: &mut egui::Ui, state: &DashboardState) {
    ui.heading("Craps tables");
    ui.add_space(6.0);
    let Some(snapshot) = &state.snapshot else {
        ui.label("Waiting for the node's first snapshot…");
        return;
    };
    let tables = &snapshot.game.tables;
    if tables.is_empty() {
        ui.label(NO_TABLES);
        return;
    }
    egui::Grid::new("tables_grid").num_columns(4).spacing([24.0, 6.0]).striped(true).show(ui, |ui| {
        for title in ["Table", "Host", "Seats", "Phase"] {
            ui.strong(title);
        }
        ui.end_row();
        for table in tables {
            ui.label(&table.table_id);
            ui.label(crate::format::short_id(&table.host_id));
            ui.label(format!("{} / {}", table.seated, table.max_seats));
            ui.label(&table.phase);
            ui.end_row();
        }
    });
}
