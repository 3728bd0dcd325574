//! The mesh's figures reach the default rules: connection success, connectivity and consensus rounds raise health
//! with the firing rule named in the reasons.
#![allow(clippy::unwrap_used)]

use bitcraps_api::{Health, HealthLevel};

use super::defaults;
use super::engine::MetricSet;
use super::notify::NoNotifier;
use super::rules::{Metric, validate_all};
use super::service::AlertService;
use bitcraps_net::metrics::MeshHealth;

const S: u64 = 1000;

fn service() -> AlertService {
    let rules = validate_all(&defaults::rules()).unwrap();
    AlertService::new(rules, Box::new(NoNotifier), vec![], std::env::temp_dir())
}

/// Feeds `mesh` every second from `from` to `to` and returns the health merged at `to`.
fn health_after(alerts: &AlertService, from: u64, to: u64, mesh: impl Fn(u64) -> MeshHealth) -> Health {
    let mut t = from;
    while t <= to {
        let mut m = MetricSet::default();
        AlertService::add_mesh(&mut m, &mesh(t), t);
        alerts.evaluate(t, &m);
        t += S;
    }
    let mut health = Health { level: HealthLevel::Green, reasons: vec![] };
    alerts.merge_health(&mut health, to);
    health
}

#[test]
fn every_mesh_figure_becomes_its_metric() {
    let mesh = MeshHealth {
        peer_connections: Some(3.0),
        peer_connectivity_percent: Some(75.0),
        connection_success_percent: Some(90.0),
        consensus_latency_p95_ms: Some(42.0),
        last_round: Some((5 * S, 38.0)),
    };
    let mut m = MetricSet::default();
    AlertService::add_mesh(&mut m, &mesh, 9 * S);
    assert_eq!(m.get(Metric::PeerConnections), Some((9 * S, 3.0)));
    assert_eq!(m.get(Metric::PeerConnectivityPercent), Some((9 * S, 75.0)));
    assert_eq!(m.get(Metric::ConnectionSuccessPercent), Some((9 * S, 90.0)));
    assert_eq!(m.get(Metric::ConsensusLatencyP95Ms), Some((9 * S, 42.0)));
    assert_eq!(m.get(Metric::ConsensusRoundMs), Some((5 * S, 38.0)), "a round counts at its own time");
    let mut empty = MetricSet::default();
    AlertService::add_mesh(&mut empty, &MeshHealth::default(), 9 * S);
    assert!(Metric::ALL.iter().all(|metric| empty.get(*metric).is_none()), "no data stays no data");
}

#[test]
fn connection_success_below_85_percent_turns_health_red_with_the_reason() {
    let alerts = service();
    let low = |_| MeshHealth { connection_success_percent: Some(80.0), ..MeshHealth::default() };
    let early = health_after(&alerts, S, 30 * S, low);
    assert_eq!(early.level, HealthLevel::Green, "pending for a minute first: {early:?}");
    let health = health_after(&alerts, 31 * S, 70 * S, low);
    assert_eq!(health.level, HealthLevel::Red, "{health:?}");
    assert!(health.reasons.iter().any(|r| r.contains("connection_success")), "{health:?}");
}

#[test]
fn connection_success_between_85_and_95_percent_is_yellow() {
    let alerts = service();
    let health = health_after(&alerts, S, 70 * S, |_| MeshHealth {
        connection_success_percent: Some(90.0),
        ..MeshHealth::default()
    });
    assert_eq!(health.level, HealthLevel::Yellow, "{health:?}");
}

#[test]
fn lost_connectivity_and_slow_rounds_are_critical() {
    let alerts = service();
    let health = health_after(&alerts, S, 70 * S, |t| MeshHealth {
        peer_connectivity_percent: Some(25.0),
        // A new 6 s round every 10 s: three in a row trip the consecutive rule.
        last_round: Some((t - t % (10 * S), 6_000.0)),
        ..MeshHealth::default()
    });
    assert_eq!(health.level, HealthLevel::Red, "{health:?}");
    for rule in ["network_partition", "consensus_round_slow"] {
        assert!(health.reasons.iter().any(|r| r.contains(rule)), "{rule} missing in {health:?}");
    }
}
