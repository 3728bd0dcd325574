//! The Alerts tab and app-wide behaviour: Ctrl+1…4, severity grouping, the Silence buttons, the rule editor's
//! validation, save and preview, the persisted tab, and image snapshots of the editor at 100 % and 200 %.

use bitcraps_api::{AlertComparison, AlertRule, AlertSummary, Command};
use bitcraps_ui::alerts::rule_editor::SAVE;
use bitcraps_ui::alerts::{CUSTOM_MINUTES, EDIT_RULES, NO_ALERTS, number};
use bitcraps_ui::{Dashboard, DashboardApp, DashboardState, Tab};
use eframe::App as _;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _, by};

use crate::harness::{fixture, harness, harness_for, harness_scaled, open_tab};

/// The busy fixture with the rules of its two alerts, a rule with no active alert and no data here, and a
/// critical alert.
fn busy_with_rules() -> DashboardState {
    let mut snapshot = fixture("snapshot_busy.json");
    let now_ms = snapshot.node.now_ms;
    snapshot.alert_rules = vec![
        AlertRule {
            name: "high_process_cpu".into(),
            metric: "process_cpu_percent".into(),
            warning: Some(80.0),
            critical: Some(95.0),
            for_ms: 120_000,
            ..AlertRule::default()
        },
        AlertRule {
            name: "db_size".into(),
            metric: "database_size_bytes".into(),
            info: Some(1e9),
            ..AlertRule::default()
        },
        AlertRule {
            name: "disk_free_low".into(),
            metric: "disk_free_percent".into(),
            comparison: AlertComparison::Below,
            warning: Some(15.0),
            critical: Some(5.0),
            ..AlertRule::default()
        },
    ];
    snapshot.alerts.push(AlertSummary {
        alert_id: "alert-3".into(),
        rule: "api_latency".into(),
        severity: "critical".into(),
        state: "firing".into(),
        since_ms: now_ms - 3_000,
        value: 912.0,
        threshold: 500.0,
        ..AlertSummary::default()
    });
    DashboardState::from_snapshot(snapshot)
}

fn alerts_harness() -> Harness<'static, Dashboard> {
    let mut harness = harness(busy_with_rules());
    open_tab(&mut harness, "Alerts");
    harness
}

/// Opens the rule editor on the rule named `rule`.
fn edit_rule(harness: &mut Harness<'_, Dashboard>, rule: &str) {
    harness.get_by_label(EDIT_RULES).scroll_to_me();
    harness.run();
    harness.get_by_label(EDIT_RULES).click();
    harness.run();
    harness.get(by().role(Role::ComboBox).label("Edit rule")).scroll_to_me();
    harness.run();
    harness.get(by().role(Role::ComboBox).label("Edit rule")).click();
    harness.run();
    harness.query_all_by_label(rule).last().unwrap().click();
    harness.run();
    harness.remove_cursor();
    harness.run();
}

/// Replaces the text of the editor field labelled `label`.
fn set_field(harness: &mut Harness<'_, Dashboard>, label: &str, text: &str) {
    harness.get(by().role(Role::TextInput).label(label)).set_text_value_accesskit(text);
    harness.run();
}

/// Scrolls the Save button into view and clicks it.
fn click_save(harness: &mut Harness<'_, Dashboard>) {
    harness.get(by().role(Role::Button).label(SAVE)).scroll_to_me();
    harness.run();
    harness.get(by().role(Role::Button).label(SAVE)).click();
    harness.run();
}

#[test]
fn ctrl_digits_switch_tabs() {
    let mut harness = harness_for("snapshot.json");
    // What winit reports for Ctrl on Linux and Windows: ctrl, and command (the platform's shortcut key).
    let ctrl = Modifiers::CTRL | Modifiers::COMMAND;
    harness.key_press_modifiers(ctrl, Key::Num2);
    harness.run();
    assert_eq!(harness.state().tab, Tab::Game);
    harness.get_by_label(bitcraps_ui::game::NO_TABLES);
    harness.key_press_modifiers(ctrl, Key::Num4);
    harness.run();
    harness.get_by_label(NO_ALERTS);
    harness.key_press_modifiers(ctrl, Key::Num1);
    harness.run();
    assert_eq!(harness.state().tab, Tab::Health);
}

#[test]
fn alerts_are_grouped_critical_first() {
    let harness = alerts_harness();
    let y = |label: &str| harness.get_by_label(label).rect().top();
    assert!(y("Critical (1)") < y("Warning (1)"));
    assert!(y("Warning (1)") < y("Info (1)"));
    assert!(y("api_latency") < y("high_process_cpu"));
}

