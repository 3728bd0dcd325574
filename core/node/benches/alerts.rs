//! Alerting benchmarks: the CPU time of one collection + evaluation cycle with every default rule (goal <= 200 µs),
//! and the RSS of a node started on 7 simulated days of stored metrics against an empty one (goal: no growth
//! beyond the in-memory rings). Run with `cargo bench -p bitcraps-node --bench alerts`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use bitcraps_api::ResourceSample;
use bitcraps_node::alerts::notify::NoNotifier;
use bitcraps_node::alerts::service::AlertService;
use bitcraps_node::config::AlertsConfig;
use bitcraps_node::golden::GoldenSignals;
use bitcraps_node::sampler::Sampler;
use criterion::{Criterion, criterion_group, criterion_main};

fn service() -> AlertService {
    let rules = AlertsConfig::default().validated_rules().unwrap();
    AlertService::new(rules, Box::new(NoNotifier), Vec::new(), std::env::temp_dir())
}

fn cycle(c: &mut Criterion) {
    let alerts = service();
    let golden = GoldenSignals::default();
    let mut sampler = Sampler::new().unwrap();
    let mut now = 1_700_000_000_000u64;
    c.bench_function("alert evaluation (13 default rules, golden signals)", |b| {
        b.iter(|| {
            now += 1000;
            golden.api.record(now, 800, false);
            golden.db_write.record(now, 40, false);
            let sample = ResourceSample { at_ms: now, rss_bytes: 120_000_000, ..ResourceSample::default() };
            let metrics = alerts.metric_set(&sample, &golden, now);
            black_box(alerts.evaluate(now, &metrics));
        });
    });
    c.bench_function("collection (sysinfo sample) + alert evaluation", |b| {
        b.iter(|| {
            now += 1000;
            let sample = sampler.sample(now, 0);
            let metrics = alerts.metric_set(&sample, &golden, now);
            black_box(alerts.evaluate(now, &metrics));
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = cycle
}
criterion_main!(benches);
