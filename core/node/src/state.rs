//! The node's shared state: what the sampler records and the control API reads.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use std::sync::Arc;

use bitcraps_api::{AlertRule, EventKind, Health, JournalStatus, NodeInfo, ResourceSample, Snapshot};
use bitcraps_storage::{self as storage, Db, alert_history};
use bitcraps_table::view::GamesView;

use crate::alerts::engine::{Change, ChangeKind};
use crate::alerts::service::{AlertService, CommandError};
use crate::events::EventLog;
use crate::golden::GoldenSignals;
use crate::metrics::Metrics;

/// State shared by the sampler, the API server and the node handle.
#[derive(Debug)]
pub struct Shared {
    pub node_id: String,
    pub started_at_ms: u64,
    pub data_dir: PathBuf,
    pub db_path: PathBuf,
    pub api_url: String,
    pub token: String,
    pub web_dir: PathBuf,
    pub events: EventLog,
    pub metrics: Metrics,
    pub golden: GoldenSignals,
    pub alerts: AlertService,
    /// The table journal's backend, fixed for the node's lifetime.
    pub journal: JournalStatus,
    pub sampler_interval_ms: AtomicU64,
    /// The mesh tables as the table protocol publishes them, and its command door.
    pub games: Arc<GamesView>,
    db: Db,
    samples: Mutex<SampleRing>,
    health: Mutex<Health>,
}

#[derive(Debug)]
struct SampleRing {
    samples: VecDeque<ResourceSample>,
    capacity: usize,
}

/// The parts [`Shared`] is made of.
#[derive(Debug)]
pub struct SharedParts {
    pub node_id: String,
    pub started_at_ms: u64,
    pub data_dir: PathBuf,
    pub db_path: PathBuf,
    pub api_url: String,
    pub token: String,
    pub web_dir: PathBuf,
    pub event_history: usize,
    pub sampler_interval_ms: u64,
    pub sample_capacity: usize,
    pub db: Db,
    pub history: Vec<ResourceSample>,
    pub alerts: AlertService,
    pub journal: JournalStatus,
}

impl Shared {
    pub fn new(p: SharedParts) -> Self {
        let mut samples = VecDeque::with_capacity(p.sample_capacity);
        samples.extend(p.history);
        Self {
            node_id: p.node_id,
            started_at_ms: p.started_at_ms,
            data_dir: p.data_dir,
            db_path: p.db_path,
            api_url: p.api_url,
            token: p.token,
            web_dir: p.web_dir,
            events: EventLog::new(p.event_history),
            metrics: Metrics::new(),
            golden: GoldenSignals::default(),
            alerts: p.alerts,
            journal: p.journal,
            sampler_interval_ms: AtomicU64::new(p.sampler_interval_ms),
            games: Default::default(),
            db: p.db,
            samples: Mutex::new(SampleRing { samples, capacity: p.sample_capacity }),
            health: Mutex::new(Health::default()),
        }
    }

    /// The database handle (a clone shares the connection).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Publishes an event stamped `at_ms` and counts it.
    pub fn publish(&self, kind: EventKind, at_ms: u64) -> u64 {
        self.metrics.events_published.inc();
        let started = std::time::Instant::now();
        let id = self.events.publish(kind, at_ms);
        self.golden.event_publish.record(at_ms, micros(started), false);
        id
    }

    /// Records a sample: adds the DB write latency p95 of the window so far, stores the sample, keeps it in the
    /// ring, publishes it and re-assesses health.
    pub fn record_sample(&self, mut sample: ResourceSample) {
        sample.db_write_p95_ms = self.golden.db_write.quantiles(sample.at_ms).map(|q| q.p95_ms);
        let started = std::time::Instant::now();
        let stored = storage::resource_samples::insert(&self.db.lock(), &sample);
        self.golden.db_write.record(sample.at_ms, micros(started), stored.is_err());
        if let Err(e) = stored {
            tracing::warn!(error = %e, "could not store a resource sample");
        }
        self.metrics.observe_sample(&sample);
        let mut health = crate::health::assess(&sample);
        let at_ms = sample.at_ms;
        self.evaluate_alerts(&sample, at_ms);
        self.alerts.merge_health(&mut health, at_ms);
        {
            // Ring update and publication under one lock: a snapshot sees both or neither.
            let mut ring = lock(&self.samples);
            if ring.samples.len() == ring.capacity {
                ring.samples.pop_front();
            }
            ring.samples.push_back(sample.clone());
            self.publish(EventKind::ResourceSample(sample), at_ms);
        }
        let mut current = lock(&self.health);
        if *current != health {
            *current = health.clone();
            self.metrics.observe_health(health.level);
            self.publish(EventKind::HealthChanged(health), at_ms);
        }
    }

