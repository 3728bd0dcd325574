//! The node's answer to the last command the dashboard sent, shown under the buttons that send commands (the
//! Alerts and Game tabs).

use crate::state::DashboardState;

/// Draws the last command's result, if there is one: the node's message, or `Refused: <why>`.
pub fn show(ui: &mut egui::Ui, state: &DashboardState) {
    if let Some((ok, text)) = &state.command_result {
        ui.add_space(4.0);
        ui.label(text_of(*ok, text));
    }
}

/// The line shown for a result.
pub fn text_of(ok: bool, text: &str) -> String {
    if ok { text.to_owned() } else { format!("Refused: {text}") }
}
