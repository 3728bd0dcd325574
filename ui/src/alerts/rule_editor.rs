//! The Alerts tab's rule editor: pick an existing rule or start a new one, edit its fields with inline validation
//! ([`super::rule_check`]), see a preview of its current value ([`super::preview`]), and save it with
//! [`Command::SetAlertRule`]. Save stays disabled while any field is invalid.

use bitcraps_api::{AlertComparison, AlertRule, AlertRuleKind, Command, NoDataPolicy};
use egui::RichText;

use super::rule_check::{FieldErrors, RuleDraft, known_metrics};
use crate::state::DashboardState;

/// Label of the "new rule" entry of the rule picker.
pub const NEW_RULE: &str = "New rule";
/// Label of the Save button.
pub const SAVE: &str = "Save rule";

/// What the editor holds between frames.
#[derive(Clone, Debug, Default)]
pub struct RuleEditor {
    /// The editor is shown.
    pub open: bool,
    /// The rule being edited (`None`: a new rule).
    pub selected: Option<String>,
    pub draft: RuleDraft,
}

impl RuleEditor {
    /// Starts editing `rule` (`None`: a new rule).
    pub fn select(&mut self, rule: Option<&AlertRule>) {
        self.selected = rule.map(|r| r.name.clone());
        self.draft = rule.map_or_else(RuleDraft::default, RuleDraft::from_rule);
    }
}

/// Draws the editor; a saved rule is pushed onto `queued`.
pub fn show(ui: &mut egui::Ui, state: &DashboardState, editor: &mut RuleEditor, queued: &mut Vec<Command>) {
    let rules = state.snapshot.as_ref().map(|s| s.alert_rules.as_slice()).unwrap_or_default();
    picker(ui, rules, editor);
    let metrics = known_metrics(rules);
    let checked = editor.draft.check(&metrics);
    let errors = checked.as_ref().err().cloned().unwrap_or_default();
    ui.add_space(4.0);
    egui::Grid::new("rule_editor_grid").num_columns(3).spacing([12.0, 4.0]).show(ui, |ui| {
        fields(ui, &mut editor.draft, &errors, &metrics);
    });
    let saved = editor.selected.as_deref().and_then(|name| rules.iter().find(|r| r.name == name));
    let alert = saved.map(|r| (r.name.as_str(), r.metric.as_str()));
    let metric = editor.draft.metric.trim();
    ui.add_space(4.0);
    ui.label(super::preview::line(state, metric, checked.as_ref().ok(), alert));
    ui.horizontal(|ui| {
        let valid = checked.is_ok();
        let save = ui.add_enabled(valid, egui::Button::new(SAVE));
        if let Ok(rule) = &checked
            && save.clicked()
        {
            queued.push(Command::SetAlertRule { rule: rule.clone() });
            // Keep editing the saved rule: once the node has it, Revert returns to the node's copy.
            editor.selected = Some(rule.name.clone());
        }
        if !valid {
            ui.label(RichText::new("Fix the fields marked in red to save.").color(ui.visuals().warn_fg_color));
        }
        if ui.button("Revert").clicked() {
            editor.select(saved);
        }
    });
}

