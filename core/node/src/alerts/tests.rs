//! Rule semantics, table-driven with an injected clock: every case feeds (time, value) points to a fresh engine and
//! compares the transitions and notifications it produced.
#![allow(clippy::unwrap_used)]

use bitcraps_api::{AlertComparison, AlertRule, AlertRuleKind, NoDataPolicy};

use super::engine::{ChangeKind, Engine, MetricSet};
use super::rules::{Metric, validate};
use super::throttle::NoticeKind;

const S: u64 = 1000;
const MIN: u64 = 60 * S;
const H: u64 = 60 * MIN;

fn rule(patch: impl FnOnce(&mut AlertRule)) -> AlertRule {
    let mut r = AlertRule { name: "r".into(), metric: "process_rss_bytes".into(), ..AlertRule::default() };
    patch(&mut r);
    r
}

/// One engine fed one metric.
struct Harness {
    engine: Engine,
    metrics: MetricSet,
    changes: Vec<(u64, ChangeKind, String)>,
    notices: Vec<(u64, NoticeKind)>,
}

impl Harness {
    fn new(r: AlertRule) -> Self {
        let rule = validate(&r).unwrap();
        Self { engine: Engine::new(vec![rule]), metrics: MetricSet::default(), changes: vec![], notices: vec![] }
    }

    /// A data point at `t` (or none: the metric keeps its old value), evaluated at `t`.
    fn at(&mut self, t: u64, value: Option<f64>) -> &mut Self {
        if let Some(v) = value {
            self.metrics.set(Metric::ProcessRssBytes, t, v);
        }
        let cycle = self.engine.evaluate(t, &self.metrics);
        self.changes.extend(cycle.changes.into_iter().map(|c| (t, c.kind, c.alert.severity)));
        self.notices.extend(cycle.notices.into_iter().map(|n| (t, n.kind)));
        self
    }

    /// Points every `step` from `from` (inclusive) to `to` (exclusive), all of `value`.
    fn run(&mut self, from: u64, to: u64, step: u64, value: impl Fn(u64) -> Option<f64>) -> &mut Self {
        let mut t = from;
        while t < to {
            self.at(t, value(t));
            t += step;
        }
        self
    }

    fn kinds(&self) -> Vec<(u64, ChangeKind)> {
        self.changes.iter().map(|(t, k, _)| (*t, *k)).collect()
    }
}

use ChangeKind::{Cancelled, Firing, Pending, Resolved, SeverityChanged};

