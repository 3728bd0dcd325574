//! Alert rules and alert history as they cross the API boundary (and as the `[alerts]` config section spells them).

use serde::{Deserialize, Serialize};

/// How bad an alert is; the tray shows the worst active one (warning yellow, critical red).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[serde(rename_all = "snake_case")]
pub enum AlertSeverity {
    Info,
    #[default]
    Warning,
    Critical,
}

impl AlertSeverity {
    /// The lowercase name used in summaries, history and notifications.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

/// How a rule turns a metric into a condition.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum AlertRuleKind {
    /// The value itself against the thresholds.
    #[default]
    Threshold,
    /// The value beyond the raise threshold for `consecutive` data points in a row.
    Consecutive,
    /// The least-squares slope over `window_ms`, in units per hour, against the thresholds.
    Trend,
    /// Percent above a baseline learned over `window_ms` (the runbook's +50 % / +100 % degradation levels).
    Baseline,
}

/// Which side of a threshold is bad.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum AlertComparison {
    #[default]
    Above,
    Below,
}

/// What a rule does while its metric reports nothing (missing data never silently resolves an alert).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum NoDataPolicy {
    /// Keep the current state: no transition at all while the data is missing or stale.
    #[default]
    Keep,
    /// Treat missing data as the condition holding at the rule's lowest severity.
    Alert,
    /// Treat missing data as the condition cleared (an explicit choice per rule).
    Resolve,
}

/// One alert rule. Every field has a default, so a config entry names only what it changes; a rule with the name
/// of a default rule replaces it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AlertRule {
    /// Unique name; also the alert's id.
    pub name: String,
    /// The metric the rule watches (see the node's metric list, e.g. `process_rss_bytes`).
    pub metric: String,
    pub kind: AlertRuleKind,
    pub comparison: AlertComparison,
    /// Raise threshold for `info` (optional).
    pub info: Option<f64>,
    /// Raise threshold for `warning` (optional).
    pub warning: Option<f64>,
    /// Raise threshold for `critical` (optional).
    pub critical: Option<f64>,
    /// Clear threshold for `warning` (asymmetric hysteresis); the raise threshold when absent.
    pub warning_clear: Option<f64>,
    /// Clear threshold for `critical`; the raise threshold when absent.
    pub critical_clear: Option<f64>,
    /// How long the condition must hold before pending turns firing.
    pub for_ms: u64,
    /// How long a firing alert keeps firing after its condition clears.
    pub keep_firing_ms: u64,
    /// Data points in a row for `consecutive` rules.
    pub consecutive: u32,
    /// Regression window of `trend` rules; learning window of `baseline` rules.
    pub window_ms: u64,
    /// Data older than this counts as missing.
    pub no_data_ms: u64,
    pub no_data: NoDataPolicy,
    /// Also notify when the alert resolves.
    pub notify_resolved: bool,
    pub enabled: bool,
    /// Human description, used in notifications.
    pub description: String,
}

impl Default for AlertRule {
    fn default() -> Self {
        Self {
            name: String::new(),
            metric: String::new(),
            kind: AlertRuleKind::Threshold,
            comparison: AlertComparison::Above,
            info: None,
            warning: None,
            critical: None,
            warning_clear: None,
            critical_clear: None,
            for_ms: 0,
            keep_firing_ms: 0,
            consecutive: 1,
            window_ms: 0,
            no_data_ms: 30_000,
            no_data: NoDataPolicy::Keep,
            notify_resolved: true,
            enabled: true,
            description: String::new(),
        }
    }
}

/// One transition in an alert's life, as kept in the history.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct AlertHistoryEntry {
    /// Unix time of the transition, in milliseconds.
    pub at_ms: u64,
    pub rule: String,
    pub severity: String,
    /// `firing`, `resolved`, `escalated`, `acknowledged`, `silenced`.
    pub event: String,
    pub value: f64,
    pub threshold: f64,
}
