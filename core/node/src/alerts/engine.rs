//! The alert engine: a pure state machine per rule (inactive -> pending -> firing -> resolved), driven by metric
//! values and an injected clock (`now_ms` is always passed in, never read here).
//!
//! State is tracked truthfully every cycle; only notifications are throttled (see [`super::throttle`]), so a
//! flapping metric shows every transition in the history but cannot cause a notification storm.

use bitcraps_api::{AlertComparison, AlertRuleKind, AlertSeverity, AlertSummary, NoDataPolicy};

use super::rules::{Level, Metric, Rule};
use super::series::Series;
use super::throttle::{NoticeKind, Throttle};

/// The latest value of every metric, with the time it was measured.
#[derive(Debug, Clone, Default)]
pub struct MetricSet {
    values: [Option<(u64, f64)>; Metric::ALL.len()],
}

impl MetricSet {
    /// Sets `metric` to `value` measured at `at_ms` (non-finite values count as missing).
    pub fn set(&mut self, metric: Metric, at_ms: u64, value: f64) {
        self.values[metric.index()] = value.is_finite().then_some((at_ms, value));
    }

    /// The value of `metric`, if any.
    pub fn get(&self, metric: Metric) -> Option<(u64, f64)> {
        self.values[metric.index()]
    }
}

/// Where an alert is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Inactive,
    Pending,
    Firing,
}

/// What changed for one rule in one cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Pending,
    /// Pending ended without firing.
    Cancelled,
    Firing,
    /// Firing at another severity.
    SeverityChanged,
    Resolved,
    Acknowledged,
    Silenced,
}

impl ChangeKind {
    /// The history's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Cancelled => "cancelled",
            Self::Firing => "firing",
            Self::SeverityChanged => "severity_changed",
            Self::Resolved => "resolved",
            Self::Acknowledged => "acknowledged",
            Self::Silenced => "silenced",
        }
    }
}

/// One change, with the alert as it is after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: ChangeKind,
    pub alert: AlertSummary,
}

/// A notification the engine wants shown (before grouping).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub rule: String,
    pub severity: AlertSeverity,
    pub message: String,
}

/// Everything one evaluation produced.
#[derive(Debug, Default)]
pub struct Cycle {
    pub changes: Vec<Change>,
    pub notices: Vec<Notice>,
}

/// Per-rule state.
#[derive(Debug, Clone)]
struct RuleState {
    phase: Phase,
    severity: AlertSeverity,
    since_ms: u64,
    fired_at_ms: u64,
    value: f64,
    threshold: f64,
    acknowledged: bool,
    silenced_until_ms: u64,
    cleared_at_ms: Option<u64>,
    hits: u32,
    last_point_ms: u64,
    series: Series,
    throttle: Throttle,
}

impl RuleState {
    fn new(rule: &Rule) -> Self {
        Self {
            phase: Phase::Inactive,
            severity: AlertSeverity::Warning,
            since_ms: 0,
            fired_at_ms: 0,
            value: 0.0,
            threshold: 0.0,
            acknowledged: false,
            silenced_until_ms: 0,
            cleared_at_ms: None,
            hits: 0,
            last_point_ms: 0,
            series: Series::new(rule.window_ms),
            throttle: Throttle::default(),
        }
    }
}

/// Why an ack or silence was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    #[error("no alert rule named `{0}`")]
    UnknownRule(String),
    #[error("the alert of rule `{0}` is not pending or firing")]
    NotActive(String),
    #[error("silence duration {0} ms: allowed 0 to 604800000 (seven days)")]
    SilenceTooLong(u64),
}

/// Longest silence accepted.
pub const MAX_SILENCE_MS: u64 = 7 * 86_400_000;

/// The rules and their state.
#[derive(Debug, Default)]
pub struct Engine {
    rules: Vec<(Rule, RuleState)>,
}

impl Engine {
    /// An engine over validated `rules`, all inactive.
    pub fn new(rules: Vec<Rule>) -> Self {
        Self {
            rules: rules
                .into_iter()
                .map(|r| {
                    let state = RuleState::new(&r);
                    (r, state)
                })
                .collect(),
        }
    }

