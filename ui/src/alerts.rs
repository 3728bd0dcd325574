//! The Alerts tab: alerts the node reports as pending or firing, or a plain statement that there are none.

use crate::format;
use crate::state::DashboardState;

/// Shown when the node reports no alerts.
pub const NO_ALERTS: &str = "No alerts pending or firing.";

/// Draws the Alerts tab.
pub fn show(ui: &mut egui::Ui, state: &DashboardState) {
    ui.heading("Pending and firing alerts");
    ui.add_space(6.0);
    let Some(snapshot) = &state.snapshot else {
        ui.label("Waiting for the node's first snapshot…");
        return;
    };
    if snapshot.alerts.is_empty() {
        ui.label(NO_ALERTS);
        return;
    }
    let now_ms = snapshot.node.now_ms;
    egui::Grid::new("alerts_grid").num_columns(6).spacing([24.0, 6.0]).striped(true).show(ui, |ui| {
        for title in ["Rule", "Severity", "State", "For", "Value", "Threshold"] {
            ui.strong(title);
        }
        ui.end_row();
        for alert in &snapshot.alerts {
            ui.label(&alert.rule);
            ui.label(&alert.severity);
            ui.label(&alert.state);
            ui.label(format::duration_ms(now_ms.saturating_sub(alert.since_ms)));
            ui.label(number(alert.value));
            ui.label(number(alert.threshold));
            ui.end_row();
        }
    });
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
