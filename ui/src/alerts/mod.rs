//! The Alerts tab: pending and firing alerts grouped by severity (critical first) with Acknowledge and Silence
//! (15 min, 1 h or a custom number of minutes) buttons, the rule editor ([`rule_editor`]), then the recent
//! history. Buttons queue commands in [`DashboardState::outbox`]; the connection sends them over the event socket.

use bitcraps_api::{AlertSummary, Command};
use egui::{Color32, RichText};

use crate::format;
use crate::state::DashboardState;

pub mod preview;
pub mod rule_check;
pub mod rule_editor;

use rule_editor::RuleEditor;

/// Shown when the node reports no alerts.
pub const NO_ALERTS: &str = "No alerts pending or firing.";
/// Silence of the "Silence 15 min" button.
pub const SILENCE_SHORT_MS: u64 = 15 * 60_000;
/// Silence of the "Silence 1 h" button.
pub const SILENCE_MS: u64 = 3_600_000;
/// Label of the custom silence's minutes field.
pub const CUSTOM_MINUTES: &str = "Custom silence (minutes)";
/// Label of the button that opens and closes the rule editor.
pub const EDIT_RULES: &str = "Edit rules";
/// History rows shown.
const HISTORY_ROWS: usize = 20;
/// The longest custom silence offered: one week.
const MAX_CUSTOM_MINUTES: u32 = 7 * 24 * 60;

/// What the Alerts tab holds between frames.
#[derive(Clone, Debug)]
pub struct AlertsForm {
    /// Minutes of the custom Silence buttons.
    pub custom_minutes: u32,
    pub editor: RuleEditor,
}

impl Default for AlertsForm {
    fn default() -> Self {
        Self { custom_minutes: 30, editor: RuleEditor::default() }
    }
}

/// Label of the custom Silence button for `minutes`.
pub fn custom_silence_label(minutes: u32) -> String {
    format!("Silence {minutes} min")
}

/// Rank of a severity name: critical first, unknown names last.
fn severity_rank(severity: &str) -> u8 {
    match severity {
        "critical" => 0,
        "warning" => 1,
        "info" => 2,
        _ => 3,
    }
}

fn severity_color(ui: &egui::Ui, severity: &str) -> Color32 {
    match severity {
        "critical" => ui.visuals().error_fg_color,
        "warning" => ui.visuals().warn_fg_color,
        _ => ui.visuals().text_color(),
    }
}

/// Draws the Alerts tab.
pub fn show(ui: &mut egui::Ui, state: &mut DashboardState, form: &mut AlertsForm) {
    egui::ScrollArea::both().auto_shrink([false, false]).show(ui, |ui| tab(ui, state, form));
}

fn tab(ui: &mut egui::Ui, state: &mut DashboardState, form: &mut AlertsForm) {
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
        ui.horizontal(|ui| {
            let label = ui.label(CUSTOM_MINUTES);
            ui.add(egui::DragValue::new(&mut form.custom_minutes).range(1..=MAX_CUSTOM_MINUTES).suffix(" min"))
                .labelled_by(label.id);
        });
        let mut alerts: Vec<&AlertSummary> = snapshot.alerts.iter().collect();
        alerts.sort_by(|a, b| {
            (severity_rank(&a.severity), a.state != "firing", &a.rule).cmp(&(
                severity_rank(&b.severity),
                b.state != "firing",
                &b.rule,
            ))
        });
        for group in alerts.chunk_by(|a, b| a.severity == b.severity) {
            let severity = group.first().map_or("", |a| a.severity.as_str());
            ui.add_space(6.0);
            let title = format!("{} ({})", capitalized(severity), group.len());
            ui.label(RichText::new(title).strong().color(severity_color(ui, severity)));
            alert_grid(ui, severity, group, now_ms, form.custom_minutes, &mut queued);
        }
    }
    crate::command_result::show(ui, state);
    ui.add_space(12.0);
    ui.horizontal(|ui| {
        ui.heading("Rules");
        ui.toggle_value(&mut form.editor.open, EDIT_RULES);
    });
    if form.editor.open {
        egui::Frame::group(ui.style()).show(ui, |ui| rule_editor::show(ui, state, &mut form.editor, &mut queued));
    } else {
        let rules = state.snapshot.as_ref().map_or(0, |s| s.alert_rules.len());
        ui.label(format!("{rules} rules on the node."));
    }
    ui.add_space(12.0);
    history(ui, state);
    state.outbox.extend(queued);
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_else(|| "Unknown".to_owned())
}

fn alert_grid(
    ui: &mut egui::Ui,
    severity: &str,
    alerts: &[&AlertSummary],
    now_ms: u64,
    custom_minutes: u32,
    queued: &mut Vec<Command>,
) {
    egui::Grid::new(("alerts_grid", severity)).num_columns(8).spacing([24.0, 6.0]).striped(true).show(ui, |ui| {
        for title in ["Rule", "Severity", "State", "For", "Value", "Threshold", "", ""] {
            ui.strong(title);
        }
        ui.end_row();
        for alert in alerts {
            ui.label(&alert.rule).on_hover_text(&alert.message);
            ui.label(RichText::new(&alert.severity).color(severity_color(ui, &alert.severity)));
            ui.label(&alert.state);
            ui.label(format::duration_ms(now_ms.saturating_sub(alert.since_ms)));
            ui.label(number(alert.value));
            ui.label(number(alert.threshold));
            if alert.acknowledged {
                ui.label("acknowledged");
            } else if ui.button("Acknowledge").clicked() {
                queued.push(Command::AckAlert { rule: alert.rule.clone() });
            }
            let silence = |duration_ms: u64| Command::SilenceAlert { rule: alert.rule.clone(), duration_ms };
            ui.horizontal(|ui| {
                if alert.silenced_until_ms > now_ms {
                    let left = format::duration_ms(alert.silenced_until_ms - now_ms);
                    ui.label(format!("silenced, {left} left"));
                    if ui.button("Unsilence").clicked() {
                        queued.push(silence(0));
                    }
                    return;
                }
                if ui.button("Silence 15 min").clicked() {
                    queued.push(silence(SILENCE_SHORT_MS));
                }
                if ui.button("Silence 1 h").clicked() {
                    queued.push(silence(SILENCE_MS));
                }
                if ui.button(custom_silence_label(custom_minutes)).clicked() {
                    queued.push(silence(u64::from(custom_minutes) * 60_000));
                }
            });
            ui.end_row();
        }
    });
}

fn history(ui: &mut egui::Ui, state: &DashboardState) {
    ui.heading("History");
    let Some(snapshot) = &state.snapshot else { return };
    let now_ms = snapshot.node.now_ms;
    if snapshot.alert_history.is_empty() {
        ui.label("No alert has fired yet.");
        return;
    }
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

/// A measured value without spurious decimals: `3`, `0.25`, `1234.5`.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}
