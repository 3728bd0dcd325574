//! Frame time of the dashboard, headless (no GPU): one full frame per tab = egui `Context::run_ui` of the whole
//! dashboard + tessellation of its shapes, the CPU work eframe does before handing triangles to the GPU.
//!
//! The state: the busy fixture (tables, rolls, alerts) with 8 peers, 1 hour of 1 Hz resource samples (3600) in the
//! ring, and the 1-hour stored history of every plotted metric (720 buckets each). The Resources tab is measured in
//! both ranges (live and 1 hour) and both y scales.
//!
//! Run: `cargo bench -p bitcraps-ui --bench frame` (criterion, then a plain loop of 500 frames per tab that prints
//! p50/p95/p99). The goal: p95 <= 4 ms on this machine.

use std::time::{Duration, Instant};

use bitcraps_api::{MetricPoint, MetricRange, PeerSummary, ResourceSample, Snapshot};
use bitcraps_ui::resources::ResourcesView;
use bitcraps_ui::resources::charts::{TimeRange, YScale, stored_metrics};
use bitcraps_ui::stored_history::{HOUR_MS, HOUR_STEP_MS};
use bitcraps_ui::{Dashboard, DashboardState, Tab};
use criterion::{Criterion, criterion_group, criterion_main};

const FRAMES: usize = 500;
const PEERS: usize = 8;
const SIZE: egui::Vec2 = egui::vec2(1280.0, 800.0);

/// The busy fixture with 8 peers and an hour of samples.
fn busy_state() -> DashboardState {
    let mut snapshot: Snapshot =
        serde_json::from_str(include_str!("../tests/fixtures/snapshot_busy.json")).expect("the fixture parses");
    let now_ms = snapshot.node.now_ms;
    let template = snapshot.net.peers.first().cloned().unwrap_or_default();
    snapshot.net.peers = (0..PEERS)
        .map(|i| PeerSummary {
            node_id: format!("{i:02x}{}", "5e".repeat(31)),
            address: format!("192.0.2.{}:4100", 10 + i),
            rtt_ms: 0.4 + i as f64 * 0.3,
            ..template.clone()
        })
        .collect();
    snapshot.resources = (0..3600u64).map(|i| sample(now_ms - (3599 - i) * 1000, i)).collect();
    let mut state = DashboardState::from_snapshot(snapshot);
    state.stored.to_ms = now_ms;
    for metric in stored_metrics() {
        let from = now_ms - HOUR_MS;
        let points = (0..HOUR_MS / HOUR_STEP_MS)
            .map(|i| {
                let base = 1000.0 + 400.0 * (i as f64 / 30.0).sin();
                MetricPoint { at_ms: from + i * HOUR_STEP_MS, min: base * 0.8, avg: base, max: base * 1.3, p95: base }
            })
            .collect();
        state
            .stored
            .ranges
            .insert(metric.to_owned(), MetricRange { metric: metric.to_owned(), step_ms: HOUR_STEP_MS, points });
    }
    state
}

fn sample(at_ms: u64, i: u64) -> ResourceSample {
    let t = i as f64;
    ResourceSample {
        at_ms,
        process_cpu_percent: (3.0 + 2.0 * (t / 37.0).sin() + if i % 60 < 3 { 8.0 } else { 0.0 }) as f32,
        rss_bytes: 48_000_000 + i * 2048,
        threads: Some(14 + u32::from(i % 60 < 3)),
        open_fds: Some(23 + (i / 300) as u32),
        disk_read_bytes_per_s: 1024.0 * (1.0 + (t / 11.0).sin()),
        disk_write_bytes_per_s: if i % 60 < 3 { 180_000.0 } else { 4096.0 },
        net_rx_bytes_per_s: 12_000.0 + 6_000.0 * (t / 53.0).sin(),
        net_tx_bytes_per_s: 4_000.0 + 2_500.0 * (t / 41.0).cos(),
        system_cpu_percent: (18.0 + 6.0 * (t / 90.0).sin()) as f32,
        system_memory_used_bytes: 6_600_000_000 + (200_000_000.0 * (t / 300.0).sin()) as u64,
        system_memory_total_bytes: 16_401_084_416,
        db_size_bytes: 1_245_184 + (i / 60) * 4096,
        db_write_p95_ms: Some(0.05 + 0.4 * f64::from(u8::from(i % 60 < 3))),
    }
}

/// A dashboard on `tab` plus an egui context that has already drawn it a few times (fonts and layout warm).
struct Bench {
    ctx: egui::Context,
    dashboard: Dashboard,
    frame: u64,
}

impl Bench {
    fn new(tab: Tab, view: ResourcesView) -> Self {
        let mut dashboard = Dashboard::new(busy_state());
        dashboard.tab = tab;
        dashboard.resources = view;
        let mut bench = Self { ctx: egui::Context::default(), dashboard, frame: 0 };
        for _ in 0..5 {
            bench.frame();
        }
        bench
    }

    /// One frame: the whole dashboard, then its tessellation. Returns the primitives made, so nothing is elided.
    fn frame(&mut self) -> usize {
        self.frame += 1;
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SIZE)),
            time: Some(self.frame as f64 / 60.0),
            ..egui::RawInput::default()
        };
        let dashboard = &mut self.dashboard;
        let mut output = self.ctx.run_ui(input, |ui| dashboard.show(ui));
        let shapes = std::mem::take(&mut output.shapes);
        let primitives = self.ctx.tessellate(shapes, output.pixels_per_point);
        output.drop_without_applying_deltas();
        primitives.len()
    }
}

fn cases() -> Vec<(&'static str, Tab, ResourcesView)> {
    let view = |range, scale| ResourcesView { range, scale };
    let linear = view(TimeRange::Live, YScale::Linear);
    vec![
        ("health", Tab::Health, linear),
        ("game", Tab::Game, linear),
        ("resources_live", Tab::Resources, linear),
        ("resources_live_log", Tab::Resources, view(TimeRange::Live, YScale::Log)),
        ("resources_hour", Tab::Resources, view(TimeRange::Hour, YScale::Linear)),
        ("resources_hour_log", Tab::Resources, view(TimeRange::Hour, YScale::Log)),
        ("alerts", Tab::Alerts, linear),
    ]
}

fn percentile_ms(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len().max(1)) - 1;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

fn report() {
    for (name, tab, view) in cases() {
        let mut bench = Bench::new(tab, view);
        let mut times = Vec::with_capacity(FRAMES);
        let mut primitives = 0;
        for _ in 0..FRAMES {
            let started = Instant::now();
            primitives = bench.frame();
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "frame/{name}: {FRAMES} frames at {}x{}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms ({primitives} primitives)",
            SIZE.x,
            SIZE.y,
            percentile_ms(&times, 0.50),
            percentile_ms(&times, 0.95),
            percentile_ms(&times, 0.99),
        );
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    group.sample_size(30).measurement_time(Duration::from_secs(4));
    for (name, tab, view) in cases() {
        let mut bench = Bench::new(tab, view);
        group.bench_function(name, |b| b.iter(|| bench.frame()));
    }
    group.finish();
    // `cargo test --benches` runs each benchmark once to check it works; the percentiles only under `cargo bench`.
    if std::env::args().any(|a| a == "--bench") {
        report();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