    /// The rules, in order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().map(|(r, _)| r)
    }

    /// Adds `rule` or replaces the rule of the same name, keeping its alert state (re-evaluated next cycle).
    pub fn set_rule(&mut self, rule: Rule) {
        match self.rules.iter_mut().find(|(r, _)| r.name == rule.name) {
            Some((r, s)) => {
                if r.window_ms != rule.window_ms || r.metric != rule.metric || r.kind != rule.kind {
                    s.series = Series::new(rule.window_ms);
                    s.hits = 0;
                }
                *r = rule;
            }
            None => {
                let state = RuleState::new(&rule);
                self.rules.push((rule, state));
            }
        }
    }

    /// Evaluates every rule against `metrics` at `now_ms`.
    pub fn evaluate(&mut self, now_ms: u64, metrics: &MetricSet) -> Cycle {
        let mut cycle = Cycle::default();
        for (rule, state) in &mut self.rules {
            step(rule, state, now_ms, metrics.get(rule.metric), &mut cycle);
            notify(rule, state, now_ms, &mut cycle);
        }
        cycle
    }

    /// Pending and firing alerts.
    pub fn active(&self, now_ms: u64) -> Vec<AlertSummary> {
        self.rules
            .iter()
            .filter(|(_, s)| s.phase != Phase::Inactive)
            .map(|(r, s)| summary(r, s, state_name(s.phase), now_ms))
            .collect()
    }

    /// The worst severity among firing alerts.
    pub fn worst_firing(&self) -> Option<AlertSeverity> {
        self.rules.iter().filter(|(_, s)| s.phase == Phase::Firing).map(|(_, s)| s.severity).max()
    }

    /// Firing alerts at `severity` or worse.
    pub fn firing_count(&self, severity: AlertSeverity) -> usize {
        self.rules.iter().filter(|(_, s)| s.phase == Phase::Firing && s.severity == severity).count()
    }

    /// Acknowledges the pending or firing alert of `rule`: no more repeats until it resolves.
    pub fn ack(&mut self, rule: &str, now_ms: u64) -> Result<Change, ControlError> {
        let (r, s) = self.find(rule)?;
        if s.phase == Phase::Inactive {
            return Err(ControlError::NotActive(rule.to_owned()));
        }
        s.acknowledged = true;
        Ok(Change { kind: ChangeKind::Acknowledged, alert: summary(r, s, state_name(s.phase), now_ms) })
    }

    /// Silences the notifications of `rule` until `now_ms + duration_ms` (0 lifts the silence).
    pub fn silence(&mut self, rule: &str, duration_ms: u64, now_ms: u64) -> Result<Change, ControlError> {
        if duration_ms > MAX_SILENCE_MS {
            return Err(ControlError::SilenceTooLong(duration_ms));
        }
        let (r, s) = self.find(rule)?;
        s.silenced_until_ms = if duration_ms == 0 { 0 } else { now_ms + duration_ms };
        Ok(Change { kind: ChangeKind::Silenced, alert: summary(r, s, state_name(s.phase), now_ms) })
    }

    fn find(&mut self, rule: &str) -> Result<(&Rule, &mut RuleState), ControlError> {
        self.rules
            .iter_mut()
            .find(|(r, _)| r.name == rule)
            .map(|(r, s)| (&*r, s))
            .ok_or_else(|| ControlError::UnknownRule(rule.to_owned()))
    }
}

/// The condition's target level this cycle: `Err(())` means "no data, keep everything as it is".
fn target(rule: &Rule, state: &mut RuleState, now_ms: u64, point: Option<(u64, f64)>) -> Result<Option<Level>, ()> {
    if !rule.source.enabled {
        return Ok(None);
    }
    let fresh = point.filter(|(at, _)| now_ms.saturating_sub(*at) <= rule.no_data_ms);
    let Some((at, raw)) = fresh else {
        return match rule.no_data {
            NoDataPolicy::Keep => Err(()),
            NoDataPolicy::Resolve => Ok(None),
            NoDataPolicy::Alert => Ok(rule.levels.first().copied()),
        };
    };
    let new_point = at > state.last_point_ms;
    if new_point {
        state.last_point_ms = at;
    }
    let active = (state.phase != Phase::Inactive).then_some(state.severity);
    let derived = match rule.kind {
        AlertRuleKind::Threshold | AlertRuleKind::Consecutive => Some(raw),
        AlertRuleKind::Trend => {
            if new_point {
                state.series.push(at, raw);
            }
            let covered = state.series.span_ms(now_ms) * 10 >= rule.window_ms * 9;
            state.series.slope_per_hour().filter(|_| covered)
        }
        AlertRuleKind::Baseline => {
            let baseline = state.series.mean().filter(|b| *b > 0.0 && state.series.buckets() >= 10);
            // The baseline learns only from normal data, so an anomaly never becomes the new normal.
            if new_point && active.is_none() {
                state.series.push(at, raw);
            }
            baseline.map(|b| (raw / b - 1.0) * 100.0)
        }
    };
    let Some(x) = derived else { return Ok(None) };
    state.value = x;
    let level = level_for(rule, active, x);
    if rule.kind == AlertRuleKind::Consecutive && active.is_none() {
        if new_point {
            state.hits = if level.is_some() { state.hits.saturating_add(1) } else { 0 };
        }
        return Ok(level.filter(|_| state.hits >= rule.consecutive));
    }
    Ok(level)
}

/// The highest level whose threshold `x` is beyond: the clear threshold for levels already active (hysteresis).
fn level_for(rule: &Rule, active: Option<AlertSeverity>, x: f64) -> Option<Level> {
    rule.levels.iter().rev().copied().find(|level| {
        let holding = active.is_some_and(|a| a >= level.severity);
        rule.beyond(x, if holding { level.clear } else { level.raise })
    })
}

