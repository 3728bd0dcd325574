//! Prometheus metrics of the node, exposed at `/metrics` in the text exposition format (`prometheus-client`).

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use bitcraps_api::{AlertSeverity, HealthLevel, ResourceSample};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use bitcraps_net::metrics::NetStatus;

type FloatGauge = Gauge<f64, AtomicU64>;
/// Labels of the API request counter: endpoint and status code.
pub type RequestLabels = Vec<(String, String)>;

/// Every metric the node exports, plus the registry that encodes them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    process_cpu: FloatGauge,
    rss: Gauge,
    threads: Gauge,
    open_fds: Gauge,
    disk_read: FloatGauge,
    disk_write: FloatGauge,
    net_rx: FloatGauge,
    net_tx: FloatGauge,
    system_cpu: FloatGauge,
    system_memory_used: Gauge,
    db_size: Gauge,
    health: Gauge,
    samples: Counter,
    pub events_published: Counter,
    pub api_requests: Family<RequestLabels, Counter>,
    alerts_firing: Family<RequestLabels, Gauge>,
    latency: Family<RequestLabels, FloatGauge>,
    /// The mesh's counters, histograms and peer table (registered here, written by the mesh).
    pub net: Arc<NetStatus>,
}

impl Metrics {
    /// Registers every metric under the `bitcraps` prefix.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("bitcraps");
        let metrics = Self {
            registry: Registry::default(),
            process_cpu: FloatGauge::default(),
            rss: Gauge::default(),
            threads: Gauge::default(),
            open_fds: Gauge::default(),
            disk_read: FloatGauge::default(),
            disk_write: FloatGauge::default(),
            net_rx: FloatGauge::default(),
            net_tx: FloatGauge::default(),
            system_cpu: FloatGauge::default(),
            system_memory_used: Gauge::default(),
            db_size: Gauge::default(),
            health: Gauge::default(),
            samples: Counter::default(),
            events_published: Counter::default(),
            api_requests: Family::default(),
            alerts_firing: Family::default(),
            latency: Family::default(),
            net: Arc::new(NetStatus::new()),
        };
        registry.register(
            "process_cpu_percent",
            "CPU used by the node process, percent of one core",
            metrics.process_cpu.clone(),
        );
        registry.register_with_unit(
            "process_resident_memory",
            "Resident set size of the node process",
            Unit::Bytes,
            metrics.rss.clone(),
        );
        registry.register("process_threads", "Threads of the node process", metrics.threads.clone());
        registry.register("process_open_fds", "Open file descriptors of the node process", metrics.open_fds.clone());
        registry.register(
            "process_disk_read_bytes_per_second",
            "Disk read rate of the node process",
            metrics.disk_read.clone(),
        );
        registry.register(
            "process_disk_write_bytes_per_second",
            "Disk write rate of the node process",
            metrics.disk_write.clone(),
        );
        registry.register(
            "system_network_receive_bytes_per_second",
            "Receive rate over all interfaces",
            metrics.net_rx.clone(),
        );
        registry.register(
            "system_network_transmit_bytes_per_second",
            "Transmit rate over all interfaces",
            metrics.net_tx.clone(),
        );
        registry.register(
            "system_cpu_percent",
            "CPU use of the machine, percent of all cores",
            metrics.system_cpu.clone(),
        );
        registry.register_with_unit(
            "system_memory_used",
            "Memory in use on the machine",
            Unit::Bytes,
            metrics.system_memory_used.clone(),
        );
        registry.register_with_unit(
            "database_size",
            "SQLite database plus WAL size",
            Unit::Bytes,
            metrics.db_size.clone(),
        );
        registry.register("health_level", "Overall health: 0 green, 1 yellow, 2 red", metrics.health.clone());
        registry.register("resource_samples", "Resource samples taken", metrics.samples.clone());
        registry.register("events_published", "Events published on the event stream", metrics.events_published.clone());
        registry.register(
            "api_requests",
            "Control API requests by endpoint and status code",
            metrics.api_requests.clone(),
        );
        registry.register("alerts_firing", "Alerts firing, by severity", metrics.alerts_firing.clone());
        registry.register_with_unit(
            "latency",
            "Golden-signal latency over a 30-60 s sliding window (HDR histogram), by signal and percentile (a gauge: `quantile` is reserved for summaries)",
            Unit::Seconds,
            metrics.latency.clone(),
        );
        metrics.net.register(&mut registry);
        Self { registry, ..metrics }
    }

    /// Records one resource sample.
    pub fn observe_sample(&self, s: &ResourceSample) {
        self.process_cpu.set(f64::from(s.process_cpu_percent));
        self.rss.set(saturating_i64(s.rss_bytes));
        self.threads.set(s.threads.map_or(-1, i64::from));
        self.open_fds.set(s.open_fds.map_or(-1, i64::from));
        self.disk_read.set(s.disk_read_bytes_per_s);
        self.disk_write.set(s.disk_write_bytes_per_s);
        self.net_rx.set(s.net_rx_bytes_per_s);
        self.net_tx.set(s.net_tx_bytes_per_s);
        self.system_cpu.set(f64::from(s.system_cpu_percent));
        self.system_memory_used.set(saturating_i64(s.system_memory_used_bytes));
        self.db_size.set(saturating_i64(s.db_size_bytes));
        self.samples.inc();
    }

    /// Records the overall health level.
    pub fn observe_health(&self, level: HealthLevel) {
        self.health.set(match level {
            HealthLevel::Green => 0,
            HealthLevel::Yellow => 1,
            HealthLevel::Red => 2,
        });
    }

    /// Records how many alerts fire at each severity.
    pub fn observe_alerts(&self, counts: &[(AlertSeverity, usize)]) {
        for (severity, count) in counts {
            self.alerts_firing
                .get_or_create(&vec![("severity".to_owned(), severity.as_str().to_owned())])
                .set(i64::try_from(*count).unwrap_or(i64::MAX));
        }
    }

    /// Records p50/p95/p99/max of every golden-signal latency window at `now_ms`.
    pub fn observe_golden(&self, golden: &crate::golden::GoldenSignals, now_ms: u64) {
        for (signal, window) in
            [("api", &golden.api), ("db_write", &golden.db_write), ("event_publish", &golden.event_publish)]
        {
            let q = window.quantiles(now_ms).unwrap_or_default();
            for (quantile, ms) in [("p50", q.p50_ms), ("p95", q.p95_ms), ("p99", q.p99_ms), ("max", q.max_ms)] {
                self.latency
                    .get_or_create(&vec![
                        ("signal".to_owned(), signal.to_owned()),
                        ("percentile".to_owned(), quantile.to_owned()),
                    ])
                    .set(ms / 1000.0);
            }
        }
    }

    /// Counts one API request.
    pub fn count_request(&self, endpoint: &str, status: u16) {
        self.api_requests
            .get_or_create(&vec![("endpoint".to_owned(), endpoint.to_owned()), ("code".to_owned(), status.to_string())])
            .inc();
    }

    /// The OpenMetrics exposition of every metric (`application/openmetrics-text; version=1.0.0`).
    pub fn encode_openmetrics(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        encode(&mut out, &self.registry)?;
        Ok(out)
    }

    /// The Prometheus text format 0.0.4 exposition, for scrapers and tools (`promtool`) that do not ask for
    /// OpenMetrics.
    pub fn encode_prometheus_text(&self) -> Result<String, std::fmt::Error> {
        Ok(openmetrics_to_prometheus_text(&self.encode_openmetrics()?))
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

fn saturating_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Converts OpenMetrics text to the Prometheus 0.0.4 text format: counter families are named with their `_total`
/// suffix in `# HELP`/`# TYPE`, and the `# UNIT` and `# EOF` lines, which 0.0.4 lacks, are dropped.
fn openmetrics_to_prometheus_text(openmetrics: &str) -> String {
    let counters: std::collections::HashSet<&str> =
        openmetrics.lines().filter_map(|line| line.strip_prefix("# TYPE ")?.strip_suffix(" counter")).collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line.starts_with("# UNIT ") || line == "# EOF" {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters.contains(name).then(|| format!("{prefix}{name}_total {tail}"))
        });
        out.push_str(renamed.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_text_names_counters_with_total() {
        let metrics = Metrics::new();
        metrics.events_published.inc();
        let text = metrics.encode_prometheus_text().unwrap_or_default();
        assert!(text.contains("# TYPE bitcraps_events_published_total counter"), "{text}");
        assert!(text.contains("bitcraps_events_published_total 1"), "{text}");
        assert!(!text.contains("# EOF") && !text.contains("# UNIT"), "{text}");
    }
}