#[test]
fn silence_15_min_is_sent() {
    let mut harness = alerts_harness();
    // Rows are sorted critical first: the first button silences api_latency.
    harness.query_all_by_label("Silence 15 min").next().unwrap().click();
    harness.run();
    let sent = &harness.state().state.outbox;
    assert_eq!(sent, &vec![Command::SilenceAlert { rule: "api_latency".into(), duration_ms: 900_000 }]);
}

#[test]
fn custom_silence_uses_the_minutes_field() {
    let mut harness = alerts_harness();
    harness.get(by().role(Role::SpinButton).label(CUSTOM_MINUTES)).set_value_accesskit(45.0);
    harness.run();
    let buttons: Vec<_> = harness.query_all_by_label("Silence 45 min").collect();
    assert_eq!(buttons.len(), 3);
    buttons[1].click();
    harness.run();
    let sent = &harness.state().state.outbox;
    assert_eq!(sent, &vec![Command::SilenceAlert { rule: "high_process_cpu".into(), duration_ms: 2_700_000 }]);
}

#[test]
fn an_invalid_threshold_is_explained_and_blocks_save() {
    let mut harness = alerts_harness();
    edit_rule(&mut harness, "disk_free_low");
    set_field(&mut harness, "Critical threshold", "20");
    harness.get_by_label("must be below the warning threshold 15");
    set_field(&mut harness, "For (ms)", "-1");
    harness.get_by_label("must not be negative");
    assert!(harness.get(by().role(Role::Button).label(SAVE)).accesskit_node().is_disabled());
    click_save(&mut harness);
    assert!(harness.state().state.outbox.is_empty());
}

#[test]
fn a_valid_edit_sends_set_alert_rule() {
    let mut harness = alerts_harness();
    edit_rule(&mut harness, "disk_free_low");
    set_field(&mut harness, "Warning threshold", "20");
    set_field(&mut harness, "For (ms)", "60000");
    click_save(&mut harness);
    let expected = AlertRule {
        name: "disk_free_low".into(),
        metric: "disk_free_percent".into(),
        comparison: AlertComparison::Below,
        warning: Some(20.0),
        critical: Some(5.0),
        for_ms: 60_000,
        ..AlertRule::default()
    };
    assert_eq!(harness.state().state.outbox, vec![Command::SetAlertRule { rule: expected }]);
}

#[test]
fn an_unknown_metric_is_refused() {
    let mut harness = alerts_harness();
    edit_rule(&mut harness, "disk_free_low");
    set_field(&mut harness, "Metric", "disk_free");
    harness.get_by_label("unknown metric \"disk_free\"");
    assert!(harness.get(by().role(Role::Button).label(SAVE)).accesskit_node().is_disabled());
}

#[test]
fn preview_shows_the_current_value_or_no_data() {
    let state = busy_with_rules();
    let cpu = f64::from(state.samples.back().unwrap().process_cpu_percent);
    let mut harness = harness(state);
    open_tab(&mut harness, "Alerts");
    edit_rule(&mut harness, "high_process_cpu");
    harness.get_by_label_contains(&format!("Preview: process_cpu_percent = {} (latest sample", number(cpu)));
    harness.get_by_label_contains("would not fire now");
    set_field(&mut harness, "Warning threshold", "0");
    harness.get_by_label_contains("would fire now: warning");
    set_field(&mut harness, "Metric", "disk_free_percent");
    harness.get_by_label_contains("Preview: disk_free_percent: no data");
}

#[test]
fn the_selected_tab_is_persisted() {
    #[derive(Default)]
    struct Memory(std::collections::HashMap<String, String>);
    impl eframe::Storage for Memory {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_owned(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }
    let mut storage = Memory::default();
    assert_eq!(DashboardApp::new(None, None).restored(Some(&storage)).tab(), Tab::Health);
    DashboardApp::new(None, None).with_tab(Tab::Alerts).save(&mut storage);
    assert_eq!(DashboardApp::new(None, None).restored(Some(&storage)).tab(), Tab::Alerts);
    eframe::Storage::set_string(&mut storage, eframe::APP_KEY, "(tab: Nonsense)".to_owned());
    assert_eq!(DashboardApp::new(None, None).restored(Some(&storage)).tab(), Tab::Health);
}

#[test]
fn alerts_rule_editor_image() {
    let mut harness = alerts_harness();
    edit_rule(&mut harness, "high_process_cpu");
    harness.snapshot("alerts_rule_editor");
}

#[test]
fn alerts_rule_editor_image_at_200_percent() {
    let mut harness = harness_scaled(busy_with_rules(), 2.0);
    open_tab(&mut harness, "Alerts");
    edit_rule(&mut harness, "high_process_cpu");
    harness.snapshot("alerts_rule_editor_2x");
}