fn step(rule: &Rule, s: &mut RuleState, now_ms: u64, point: Option<(u64, f64)>, cycle: &mut Cycle) {
    let Ok(level) = target(rule, s, now_ms, point) else { return };
    let mut change = |kind: ChangeKind, s: &RuleState, state: &str| {
        cycle.changes.push(Change { kind, alert: summary(rule, s, state, now_ms) });
    };
    match (s.phase, level) {
        (Phase::Inactive, Some(l)) => {
            s.severity = l.severity;
            s.threshold = l.raise;
            s.since_ms = now_ms;
            s.phase = Phase::Pending;
            if rule.for_ms == 0 {
                fire(s, now_ms);
                change(ChangeKind::Firing, s, "firing");
            } else {
                change(ChangeKind::Pending, s, "pending");
            }
        }
        (Phase::Pending, Some(l)) => {
            s.severity = l.severity;
            s.threshold = l.raise;
            if now_ms.saturating_sub(s.since_ms) >= rule.for_ms {
                fire(s, now_ms);
                change(ChangeKind::Firing, s, "firing");
            }
        }
        (Phase::Pending, None) => {
            s.phase = Phase::Inactive;
            s.acknowledged = false;
            s.hits = 0;
            change(ChangeKind::Cancelled, s, "inactive");
        }
        (Phase::Firing, Some(l)) => {
            s.cleared_at_ms = None;
            if l.severity != s.severity {
                s.severity = l.severity;
                s.threshold = l.raise;
                change(ChangeKind::SeverityChanged, s, "firing");
            }
        }
        (Phase::Firing, None) => {
            let cleared_at = *s.cleared_at_ms.get_or_insert(now_ms);
            if !rule.source.enabled || now_ms.saturating_sub(cleared_at) >= rule.keep_firing_ms {
                s.phase = Phase::Inactive;
                s.since_ms = now_ms;
                s.cleared_at_ms = None;
                s.acknowledged = false;
                s.hits = 0;
                change(ChangeKind::Resolved, s, "resolved");
                if let Some(severity) = s.throttle.resolved() {
                    let silenced = now_ms < s.silenced_until_ms;
                    if rule.notify_resolved && !silenced {
                        s.throttle.sent(now_ms);
                        cycle.notices.push(Notice {
                            kind: NoticeKind::Resolved,
                            rule: rule.name.clone(),
                            severity,
                            message: message(rule, s),
                        });
                    }
                }
            }
        }
        (Phase::Inactive, None) => {}
    }
}

fn fire(s: &mut RuleState, now_ms: u64) {
    s.phase = Phase::Firing;
    s.since_ms = now_ms;
    s.fired_at_ms = now_ms;
    s.cleared_at_ms = None;
}

fn notify(rule: &Rule, s: &mut RuleState, now_ms: u64, cycle: &mut Cycle) {
    if s.phase != Phase::Firing || s.acknowledged || now_ms < s.silenced_until_ms {
        return;
    }
    if let Some(kind) = s.throttle.due(s.severity, now_ms) {
        s.throttle.notified(kind, s.severity, now_ms);
        cycle.notices.push(Notice { kind, rule: rule.name.clone(), severity: s.severity, message: message(rule, s) });
    }
}

fn state_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Inactive => "inactive",
        Phase::Pending => "pending",
        Phase::Firing => "firing",
    }
}

fn summary(rule: &Rule, s: &RuleState, state: &str, _now_ms: u64) -> AlertSummary {
    AlertSummary {
        alert_id: rule.name.clone(),
        rule: rule.name.clone(),
        severity: s.severity.as_str().to_owned(),
        state: state.to_owned(),
        since_ms: s.since_ms,
        value: s.value,
        threshold: s.threshold,
        fired_at_ms: if s.phase == Phase::Firing || state == "resolved" { s.fired_at_ms } else { 0 },
        acknowledged: s.acknowledged,
        silenced_until_ms: s.silenced_until_ms,
        message: message(rule, s),
    }
}

/// "Memory (RSS) high: process_rss_bytes 512.0 MB, warning at 400.0 MB".
fn message(rule: &Rule, s: &RuleState) -> String {
    let what = if rule.description.is_empty() { rule.name.as_str() } else { rule.description.as_str() };
    let op = match rule.comparison {
        AlertComparison::Above => ">=",
        AlertComparison::Below => "<=",
    };
    let unit = |v: f64| match rule.kind {
        AlertRuleKind::Baseline => format!("{v:+.0} % vs baseline"),
        AlertRuleKind::Trend => format!("{}/h", show(rule.metric, v)),
        _ => show(rule.metric, v),
    };
    format!(
        "{what}: {} is {} ({} threshold {op} {})",
        rule.metric.name(),
        unit(s.value),
        s.severity.as_str(),
        unit(s.threshold)
    )
}

fn show(metric: Metric, v: f64) -> String {
    let name = metric.name();
    if name.ends_with("_bytes") {
        format!("{:.1} MB", v / 1e6)
    } else if name.ends_with("_percent") {
        format!("{v:.1} %")
    } else if name.ends_with("_ms") {
        format!("{v:.1} ms")
    } else {
        format!("{v:.0}")
    }
}
