//! The bet layout of a joined table: the engine's bet kinds in craps-layout blocks ([`bet_kinds::layout`]), each
//! cell with its payout and exact house edge. Clicking a cell picks that kind for the Place bet row; cells the
//! table's phase does not allow (pass on a point, come on the come-out) are disabled.

use bitcraps_api::TableSummary;

use super::bet_kinds::{self, BetCell};
use super::table::BetDraft;

/// Width of one cell, in points (the layout scales with the UI).
const CELL_WIDTH: f32 = 118.0;

/// Draws the layout for `table`; a click sets `draft.kind`.
pub fn show(ui: &mut egui::Ui, table: &TableSummary, draft: &mut BetDraft) {
    let point = bet_kinds::table_point(&table.phase);
    ui.strong("Bet layout");
    ui.label("Pick a bet, then Place it below. Payouts and house edges come from the rules engine.");
    for group in bet_kinds::layout() {
        let mut body = |ui: &mut egui::Ui| {
            for row in &group.rows {
                ui.horizontal_wrapped(|ui| {
                    for cell in row {
                        cell_button(ui, cell, point, draft);
                    }
                });
            }
        };
        let hops = group.rows.iter().flatten().any(|c| matches!(c.kind, bitcraps_rules::BetKind::Hop(_)));
        if hops {
            egui::CollapsingHeader::new(group.title).id_salt(("layout", &table.table_id, group.title)).show(ui, body);
        } else {
            ui.label(egui::RichText::new(group.title).weak());
            body(ui);
        }
    }
}

fn cell_button(ui: &mut egui::Ui, cell: &BetCell, point: Option<u8>, draft: &mut BetDraft) {
    let allowed = bet_kinds::allowed(cell.kind, point);
    let selected = draft.kind == cell.name;
    let text = format!("{}\n{} · {}", cell.label, cell.payout(point), cell.edge_text());
    let button =
        egui::Button::selectable(selected, egui::RichText::new(text).size(12.0)).min_size(egui::vec2(CELL_WIDTH, 0.0));
    let response = ui.add_enabled(allowed, button);
    let response = response.on_hover_text(cell.details()).on_disabled_hover_text(format!(
        "{}: not allowed in the {} phase",
        cell.label,
        table_phase(point)
    ));
    if response.clicked() {
        draft.kind.clone_from(&cell.name);
    }
}

fn table_phase(point: Option<u8>) -> String {
    point.map_or_else(|| "come-out".to_owned(), |p| format!("point {p}"))
}