#[test]
#[expect(clippy::too_many_lines, reason = "a table of cases: one rule, its inputs and its expected changes per row")]
fn rule_semantics_table() {
    type Case = (&'static str, AlertRule, Box<dyn Fn(&mut Harness)>, Vec<(u64, ChangeKind)>);
    let cases: Vec<Case> = vec![
        (
            "pending turns firing after `for`",
            rule(|r| {
                r.warning = Some(10.0);
                r.for_ms = MIN;
            }),
            Box::new(|h| {
                h.run(0, 90 * S, S, |_| Some(20.0));
            }),
            vec![(0, Pending), (MIN, Firing)],
        ),
        (
            "pending that clears before `for` is cancelled, never fires",
            rule(|r| {
                r.warning = Some(10.0);
                r.for_ms = MIN;
            }),
            Box::new(|h| {
                h.run(0, 30 * S, S, |_| Some(20.0)).run(30 * S, 120 * S, S, |_| Some(1.0));
            }),
            vec![(0, Pending), (30 * S, Cancelled)],
        ),
        (
            "asymmetric hysteresis: raise at 10, clear below 5",
            rule(|r| {
                r.warning = Some(10.0);
                r.warning_clear = Some(5.0);
            }),
            Box::new(|h| {
                for (t, v) in [(0, 12.0), (1, 8.0), (2, 6.0), (3, 4.0), (4, 8.0), (5, 10.0)] {
                    h.at(t * S, Some(v));
                }
            }),
            vec![(0, Firing), (3 * S, Resolved), (5 * S, Firing)],
        ),
        (
            "severities escalate and de-escalate, each with its own clear threshold",
            rule(|r| {
                r.warning = Some(10.0);
                r.critical = Some(20.0);
                r.critical_clear = Some(15.0);
            }),
            Box::new(|h| {
                for (t, v) in [(0, 12.0), (1, 25.0), (2, 16.0), (3, 14.0), (4, 2.0)] {
                    h.at(t * S, Some(v));
                }
            }),
            vec![(0, Firing), (S, SeverityChanged), (3 * S, SeverityChanged), (4 * S, Resolved)],
        ),
        (
            "consecutive: 3 slow rounds in a row, a fast one resets the count; re-reading a point does not count",
            rule(|r| {
                r.kind = AlertRuleKind::Consecutive;
                r.critical = Some(5000.0);
                r.consecutive = 3;
            }),
            Box::new(|h| {
                h.at(0, Some(6000.0)).at(S, Some(6000.0)).at(2 * S, None).at(3 * S, Some(4000.0));
                h.at(4 * S, Some(6000.0)).at(5 * S, Some(6000.0)).at(6 * S, Some(6000.0)).at(7 * S, Some(4000.0));
            }),
            vec![(6 * S, Firing), (7 * S, Resolved)],
        ),
        (
            "trend: memory growing 20 MB/h fires once the 4 h window is covered; flat memory never does",
            rule(|r| {
                r.kind = AlertRuleKind::Trend;
                r.warning = Some(10e6);
                r.window_ms = 4 * H;
                r.no_data_ms = 2 * MIN;
            }),
            Box::new(|h| {
                h.run(0, 6 * H, MIN, |t| Some(100e6 + 20e6 * t as f64 / H as f64));
                h.run(6 * H, 14 * H, MIN, |_| Some(220e6));
            }),
            // Fires when 90 % of the window is covered (3.6 h); two hours after the growth stops the fitted slope is
            // half of 20 MB/h, which is where it clears.
            vec![(216 * MIN, Firing), (8 * H, Resolved)],
        ),
        (
            "baseline: +50 % warning, +100 % critical above the learned baseline",
            rule(|r| {
                r.kind = AlertRuleKind::Baseline;
                r.warning = Some(50.0);
                r.critical = Some(100.0);
                r.window_ms = H;
            }),
            Box::new(|h| {
                h.run(0, 20 * MIN, 30 * S, |_| Some(10.0));
                h.at(20 * MIN, Some(14.0)).at(21 * MIN, Some(16.0)).at(22 * MIN, Some(25.0));
                h.at(23 * MIN, Some(10.0)).at(24 * MIN, Some(14.0));
            }),
            vec![(21 * MIN, Firing), (22 * MIN, SeverityChanged), (23 * MIN, Resolved)],
        ),
        (
            "keep-firing holds a resolved condition for 30 s",
            rule(|r| {
                r.warning = Some(10.0);
                r.keep_firing_ms = 30 * S;
            }),
            Box::new(|h| {
                h.at(0, Some(20.0)).run(S, 29 * S, S, |_| Some(1.0)).at(29 * S, Some(20.0));
                h.run(30 * S, 70 * S, S, |_| Some(1.0));
            }),
            vec![(0, Firing), (60 * S, Resolved)],
        ),
        (
            "no data (keep): a firing alert stays firing while the metric is silent",
            rule(|r| {
                r.warning = Some(10.0);
                r.no_data_ms = 5 * S;
            }),
            Box::new(|h| {
                h.at(0, Some(20.0)).run(S, H, 10 * S, |_| None);
            }),
            vec![(0, Firing)],
        ),
        (
            "no data (resolve, chosen explicitly): resolves once the data is stale",
            rule(|r| {
                r.warning = Some(10.0);
                r.no_data_ms = 5 * S;
                r.no_data = NoDataPolicy::Resolve;
            }),
            Box::new(|h| {
                h.at(0, Some(20.0)).run(S, 10 * S, S, |_| None);
            }),
            vec![(0, Firing), (6 * S, Resolved)],
        ),
        (
            "no data (alert): a metric that never reports fires after `for`",
            rule(|r| {
                r.warning = Some(10.0);
                r.for_ms = 10 * S;
                r.no_data = NoDataPolicy::Alert;
            }),
            Box::new(|h| {
                h.run(0, 20 * S, S, |_| None);
            }),
            vec![(0, Pending), (10 * S, Firing)],
        ),
        (
            "below: connection success < 95 % warns",
            rule(|r| {
                r.comparison = AlertComparison::Below;
                r.warning = Some(95.0);
                r.critical = Some(85.0);
            }),
            Box::new(|h| {
                h.at(0, Some(99.0)).at(S, Some(90.0)).at(2 * S, Some(80.0)).at(3 * S, Some(99.0));
            }),
            vec![(S, Firing), (2 * S, SeverityChanged), (3 * S, Resolved)],
        ),
    ];
    for (name, r, drive, expected) in cases {
        let mut h = Harness::new(r);
        drive(&mut h);
        assert_eq!(h.kinds(), expected, "case: {name}");
    }
}

#[test]
fn silence_suppresses_notifications_not_state() {
    let mut h = Harness::new(rule(|r| r.critical = Some(10.0)));
    h.engine.silence("r", 10 * MIN, 0).unwrap();
    h.run(0, 5 * MIN, S, |_| Some(20.0));
    assert_eq!(h.kinds(), vec![(0, Firing)]);
    assert!(h.notices.is_empty(), "{:?}", h.notices);
    // The silence ends while the alert still fires: it is notified then, not lost.
    h.run(5 * MIN, 11 * MIN, S, |_| Some(20.0));
    assert_eq!(h.notices, vec![(10 * MIN, NoticeKind::Firing)]);
    assert!(h.engine.silence("nope", S, 0).is_err());
    assert!(h.engine.silence("r", 8 * 24 * H, 0).is_err());
}

#[test]
fn ack_stops_repeats_until_the_next_episode() {
    // Critical repeats after 30 min, then backs off (60 min, 120 min...).
    let mut unacked = Harness::new(rule(|r| r.critical = Some(10.0)));
    unacked.run(0, 4 * H, MIN, |_| Some(20.0));
    let kinds: Vec<_> = unacked.notices.iter().map(|n| (n.0 / MIN, n.1)).collect();
    assert_eq!(
        kinds,
        vec![(0, NoticeKind::Firing), (30, NoticeKind::Repeat), (90, NoticeKind::Repeat), (210, NoticeKind::Repeat)]
    );

    let mut acked = Harness::new(rule(|r| r.critical = Some(10.0)));
    acked.at(0, Some(20.0));
    acked.engine.ack("r", S).unwrap();
    acked.run(MIN, 4 * H, MIN, |_| Some(20.0));
    assert_eq!(acked.notices, vec![(0, NoticeKind::Firing)]);
    // Resolving ends the episode and the ack; the next one notifies again (after the gate).
    acked.at(4 * H, Some(0.0)).at(5 * H, Some(20.0));
    assert_eq!(acked.notices.len(), 3, "{:?}", acked.notices);
    assert!(acked.engine.ack("r", 6 * H).is_ok());
    acked.at(6 * H + S, Some(0.0));
    assert!(acked.engine.ack("r", 7 * H).is_err(), "nothing to ack once resolved");
}

#[test]
fn flapping_100_times_yields_a_bounded_number_of_notifications() {
    let mut h = Harness::new(rule(|r| r.warning = Some(10.0)));
    // 100 flaps: above on even seconds, below on odd ones.
    h.run(0, 200 * S, S, |t| Some(if (t / S).is_multiple_of(2) { 20.0 } else { 0.0 }));
    // Every transition is recorded...
    assert_eq!(h.changes.len(), 200);
    // ...but only two episodes reach the desktop: at 0 s and when the gate reopens at 122 s (backoff 60 s, 120 s).
    let kinds: Vec<_> = h.notices.iter().map(|n| (n.0 / S, n.1)).collect();
    assert_eq!(
        kinds,
        vec![
            (0, NoticeKind::Firing),
            (1, NoticeKind::Resolved),
            (122, NoticeKind::Firing),
            (123, NoticeKind::Resolved)
        ]
    );
    // Two hours of flapping (3600 flaps) stay bounded too: the gate doubles up to an hour, so 7 episodes reach
    // the desktop (each a firing and its resolve).
    h.run(200 * S, 2 * H, S, |t| Some(if (t / S).is_multiple_of(2) { 20.0 } else { 0.0 }));
    assert_eq!(h.changes.len(), 7200);
    assert_eq!(h.notices.len(), 14, "{:?}", h.notices);
}

#[test]
fn editing_a_rule_re_evaluates_and_can_resolve() {
    let mut h = Harness::new(rule(|r| r.warning = Some(1e6)));
    h.at(0, Some(50e6));
    let raised = validate(&rule(|r| r.warning = Some(1e12))).unwrap();
    h.engine.set_rule(raised);
    h.at(S, Some(50e6));
    assert_eq!(h.kinds(), vec![(0, Firing), (S, Resolved)]);
}

#[test]
fn health_follows_the_worst_firing_severity() {
    use bitcraps_api::{Health, HealthLevel};

    use super::notify::NoNotifier;
    use super::service::AlertService;

    let rules = vec![
        validate(&rule(|r| {
            r.warning = Some(10.0);
            r.critical = Some(20.0);
        }))
        .unwrap(),
    ];
    let service = AlertService::new(rules, Box::new(NoNotifier), vec![], std::env::temp_dir());
    let mut metrics = MetricSet::default();
    let mut level_at = |t: u64, v: f64| {
        metrics.set(Metric::ProcessRssBytes, t, v);
        service.evaluate(t, &metrics);
        let mut health = Health::default();
        service.merge_health(&mut health, t);
        (health.level, health.reasons)
    };
    assert_eq!(level_at(0, 1.0).0, HealthLevel::Green);
    assert_eq!(level_at(S, 15.0), (HealthLevel::Yellow, vec!["alert r firing (warning)".to_owned()]));
    assert_eq!(level_at(2 * S, 16.0).0, HealthLevel::Yellow, "same reason text while the value moves");
    assert_eq!(level_at(3 * S, 25.0).0, HealthLevel::Red);
    assert_eq!(level_at(4 * S, 1.0).0, HealthLevel::Green);
}
