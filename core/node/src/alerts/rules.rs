//! Alert rules: the metrics a rule may watch, and validation of an [`AlertRule`] (from config or the API) into a
//! [`Rule`] the engine evaluates. Every error names the rule and the field.

use bitcraps_api::{AlertComparison, AlertRule, AlertRuleKind, AlertSeverity, NoDataPolicy};

/// Everything a rule can watch: the resource sample, the golden signals, the disk probe and the mesh
/// (`service::AlertService::add_mesh`); a figure with nothing to measure reports no data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    ProcessRssBytes,
    ProcessCpuPercent,
    SystemCpuPercent,
    SystemMemoryPercent,
    DatabaseSizeBytes,
    DiskFreePercent,
    ApiLatencyP95Ms,
    ApiErrorPercent,
    DbWriteP95Ms,
    EventPublishP95Ms,
    ConsensusLatencyP95Ms,
    ConsensusRoundMs,
    PeerConnections,
    PeerConnectivityPercent,
    ConnectionSuccessPercent,
}

impl Metric {
    /// Every metric, in index order.
    pub const ALL: [Metric; 15] = [
        Self::ProcessRssBytes,
        Self::ProcessCpuPercent,
        Self::SystemCpuPercent,
        Self::SystemMemoryPercent,
        Self::DatabaseSizeBytes,
        Self::DiskFreePercent,
        Self::ApiLatencyP95Ms,
        Self::ApiErrorPercent,
        Self::DbWriteP95Ms,
        Self::EventPublishP95Ms,
        Self::ConsensusLatencyP95Ms,
        Self::ConsensusRoundMs,
        Self::PeerConnections,
        Self::PeerConnectivityPercent,
        Self::ConnectionSuccessPercent,
    ];

    /// The name used in rules.
    pub fn name(self) -> &'static str {
        match self {
            Self::ProcessRssBytes => "process_rss_bytes",
            Self::ProcessCpuPercent => "process_cpu_percent",
            Self::SystemCpuPercent => "system_cpu_percent",
            Self::SystemMemoryPercent => "system_memory_percent",
            Self::DatabaseSizeBytes => "database_size_bytes",
            Self::DiskFreePercent => "disk_free_percent",
            Self::ApiLatencyP95Ms => "api_latency_p95_ms",
            Self::ApiErrorPercent => "api_error_percent",
            Self::DbWriteP95Ms => "db_write_p95_ms",
            Self::EventPublishP95Ms => "event_publish_p95_ms",
            Self::ConsensusLatencyP95Ms => "consensus_latency_p95_ms",
            Self::ConsensusRoundMs => "consensus_round_ms",
            Self::PeerConnections => "peer_connections",
            Self::PeerConnectivityPercent => "peer_connectivity_percent",
            Self::ConnectionSuccessPercent => "connection_success_percent",
        }
    }

    /// Position in [`Metric::ALL`].
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|m| *m == self).unwrap_or(0)
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// One raise/clear pair of a severity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Level {
    pub severity: AlertSeverity,
    pub raise: f64,
    pub clear: f64,
}

/// A validated rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub name: String,
    pub metric: Metric,
    pub kind: AlertRuleKind,
    pub comparison: AlertComparison,
    /// Ascending severity.
    pub levels: Vec<Level>,
    pub for_ms: u64,
    pub keep_firing_ms: u64,
    pub consecutive: u32,
    pub window_ms: u64,
    pub no_data_ms: u64,
    pub no_data: NoDataPolicy,
    pub notify_resolved: bool,
    pub description: String,
    /// The rule as given, for the API.
    pub source: AlertRule,
}

impl Rule {
    /// `a` is beyond `b` in the bad direction (or equal to it).
    pub fn beyond(&self, a: f64, b: f64) -> bool {
        match self.comparison {
            AlertComparison::Above => a >= b,
            AlertComparison::Below => a <= b,
        }
    }
}

/// A rule was rejected: which rule, which field, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("alert rule `{rule}`, field `{field}`: {message}")]
pub struct RuleError {
    pub rule: String,
    pub field: &'static str,
    pub message: String,
}

const DAY_MS: u64 = 86_400_000;

