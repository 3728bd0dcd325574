//! The default rules, from the performance runbook's targets, alert configuration and degradation levels. A config
//! `[[alerts.rules]]` entry with one of these names replaces it; `enabled = false` turns it off.

use bitcraps_api::{AlertComparison, AlertRule, AlertRuleKind};

const MB: f64 = 1e6;
const MINUTE_MS: u64 = 60_000;

fn rule(name: &str, metric: &str, description: &str) -> AlertRule {
    AlertRule { name: name.into(), metric: metric.into(), description: description.into(), ..AlertRule::default() }
}

/// Every default rule.
pub fn rules() -> Vec<AlertRule> {
    let below = AlertComparison::Below;
    vec![
        AlertRule {
            warning: Some(400.0 * MB),
            critical: Some(500.0 * MB),
            warning_clear: Some(380.0 * MB),
            critical_clear: Some(480.0 * MB),
            for_ms: MINUTE_MS,
            ..rule("memory_high", "process_rss_bytes", "Node memory (RSS) high")
        },
        AlertRule {
            kind: AlertRuleKind::Trend,
            warning: Some(10.0 * MB),
            window_ms: 4 * 60 * MINUTE_MS,
            ..rule("memory_growth", "process_rss_bytes", "Node memory growing (possible leak)")
        },
        AlertRule {
            warning: Some(50.0),
            critical: Some(100.0),
            for_ms: 30_000,
            ..rule("consensus_latency", "consensus_latency_p95_ms", "Consensus latency p95 high")
        },
        AlertRule {
            kind: AlertRuleKind::Consecutive,
            critical: Some(5_000.0),
            consecutive: 3,
            ..rule("consensus_round_slow", "consensus_round_ms", "Consensus rounds slower than 5 s")
        },
        AlertRule {
            warning: Some(800.0),
            critical: Some(950.0),
            for_ms: 10_000,
            ..rule("peer_connections", "peer_connections", "Too many peer connections")
        },
        AlertRule {
            comparison: below,
            critical: Some(50.0),
            for_ms: MINUTE_MS,
            ..rule("network_partition", "peer_connectivity_percent", "Peer connectivity low (network partition?)")
        },
        AlertRule {
            warning: Some(20.0),
            warning_clear: Some(15.0),
            for_ms: 5 * MINUTE_MS,
            ..rule("cpu_average", "process_cpu_percent", "Node CPU above its 20 % average target")
        },
        AlertRule {
            warning: Some(50.0),
            for_ms: 5_000,
            ..rule("cpu_peak", "process_cpu_percent", "Node CPU above its 50 % peak limit")
        },
        AlertRule {
            warning: Some(1.0),
            critical: Some(5.0),
            for_ms: MINUTE_MS,
            ..rule("error_rate", "api_error_percent", "Error rate high")
        },
        AlertRule {
            comparison: below,
            warning: Some(95.0),
            critical: Some(85.0),
            for_ms: MINUTE_MS,
            ..rule("connection_success", "connection_success_percent", "Connection success rate low")
        },
        AlertRule {
            warning: Some(5.0),
            for_ms: MINUTE_MS,
            ..rule("db_write_latency", "db_write_p95_ms", "Database write p95 above 5 ms")
        },
        AlertRule {
            kind: AlertRuleKind::Baseline,
            warning: Some(50.0),
            critical: Some(100.0),
            window_ms: 60 * MINUTE_MS,
            for_ms: MINUTE_MS,
            ..rule("api_latency_degraded", "api_latency_p95_ms", "API response time above its baseline")
        },
        AlertRule {
            comparison: below,
            warning: Some(10.0),
            critical: Some(5.0),
            warning_clear: Some(12.0),
            critical_clear: Some(6.0),
            no_data_ms: 10 * MINUTE_MS,
            ..rule("disk_free_low", "disk_free_percent", "Disk free space low")
        },
    ]
}

/// The default rules with the configured ones merged in: same name replaces, a new name is appended.
pub fn merged(configured: &[AlertRule]) -> Vec<AlertRule> {
    let mut out = rules();
    for rule in configured {
        match out.iter_mut().find(|r| r.name == rule.name) {
            Some(slot) => *slot = rule.clone(),
            None => out.push(rule.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn defaults_validate() {
        let rules = super::super::rules::validate_all(&super::rules());
        assert!(rules.is_ok(), "{rules:?}");
    }
}
