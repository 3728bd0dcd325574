//! The node side of alerting: the engine behind a lock, the in-memory history, the notifier, and the glue that
//! evaluates every sampler interval (metric set from the sample, the golden signals and the mesh, events, SQLite history,
//! the `/metrics` gauges, health) and carries out the ack / silence / rule-edit commands.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use bitcraps_api::{AlertHistoryEntry, AlertRule, AlertSeverity, AlertSummary, Health, HealthLevel, ResourceSample};
use bitcraps_net::metrics::MeshHealth;
use bitcraps_storage::alert_history;

use super::engine::{Change, ChangeKind, ControlError, Engine, MetricSet};
use super::notify::{Notifier, group};
use super::rules::{Metric, Rule, RuleError, validate};
use crate::golden::GoldenSignals;

/// History entries kept in memory (and in the snapshot).
pub const HISTORY_IN_MEMORY: usize = 100;
/// Disk free space is measured this often.
const DISK_PROBE_MS: u64 = 60_000;

/// Alerting state of a running node.
#[derive(Debug)]
pub struct AlertService {
    engine: Mutex<Engine>,
    history: Mutex<VecDeque<AlertHistoryEntry>>,
    notifier: Box<dyn Notifier>,
    disk: Mutex<DiskProbe>,
}

#[derive(Debug)]
struct DiskProbe {
    data_dir: PathBuf,
    next_ms: u64,
    free_percent: Option<(u64, f64)>,
}

/// Why an alert command was refused.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Control(#[from] ControlError),
    #[error(transparent)]
    Rule(#[from] RuleError),
}

impl AlertService {
    /// A service over validated `rules`, with `history` (newest first) loaded from SQLite.
    pub fn new(
        rules: Vec<Rule>,
        notifier: Box<dyn Notifier>,
        history: Vec<AlertHistoryEntry>,
        data_dir: PathBuf,
    ) -> Self {
        Self {
            engine: Mutex::new(Engine::new(rules)),
            history: Mutex::new(history.into_iter().take(HISTORY_IN_MEMORY).collect()),
            notifier,
            disk: Mutex::new(DiskProbe { data_dir, next_ms: 0, free_percent: None }),
        }
    }

    /// Pending and firing alerts.
    pub fn active(&self, now_ms: u64) -> Vec<AlertSummary> {
        lock(&self.engine).active(now_ms)
    }

    /// The newest transitions, newest first.
    pub fn history(&self) -> Vec<AlertHistoryEntry> {
        lock(&self.history).iter().cloned().collect()
    }

    /// The rules in force.
    pub fn rules(&self) -> Vec<AlertRule> {
        lock(&self.engine).rules().map(|r| r.source.clone()).collect()
    }

    /// Raises `health` to the worst firing severity: warning yellow, critical red.
    pub fn merge_health(&self, health: &mut Health, now_ms: u64) {
        for alert in self.active(now_ms).into_iter().filter(|a| a.state == "firing") {
            let level = match alert.severity.as_str() {
                "critical" => HealthLevel::Red,
                "warning" => HealthLevel::Yellow,
                _ => continue,
            };
            health.level = health.level.max(level);
            // Stable text (no live value), so health changes only when the set of firing alerts does.
            health.reasons.push(format!("alert {} firing ({})", alert.rule, alert.severity));
        }
    }

    /// The metric set of one cycle: the sample, the golden signals and the disk probe.
    pub fn metric_set(&self, sample: &ResourceSample, golden: &GoldenSignals, now_ms: u64) -> MetricSet {
        let mut m = MetricSet::default();
        let at = sample.at_ms;
        m.set(Metric::ProcessRssBytes, at, sample.rss_bytes as f64);
        m.set(Metric::ProcessCpuPercent, at, f64::from(sample.process_cpu_percent));
        m.set(Metric::SystemCpuPercent, at, f64::from(sample.system_cpu_percent));
        if sample.system_memory_total_bytes > 0 {
            let percent = 100.0 * sample.system_memory_used_bytes as f64 / sample.system_memory_total_bytes as f64;
            m.set(Metric::SystemMemoryPercent, at, percent);
        }
        m.set(Metric::DatabaseSizeBytes, at, sample.db_size_bytes as f64);
        if let Some(q) = golden.api.quantiles(now_ms) {
            m.set(Metric::ApiLatencyP95Ms, now_ms, q.p95_ms);
            m.set(Metric::ApiErrorPercent, now_ms, 100.0 * q.errors as f64 / q.count.max(1) as f64);
        }
        if let Some(q) = golden.db_write.quantiles(now_ms) {
            m.set(Metric::DbWriteP95Ms, now_ms, q.p95_ms);
        }
        if let Some(q) = golden.event_publish.quantiles(now_ms) {
            m.set(Metric::EventPublishP95Ms, now_ms, q.p95_ms);
        }
        if let Some((at, free)) = self.disk_free(now_ms) {
            m.set(Metric::DiskFreePercent, at, free);
        }
        m
    }