/// Validates `rule`.
pub fn validate(rule: &AlertRule) -> Result<Rule, RuleError> {
    let err = |field: &'static str, message: String| RuleError { rule: rule.name.clone(), field, message };
    if rule.name.is_empty()
        || rule.name.len() > 64
        || !rule.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(err("name", "1 to 64 characters from a-z, A-Z, 0-9, `_` and `-`".into()));
    }
    let metric = Metric::parse(&rule.metric).ok_or_else(|| {
        let known: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        err("metric", format!("unknown metric {:?}; known: {}", rule.metric, known.join(", ")))
    })?;
    let pairs = [
        (AlertSeverity::Info, "info", rule.info, None, "info"),
        (AlertSeverity::Warning, "warning", rule.warning, rule.warning_clear, "warning_clear"),
        (AlertSeverity::Critical, "critical", rule.critical, rule.critical_clear, "critical_clear"),
    ];
    let mut levels: Vec<Level> = Vec::new();
    for (severity, field, raise, clear, clear_field) in pairs {
        if clear.is_some() && raise.is_none() {
            return Err(err(clear_field, format!("set without `{field}`")));
        }
        let Some(raise) = raise else { continue };
        if !raise.is_finite() {
            return Err(err(field, "a finite number".into()));
        }
        let clear = clear.unwrap_or(raise);
        let wrong_side = match rule.comparison {
            AlertComparison::Above => clear > raise,
            AlertComparison::Below => clear < raise,
        };
        if !clear.is_finite() || wrong_side {
            return Err(err(
                clear_field,
                format!("{clear} must be a finite number on the good side of {field} = {raise}"),
            ));
        }
        if let Some(lower) = levels.last() {
            let ordered = match rule.comparison {
                AlertComparison::Above => raise > lower.raise,
                AlertComparison::Below => raise < lower.raise,
            };
            if !ordered {
                return Err(err(
                    field,
                    format!("{raise} must be beyond the lower severity's threshold {}", lower.raise),
                ));
            }
        }
        levels.push(Level { severity, raise, clear });
    }
    if levels.is_empty() {
        return Err(err("warning", "at least one of info, warning, critical must be set".into()));
    }
    check(rule.for_ms <= DAY_MS, || err("for_ms", "0 to 86400000 (one day)".into()))?;
    check(rule.keep_firing_ms <= DAY_MS, || err("keep_firing_ms", "0 to 86400000 (one day)".into()))?;
    check((1_000..=DAY_MS).contains(&rule.no_data_ms), || err("no_data_ms", "1000 to 86400000".into()))?;
    match rule.kind {
        AlertRuleKind::Consecutive => {
            check((1..=10_000).contains(&rule.consecutive), || err("consecutive", "1 to 10000".into()))?;
        }
        AlertRuleKind::Trend | AlertRuleKind::Baseline => {
            check((60_000..=7 * DAY_MS).contains(&rule.window_ms), || {
                err("window_ms", "60000 (one minute) to 604800000 (seven days)".into())
            })?;
        }
        AlertRuleKind::Threshold => {}
    }
    Ok(Rule {
        name: rule.name.clone(),
        metric,
        kind: rule.kind,
        comparison: rule.comparison,
        levels,
        for_ms: rule.for_ms,
        keep_firing_ms: rule.keep_firing_ms,
        consecutive: rule.consecutive.max(1),
        window_ms: rule.window_ms,
        no_data_ms: rule.no_data_ms,
        no_data: rule.no_data,
        notify_resolved: rule.notify_resolved,
        description: rule.description.clone(),
        source: rule.clone(),
    })
}

/// Validates a whole rule set: every rule, and no name twice.
pub fn validate_all(rules: &[AlertRule]) -> Result<Vec<Rule>, RuleError> {
    let mut out: Vec<Rule> = Vec::with_capacity(rules.len());
    for rule in rules {
        if out.iter().any(|r| r.name == rule.name) {
            return Err(RuleError { rule: rule.name.clone(), field: "name", message: "defined twice".into() });
        }
        out.push(validate(rule)?);
    }
    Ok(out)
}

fn check(ok: bool, err: impl FnOnce() -> RuleError) -> Result<(), RuleError> {
    if ok { Ok(()) } else { Err(err()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_rule_and_the_field() {
        let base = AlertRule { name: "mem".into(), metric: "process_rss_bytes".into(), ..AlertRule::default() };
        let cases: Vec<(AlertRule, &str)> = vec![
            (AlertRule { metric: "nope".into(), ..base.clone() }, "metric"),
            (base.clone(), "warning"),
            (AlertRule { warning: Some(10.0), critical: Some(5.0), ..base.clone() }, "critical"),
            (AlertRule { warning: Some(10.0), warning_clear: Some(12.0), ..base.clone() }, "warning_clear"),
            (AlertRule { warning: Some(1.0), kind: AlertRuleKind::Trend, ..base.clone() }, "window_ms"),
            (AlertRule { warning: Some(1.0), no_data_ms: 0, ..base.clone() }, "no_data_ms"),
            (AlertRule { name: "bad name".into(), warning: Some(1.0), ..base.clone() }, "name"),
        ];
        for (rule, field) in cases {
            let e = validate(&rule).err().map(|e| (e.field, e.to_string()));
            assert_eq!(e.as_ref().map(|e| e.0), Some(field), "{rule:?}");
            assert!(e.is_some_and(|e| e.1.contains(&format!("`{}`", rule.name))));
        }
        assert!(validate(&AlertRule { warning: Some(1.0), ..base }).is_ok());
    }
}
