//! The rule editor's draft of an [`AlertRule`] and its validation, field by field.
//!
//! The node validates every rule it receives (`bitcraps_node::alerts::rules::validate`), but the dashboard cannot
//! depend on the node crate (tokio, SQLite, radios), so the same checks are re-implemented here, minimally and
//! with the same bounds: the editor shows each error next to its field and refuses to send what the node would
//! refuse. Unlike the node, which stops at the first error, [`RuleDraft::check`] reports one error per field.

use std::collections::BTreeMap;

use bitcraps_api::{AlertComparison, AlertRule, AlertRuleKind, NoDataPolicy};

/// The metrics the node's rules may watch, mirrored from the node's `Metric::ALL` (the API does not list them).
pub const NODE_METRICS: [&str; 15] = [
    "process_rss_bytes",
    "process_cpu_percent",
    "system_cpu_percent",
    "system_memory_percent",
    "database_size_bytes",
    "disk_free_percent",
    "api_latency_p95_ms",
    "api_error_percent",
    "db_write_p95_ms",
    "event_publish_p95_ms",
    "consensus_latency_p95_ms",
    "consensus_round_ms",
    "peer_connections",
    "peer_connectivity_percent",
    "connection_success_percent",
];

const DAY_MS: u64 = 86_400_000;

/// Errors by field name (the [`AlertRule`] field names), at most one per field.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// An [`AlertRule`] being edited: numbers as the text the user typed, so a half-typed value can be shown and
/// explained instead of silently dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDraft {
    pub name: String,
    pub metric: String,
    pub kind: AlertRuleKind,
    pub comparison: AlertComparison,
    pub info: String,
    pub warning: String,
    pub critical: String,
    pub warning_clear: String,
    pub critical_clear: String,
    pub for_ms: String,
    pub keep_firing_ms: String,
    pub consecutive: String,
    pub window_ms: String,
    pub no_data_ms: String,
    pub no_data: NoDataPolicy,
    pub notify_resolved: bool,
    pub enabled: bool,
    pub description: String,
}

impl Default for RuleDraft {
    fn default() -> Self {
        Self::from_rule(&AlertRule::default())
    }
}

fn opt_text(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl RuleDraft {
    /// A draft holding `rule` as it is.
    pub fn from_rule(rule: &AlertRule) -> Self {
        Self {
            name: rule.name.clone(),
            metric: rule.metric.clone(),
            kind: rule.kind,
            comparison: rule.comparison,
            info: opt_text(rule.info),
            warning: opt_text(rule.warning),
            critical: opt_text(rule.critical),
            warning_clear: opt_text(rule.warning_clear),
            critical_clear: opt_text(rule.critical_clear),
            for_ms: rule.for_ms.to_string(),
            keep_firing_ms: rule.keep_firing_ms.to_string(),
            consecutive: rule.consecutive.to_string(),
            window_ms: rule.window_ms.to_string(),
            no_data_ms: rule.no_data_ms.to_string(),
            no_data: rule.no_data,
            notify_resolved: rule.notify_resolved,
            enabled: rule.enabled,
            description: rule.description.clone(),
        }
    }

    /// The rule this draft describes, or why the node would refuse it. `known_metrics` are the metric names the
    /// node accepts.
    pub fn check(&self, known_metrics: &[String]) -> Result<AlertRule, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut threshold = |field: &'static str, text: &str| match parse_threshold(text) {
            Ok(value) => value,
            Err(message) => {
                errors.insert(field, message);
                None
            }
        };
        let info = threshold("info", &self.info);
        let warning = threshold("warning", &self.warning);
        let critical = threshold("critical", &self.critical);
        let warning_clear = threshold("warning_clear", &self.warning_clear);
        let critical_clear = threshold("critical_clear", &self.critical_clear);
        let mut duration = |field: &'static str, text: &str| match parse_whole(text) {
            Ok(value) => value,
            Err(message) => {
                errors.insert(field, message);
                0
            }
        };
        let for_ms = duration("for_ms", &self.for_ms);
        let keep_firing_ms = duration("keep_firing_ms", &self.keep_firing_ms);
        let consecutive = duration("consecutive", &self.consecutive);
        let window_ms = duration("window_ms", &self.window_ms);
        let no_data_ms = duration("no_data_ms", &self.no_data_ms);
        let rule = AlertRule {
            name: self.name.trim().to_owned(),
            metric: self.metric.trim().to_owned(),
            kind: self.kind,
            comparison: self.comparison,
            info,
            warning,
            critical,
            warning_clear,
            critical_clear,
            for_ms,
            keep_firing_ms,
            consecutive: u32::try_from(consecutive).unwrap_or(u32::MAX),
            window_ms,
            no_data_ms,
            no_data: self.no_data,
            notify_resolved: self.notify_resolved,
            enabled: self.enabled,
            description: self.description.trim().to_owned(),
        };
        for (field, message) in check_rule(&rule, known_metrics) {
            errors.entry(field).or_insert(message);
        }
        if errors.is_empty() { Ok(rule) } else { Err(errors) }
    }
}

/// An optional threshold: empty is "not set".
fn parse_threshold(text: &str) -> Result<Option<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(Some(value)),
        _ => Err(format!("{text:?} is not a number")),
    }
}

/// A whole, non-negative number (milliseconds or a count).
fn parse_whole(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.starts_with('-') {
        return Err("must not be negative".to_owned());
    }
    text.parse::<u64>().map_err(|_| format!("{text:?} is not a whole number"))
}

