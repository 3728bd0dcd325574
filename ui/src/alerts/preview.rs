//! The rule editor's preview: the current value of the rule's metric as far as the dashboard knows it, and whether
//! the rule as drafted would fire on it now.
//!
//! The dashboard holds resource samples (RSS, CPU, system memory, database size) and the active alerts' last
//! values; any other metric has no data here, and the preview says so rather than guess.

use bitcraps_api::{AlertComparison, AlertRule, AlertRuleKind};

use crate::state::DashboardState;

/// Where a current value came from.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrentValue {
    pub value: f64,
    /// E.g. `latest sample, 2 s old` or `active alert`.
    pub source: String,
}

/// The current value of `metric`, or why there is none. `alert` is (rule name, the metric that rule watches as
/// saved): an active alert of that rule carries the metric's value when the metric is the same.
pub fn current_value(
    state: &DashboardState,
    metric: &str,
    no_data_ms: u64,
    alert: Option<(&str, &str)>,
) -> Result<CurrentValue, String> {
    let now_ms = state.snapshot.as_ref().map_or(0, |s| s.node.now_ms);
    if let Some(extract) = sample_metric(metric) {
        let Some(sample) = state.samples.back() else {
            return Err("no data: no resource sample received yet".to_owned());
        };
        let age_ms = now_ms.saturating_sub(sample.at_ms);
        if no_data_ms > 0 && age_ms > no_data_ms {
            return Err(format!("no data: the latest sample is {} old", crate::format::duration_ms(age_ms)));
        }
        return match extract(sample) {
            Some(value) => {
                Ok(CurrentValue { value, source: format!("latest sample, {} old", crate::format::duration_ms(age_ms)) })
            }
            None => Err("no data: the latest sample does not have it".to_owned()),
        };
    }
    let alerts = state.snapshot.as_ref().map(|s| s.alerts.as_slice()).unwrap_or_default();
    if let Some((rule, alert_metric)) = alert
        && alert_metric == metric
        && let Some(active) = alerts.iter().find(|a| a.rule == rule)
    {
        return Ok(CurrentValue { value: active.value, source: "value of the active alert".to_owned() });
    }
    Err("no data: the dashboard does not receive this metric".to_owned())
}

type Extract = fn(&bitcraps_api::ResourceSample) -> Option<f64>;

/// How to read `metric` from a resource sample, if samples carry it.
fn sample_metric(metric: &str) -> Option<Extract> {
    let extract: Extract = match metric {
        "process_rss_bytes" => |s| Some(s.rss_bytes as f64),
        "process_cpu_percent" => |s| Some(f64::from(s.process_cpu_percent)),
        "system_cpu_percent" => |s| Some(f64::from(s.system_cpu_percent)),
        "system_memory_percent" => |s| {
            (s.system_memory_total_bytes > 0)
                .then(|| s.system_memory_used_bytes as f64 * 100.0 / s.system_memory_total_bytes as f64)
        },
        "database_size_bytes" => |s| Some(s.db_size_bytes as f64),
        _ => return None,
    };
    Some(extract)
}

/// The highest severity whose raise threshold `value` has reached, with that threshold.
pub fn would_fire(rule: &AlertRule, value: f64) -> Option<(&'static str, f64)> {
    let beyond = |raise: f64| match rule.comparison {
        AlertComparison::Above => value >= raise,
        AlertComparison::Below => value <= raise,
    };
    [("critical", rule.critical), ("warning", rule.warning), ("info", rule.info)]
        .into_iter()
        .find_map(|(severity, raise)| raise.filter(|r| beyond(*r)).map(|r| (severity, r)))
}

/// The preview line for `rule` (or, while the draft is invalid, only its metric's value).
pub fn line(state: &DashboardState, metric: &str, rule: Option<&AlertRule>, alert: Option<(&str, &str)>) -> String {
    let no_data_ms = rule.map_or(0, |r| r.no_data_ms);
    let current = match current_value(state, metric, no_data_ms, alert) {
        Ok(current) => current,
        Err(reason) => return format!("Preview: {metric}: {reason}; the rule cannot be evaluated here."),
    };
    let value = super::number(current.value);
    let head = format!("Preview: {metric} = {value} ({})", current.source);
    let Some(rule) = rule else {
        return format!("{head}; fix the errors above to see whether it would fire.");
    };
    if matches!(rule.kind, AlertRuleKind::Trend | AlertRuleKind::Baseline) {
        return format!("{head}; the node evaluates this rule over its window, so it cannot be judged here.");
    }
    let sign = match rule.comparison {
        AlertComparison::Above => ">=",
        AlertComparison::Below => "<=",
    };
    match would_fire(rule, current.value) {
        Some((severity, raise)) => {
            let raise = super::number(raise);
            let when = match (rule.kind, rule.for_ms) {
                (AlertRuleKind::Consecutive, _) if rule.consecutive > 1 => {
                    format!(" after {} points in a row", rule.consecutive)
                }
                (_, 0) => String::new(),
                (_, for_ms) => format!(" after {} pending", crate::format::duration_ms(for_ms)),
            };
            format!("{head}: would fire now: {severity} ({value} {sign} {raise}){when}.")
        }
        None => format!("{head}: would not fire now."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_crossed_severity_fires() {
        let rule = AlertRule { warning: Some(80.0), critical: Some(95.0), ..AlertRule::default() };
        assert_eq!(would_fire(&rule, 85.0), Some(("warning", 80.0)));
        assert_eq!(would_fire(&rule, 95.0), Some(("critical", 95.0)));
        assert_eq!(would_fire(&rule, 10.0), None);
        let below = AlertRule { comparison: AlertComparison::Below, warning: Some(20.0), ..AlertRule::default() };
        assert_eq!(would_fire(&below, 10.0), Some(("warning", 20.0)));
    }

    #[test]
    fn unknown_metrics_have_no_data() {
        let state = DashboardState::new("");
        let line = line(&state, "api_latency_p95_ms", None, None);
        assert!(line.contains("no data"), "{line}");
    }
}