    /// The mesh tables and consensus statistics, with the round latency from the mesh's windows.
    pub fn game_summary(&self, now_ms: u64) -> bitcraps_api::GameSummary {
        let mut game = self.games.summary();
        game.consensus.round_latency = self.metrics.net.round_latency(now_ms);
        game
    }

    /// The current overall health.
    pub fn health(&self) -> Health {
        lock(&self.health).clone()
    }

    /// The whole state at `now_ms`, consistent with `last_event_id`.
    pub fn snapshot(&self, now_ms: u64) -> Snapshot {
        let health = self.health();
        let (resources, last_event_id) = {
            let ring = lock(&self.samples);
            (ring.samples.iter().cloned().collect::<Vec<_>>(), self.events.last_id())
        };
        Snapshot {
            node: NodeInfo {
                node_id: self.node_id.clone(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
                started_at_ms: self.started_at_ms,
                now_ms,
                data_dir: self.data_dir.display().to_string(),
                db_size_bytes: storage::db_size_bytes(&self.db_path),
                sampler_interval_ms: self.sampler_interval_ms.load(Ordering::Relaxed),
                api_url: self.api_url.clone(),
                event_subscribers: u32::try_from(self.events.subscriber_count()).unwrap_or(u32::MAX),
                journal: self.journal.clone(),
            },
            health,
            resources,
            game: self.game_summary(now_ms),
            net: self.metrics.net.summary(now_ms),
            alerts: self.alerts.active(now_ms),
            alert_history: self.alerts.history(),
            alert_rules: self.alerts.rules(),
            last_event_id,
        }
    }

    /// One alert cycle for `sample` at `now_ms`: evaluate, then publish, store and count every change.
    pub fn evaluate_alerts(&self, sample: &ResourceSample, now_ms: u64) {
        let mut metrics = self.alerts.metric_set(sample, &self.golden, now_ms);
        AlertService::add_mesh(&mut metrics, &self.metrics.net.health(now_ms), now_ms);
        for change in self.alerts.evaluate(now_ms, &metrics) {
            self.apply_alert_change(change, now_ms);
        }
        self.metrics.observe_alerts(&self.alerts.firing_counts());
        self.metrics.observe_golden(&self.golden, now_ms);
    }

    fn apply_alert_change(&self, change: Change, now_ms: u64) {
        if let Some(entry) = self.alerts.remember(&change, now_ms)
            && let Err(e) = alert_history::insert(&self.db.lock(), &entry)
        {
            tracing::warn!(error = %e, "could not store an alert transition");
        }
        if matches!(change.kind, ChangeKind::Firing | ChangeKind::SeverityChanged | ChangeKind::Resolved) {
            tracing::info!(rule = %change.alert.rule, severity = %change.alert.severity, state = %change.alert.state, message = %change.alert.message, "alert");
        }
        self.publish(EventKind::AlertChanged(change.alert), now_ms);
    }

    /// Acknowledges the alert of `rule`.
    pub fn ack_alert(&self, rule: &str, now_ms: u64) -> Result<(), CommandError> {
        let change = self.alerts.ack(rule, now_ms)?;
        self.apply_alert_change(change, now_ms);
        Ok(())
    }

    /// Silences the alert of `rule` for `duration_ms` (0 lifts it).
    pub fn silence_alert(&self, rule: &str, duration_ms: u64, now_ms: u64) -> Result<(), CommandError> {
        let change = self.alerts.silence(rule, duration_ms, now_ms)?;
        self.apply_alert_change(change, now_ms);
        Ok(())
    }

    /// Adds or replaces a rule after validating it; it takes effect at the next cycle.
    pub fn set_alert_rule(&self, rule: &AlertRule) -> Result<(), CommandError> {
        self.alerts.set_rule(rule)
    }
}

fn micros(since: std::time::Instant) -> u64 {
    u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section leaves its data whole, so a poisoned lock still holds valid state.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