/// The rule picker: "New rule" or one of the node's rules.
fn picker(ui: &mut egui::Ui, rules: &[AlertRule], editor: &mut RuleEditor) {
    ui.horizontal(|ui| {
        let label = ui.label("Edit rule");
        let current = editor.selected.clone().unwrap_or_else(|| NEW_RULE.to_owned());
        let mut choice: Option<Option<&AlertRule>> = None;
        egui::ComboBox::from_id_salt("rule_picker")
            .selected_text(current)
            .show_ui(ui, |ui| {
                if ui.selectable_label(editor.selected.is_none(), NEW_RULE).clicked() {
                    choice = Some(None);
                }
                for rule in rules {
                    let selected = editor.selected.as_deref() == Some(rule.name.as_str());
                    if ui.selectable_label(selected, &rule.name).clicked() {
                        choice = Some(Some(rule));
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if let Some(rule) = choice {
            editor.select(rule);
        }
    });
}

/// One text field with its label and its error, as a grid row.
fn text_row(ui: &mut egui::Ui, label: &str, hint: &str, text: &mut String, error: Option<&String>) {
    let label = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).hint_text(hint).desired_width(220.0)).labelled_by(label.id);
    error_cell(ui, error);
    ui.end_row();
}

fn error_cell(ui: &mut egui::Ui, error: Option<&String>) {
    match error {
        Some(error) => {
            ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
        }
        None => {
            ui.label("");
        }
    }
}

fn choice_row<T: PartialEq + Copy>(ui: &mut egui::Ui, label: &str, value: &mut T, options: &[(T, &str)]) {
    let label = ui.label(label);
    ui.horizontal(|ui| {
        for (option, name) in options {
            ui.radio_value(value, *option, *name);
        }
    })
    .response
    .labelled_by(label.id);
    ui.label("");
    ui.end_row();
}

fn fields(ui: &mut egui::Ui, draft: &mut RuleDraft, errors: &FieldErrors, metrics: &[String]) {
    let e = |field: &str| errors.get(field);
    text_row(ui, "Name", "e.g. high_cpu", &mut draft.name, e("name"));
    let label = ui.label("Metric");
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(&mut draft.metric).hint_text("metric name").desired_width(220.0))
            .labelled_by(label.id);
        ui.menu_button("Known metrics", |ui| {
            for metric in metrics {
                if ui.button(metric).clicked() {
                    draft.metric.clone_from(metric);
                    ui.close();
                }
            }
        });
    });
    error_cell(ui, e("metric"));
    ui.end_row();
    use AlertRuleKind as K;
    let kinds =
        [(K::Threshold, "threshold"), (K::Consecutive, "consecutive"), (K::Trend, "trend"), (K::Baseline, "baseline")];
    choice_row(ui, "Kind", &mut draft.kind, &kinds);
    choice_row(
        ui,
        "Comparison",
        &mut draft.comparison,
        &[(AlertComparison::Above, "above"), (AlertComparison::Below, "below")],
    );
    text_row(ui, "Info threshold", "not set", &mut draft.info, e("info"));
    text_row(ui, "Warning threshold", "not set", &mut draft.warning, e("warning"));
    text_row(ui, "Critical threshold", "not set", &mut draft.critical, e("critical"));
    text_row(ui, "Warning clear", "= warning threshold", &mut draft.warning_clear, e("warning_clear"));
    text_row(ui, "Critical clear", "= critical threshold", &mut draft.critical_clear, e("critical_clear"));
    text_row(ui, "For (ms)", "0", &mut draft.for_ms, e("for_ms"));
    text_row(ui, "Keep firing (ms)", "0", &mut draft.keep_firing_ms, e("keep_firing_ms"));
    if draft.kind == K::Consecutive {
        text_row(ui, "Consecutive points", "1", &mut draft.consecutive, e("consecutive"));
    }
    if matches!(draft.kind, K::Trend | K::Baseline) {
        text_row(ui, "Window (ms)", "60000", &mut draft.window_ms, e("window_ms"));
    }
    text_row(ui, "No data after (ms)", "30000", &mut draft.no_data_ms, e("no_data_ms"));
    let policies = [(NoDataPolicy::Keep, "keep"), (NoDataPolicy::Alert, "alert"), (NoDataPolicy::Resolve, "resolve")];
    choice_row(ui, "On no data", &mut draft.no_data, &policies);
    ui.label("");
    ui.horizontal(|ui| {
        ui.checkbox(&mut draft.enabled, "Enabled");
        ui.checkbox(&mut draft.notify_resolved, "Notify when resolved");
    });
    ui.label("");
    ui.end_row();
    text_row(ui, "Description", "shown in notifications", &mut draft.description, e("description"));
}