/// The node's checks of a parsed rule (`bitcraps_node::alerts::rules::validate`), one error per field.
pub fn check_rule(rule: &AlertRule, known_metrics: &[String]) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if rule.name.is_empty()
        || rule.name.len() > 64
        || !rule.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        errors.insert("name", "1 to 64 characters from a-z, A-Z, 0-9, `_` and `-`".to_owned());
    }
    if rule.metric.is_empty() {
        errors.insert("metric", "which metric the rule watches".to_owned());
    } else if !known_metrics.contains(&rule.metric) {
        errors.insert("metric", format!("unknown metric {:?}", rule.metric));
    }
    let (beyond, good_side) = match rule.comparison {
        AlertComparison::Above => ("above", "at or below"),
        AlertComparison::Below => ("below", "at or above"),
    };
    let levels = [
        ("info", rule.info, None, "info"),
        ("warning", rule.warning, rule.warning_clear, "warning_clear"),
        ("critical", rule.critical, rule.critical_clear, "critical_clear"),
    ];
    let mut lower: Option<(&str, f64)> = None;
    for (field, raise, clear, clear_field) in levels {
        let Some(raise) = raise else {
            if clear.is_some() {
                errors.insert(clear_field, format!("set without the {field} threshold"));
            }
            continue;
        };
        if let Some(clear) = clear {
            let wrong_side = match rule.comparison {
                AlertComparison::Above => clear > raise,
                AlertComparison::Below => clear < raise,
            };
            if wrong_side {
                errors.insert(clear_field, format!("must be {good_side} the {field} threshold {raise}"));
            }
        }
        if let Some((lower_field, lower_raise)) = lower {
            let ordered = match rule.comparison {
                AlertComparison::Above => raise > lower_raise,
                AlertComparison::Below => raise < lower_raise,
            };
            if !ordered {
                errors.insert(field, format!("must be {beyond} the {lower_field} threshold {lower_raise}"));
            }
        }
        lower = Some((field, raise));
    }
    if lower.is_none() {
        errors.insert("warning", "set at least one of info, warning, critical".to_owned());
    }
    let day = "0 to 86400000 (one day)";
    if rule.for_ms > DAY_MS {
        errors.insert("for_ms", day.to_owned());
    }
    if rule.keep_firing_ms > DAY_MS {
        errors.insert("keep_firing_ms", day.to_owned());
    }
    if !(1_000..=DAY_MS).contains(&rule.no_data_ms) {
        errors.insert("no_data_ms", "1000 to 86400000".to_owned());
    }
    match rule.kind {
        AlertRuleKind::Consecutive if !(1..=10_000).contains(&rule.consecutive) => {
            errors.insert("consecutive", "1 to 10000".to_owned());
        }
        AlertRuleKind::Trend | AlertRuleKind::Baseline if !(60_000..=7 * DAY_MS).contains(&rule.window_ms) => {
            errors.insert("window_ms", "60000 (one minute) to 604800000 (seven days)".to_owned());
        }
        _ => {}
    }
    errors
}

/// The metric names the editor accepts: the node's list plus any metric an existing rule already watches.
pub fn known_metrics(rules: &[AlertRule]) -> Vec<String> {
    let mut names: Vec<String> = NODE_METRICS.iter().map(|m| (*m).to_owned()).collect();
    for rule in rules {
        if !rule.metric.is_empty() && !names.contains(&rule.metric) {
            names.push(rule.metric.clone());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> RuleDraft {
        RuleDraft {
            name: "cpu".into(),
            metric: "process_cpu_percent".into(),
            warning: "80".into(),
            critical: "95".into(),
            ..RuleDraft::default()
        }
    }

    fn errors(draft: &RuleDraft) -> FieldErrors {
        draft.check(&known_metrics(&[])).err().unwrap_or_default()
    }

    #[test]
    fn a_valid_draft_becomes_the_rule() {
        let rule = draft().check(&known_metrics(&[])).ok();
        assert_eq!(rule.as_ref().and_then(|r| r.warning), Some(80.0));
        assert_eq!(rule.as_ref().and_then(|r| r.critical), Some(95.0));
    }

    #[test]
    fn errors_land_on_the_field_the_node_names() {
        let cases: Vec<(RuleDraft, &str)> = vec![
            (RuleDraft { name: "bad name".into(), ..draft() }, "name"),
            (RuleDraft { name: String::new(), ..draft() }, "name"),
            (RuleDraft { metric: "nope".into(), ..draft() }, "metric"),
            (RuleDraft { critical: "70".into(), ..draft() }, "critical"),
            (RuleDraft { comparison: AlertComparison::Below, ..draft() }, "critical"),
            (RuleDraft { warning_clear: "85".into(), ..draft() }, "warning_clear"),
            (RuleDraft { warning: "abc".into(), ..draft() }, "warning"),
            (RuleDraft { warning: String::new(), critical: String::new(), ..draft() }, "warning"),
            (RuleDraft { for_ms: "-5".into(), ..draft() }, "for_ms"),
            (RuleDraft { for_ms: "90000000".into(), ..draft() }, "for_ms"),
            (RuleDraft { no_data_ms: "0".into(), ..draft() }, "no_data_ms"),
            (RuleDraft { kind: AlertRuleKind::Trend, ..draft() }, "window_ms"),
            (RuleDraft { kind: AlertRuleKind::Consecutive, consecutive: "0".into(), ..draft() }, "consecutive"),
        ];
        for (draft, field) in cases {
            let errors = errors(&draft);
            assert!(errors.contains_key(field), "{field}: {errors:?}");
        }
    }

    #[test]
    fn metrics_of_existing_rules_are_known() {
        let rule = AlertRule { metric: "future_metric".into(), ..AlertRule::default() };
        assert!(known_metrics(&[rule]).contains(&"future_metric".to_owned()));
    }
}