    /// Adds the mesh's figures to `m`: peers linked, connectivity to the expected peers, connection success,
    /// consensus round p95, and the last final round (one new point per round, for the consecutive-rounds rule).
    pub fn add_mesh(m: &mut MetricSet, mesh: &MeshHealth, now_ms: u64) {
        let now_values = [
            (Metric::PeerConnections, mesh.peer_connections),
            (Metric::PeerConnectivityPercent, mesh.peer_connectivity_percent),
            (Metric::ConnectionSuccessPercent, mesh.connection_success_percent),
            (Metric::ConsensusLatencyP95Ms, mesh.consensus_latency_p95_ms),
        ];
        for (metric, value) in now_values {
            if let Some(value) = value {
                m.set(metric, now_ms, value);
            }
        }
        if let Some((at, round_ms)) = mesh.last_round {
            m.set(Metric::ConsensusRoundMs, at, round_ms);
        }
    }

    fn disk_free(&self, now_ms: u64) -> Option<(u64, f64)> {
        let mut probe = lock(&self.disk);
        if now_ms >= probe.next_ms {
            probe.next_ms = now_ms + DISK_PROBE_MS;
            let Ok(disks) = sysinfo::Disks::new_with_refreshed_list() else { return None };
            let best = disks
                .iter()
                .filter(|d| probe.data_dir.starts_with(d.mount_point()) && d.total_space() > 0)
                .max_by_key(|d| d.mount_point().as_os_str().len());
            probe.free_percent = best.map(|d| (now_ms, 100.0 * d.available_space() as f64 / d.total_space() as f64));
        }
        probe.free_percent
    }

    /// Evaluates every rule; shows the cycle's notices as one grouped notification; returns the changes.
    pub fn evaluate(&self, now_ms: u64, metrics: &MetricSet) -> Vec<Change> {
        let cycle = lock(&self.engine).evaluate(now_ms, metrics);
        if let Some(notification) = group(&cycle.notices) {
            self.notifier.notify(notification);
        }
        cycle.changes
    }

    /// Firing alerts per severity, for the `/metrics` gauge.
    pub fn firing_counts(&self) -> [(AlertSeverity, usize); 3] {
        let engine = lock(&self.engine);
        [AlertSeverity::Info, AlertSeverity::Warning, AlertSeverity::Critical].map(|s| (s, engine.firing_count(s)))
    }

    /// Acknowledges the alert of `rule`; returns the change to publish.
    pub fn ack(&self, rule: &str, now_ms: u64) -> Result<Change, CommandError> {
        Ok(lock(&self.engine).ack(rule, now_ms)?)
    }

    /// Silences the alert of `rule` for `duration_ms` (0 lifts it); returns the change to publish.
    pub fn silence(&self, rule: &str, duration_ms: u64, now_ms: u64) -> Result<Change, CommandError> {
        Ok(lock(&self.engine).silence(rule, duration_ms, now_ms)?)
    }

    /// Adds or replaces a rule after validating it; it takes effect at the next cycle.
    pub fn set_rule(&self, rule: &AlertRule) -> Result<(), CommandError> {
        let rule = validate(rule)?;
        lock(&self.engine).set_rule(rule);
        Ok(())
    }

    /// Remembers `change` in the history if it is worth keeping; returns the entry.
    pub fn remember(&self, change: &Change, now_ms: u64) -> Option<AlertHistoryEntry> {
        if matches!(change.kind, ChangeKind::Pending | ChangeKind::Cancelled) {
            return None;
        }
        let entry = AlertHistoryEntry {
            at_ms: now_ms,
            rule: change.alert.rule.clone(),
            severity: change.alert.severity.clone(),
            event: change.kind.as_str().to_owned(),
            value: change.alert.value,
            threshold: change.alert.threshold,
        };
        let mut history = lock(&self.history);
        history.push_front(entry.clone());
        history.truncate(HISTORY_IN_MEMORY);
        Some(entry)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section leaves its data whole.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why the alert service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("config [alerts]: {0}")]
    Rules(#[from] RuleError),
    #[error("desktop notifications: {0}")]
    Notifier(#[from] std::io::Error),
    #[error("alert history: {0}")]
    History(#[from] rusqlite::Error),
}

/// Builds the service at start-up: the configured rules, the notifier, the history from SQLite.
pub fn start(
    config: &super::config::AlertsConfig,
    db: &rusqlite::Connection,
    data_dir: &std::path::Path,
    dashboard_url: String,
) -> Result<AlertService, StartError> {
    let rules = config.validated_rules()?;
    let notifier: Box<dyn Notifier> = if config.notifications {
        Box::new(super::notify::DesktopNotifier::start(&dashboard_url, data_dir)?)
    } else {
        Box::new(super::notify::NoNotifier)
    };
    let history = alert_history::recent(db, HISTORY_IN_MEMORY)?;
    Ok(AlertService::new(rules, notifier, history, data_dir.to_owned()))
}
