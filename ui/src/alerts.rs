//! The Alerts tab: pending and firing alerts with Acknowledge and Silence buttons, then the recent history.
//! Buttons queue commands in [`DashboardState::outbox`]; the connection sends them over the event socket.

use bitcraps_api::Command;

use crate::format;
use crate::state::DashboardState;

/// Shown when the node reports no alerts.
pub const NO_ALERTS: &str = "No alerts pending or firing.";
/// Silence offered by the Silence button.
pub const SILENCE_MS: u64 = 3_600_000;
/// History rows shown.
const HISTORY_ROWS: usize = 20;

/// Draws the Alerts tab.
pub fn show(ui: &mut egui::Ui, state: &mut DashboardState) {
    ui.heading("Pending and firing alerts");
    ui.add_space(6.0);
    let Some(snapshot) = &state.snapshot else {
        ui.label("Waiting for the node's first snapshot…");
        return;
    };
    let now_ms = snapshot.node.now_ms;
    let mut queued = Vec::new();
    if snapshot.alerts.is_empty() {
        ui.label(NO_ALERTS);
    } else {
        egui::Grid::new("alerts_grid").num_columns(8).spacing([24.0, 6.0]).striped(true).show(ui, |ui| {
            for title in ["Rule", "Severity", "State", "For", "Value", "Threshold", "", ""] {
                ui.strong(title);
            }
            ui.end_row();
            for alert in &snapshot.alerts {
                ui.label(&alert.rule).on_hover_text(&alert.message);
                ui.label(&alert.severity);
                ui.label(&alert.state);
                ui.label(format::duration_ms(now_ms.saturating_sub(alert.since_ms)));
                ui.label(number(alert.value));
                ui.label(number(alert.threshold));
                if alert.acknowledged {
                    ui.label("acknowledged");
                } else if ui.button("Acknowledge").clicked() {
                    queued.push(Command::AckAlert { rule: alert.rule.clone() });
                }
                if alert.silenced_until_ms > now_ms {
                    if ui.button("Unsilence").clicked() {
                        queued.push(Command::SilenceAlert { rule: alert.rule.clone(), duration_ms: 0 });
                    }
                } else if ui.button("Silence 1 h").clicked() {
                    queued.push(Command::SilenceAlert { rule: alert.rule.clone(), duration_ms: SILENCE_MS });
                }
                ui.end_row();
            }
        });
    }
    crate::command_result::show(ui, state);
    ui.add_space(12.0);
    ui.heading("History");
    if snapshot.alert_history.is_empty() {
        ui.label("No alert has fired yet.");
    } else {
        egui::Grid::new("alert_history_grid").num_columns(5).spacing([24.0, 4.0]).striped(true).show(ui, |ui| {
            for title in ["Ago", "Rule", "Severity", "Event", "Value"] {
                ui.strong(title);
            }
            ui.end_row();
            for entry in snapshot.alert_history.iter().take(HISTORY_ROWS) {
                ui.label(format::duration_ms(now_ms.saturating_sub(entry.at_ms)));
                ui.label(&entry.rule);
                ui.label(&entry.severity);
                ui.label(&entry.event);
                ui.label(number(entry.value));
                ui.end_row();
            }
        });
    }
    state.outbox.extend(queued);
}

/// A measured value without spurious decimals: `3`, `0.25`, `1234.5`.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}
