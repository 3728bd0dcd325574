//! The Resources tab's controls and data: the live / 1-hour range toggle, the linear / log toggle, the DB write
//! latency value and plot, the stored history's status line, the persisted choices, and the 1-hour loader against
//! a stand-in node serving the range endpoint over plain HTTP on a loopback port.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bitcraps_api::{MetricPoint, MetricRange};
use bitcraps_ui::connection::ConnectConfig;
use bitcraps_ui::resources::ResourcesView;
use bitcraps_ui::resources::charts::{TimeRange, YScale, stored_metrics};
use bitcraps_ui::resources::history_loader::HistoryLoader;
use bitcraps_ui::stored_history::{HOUR_MS, HOUR_STEP_MS, StoredHistory};
use bitcraps_ui::{DashboardState, Tab, UiPrefs, format};
use egui_kittest::kittest::Queryable as _;

use crate::harness::{fixture, harness, open_tab};

/// A plausible level for a stored metric of this name.
fn level(metric: &str) -> f64 {
    match metric {
        m if m.ends_with("percent") => 5.0,
        m if m.ends_with("_ms") => 0.1,
        m if m.ends_with("per_second") => 10_000.0,
        _ => 50_000_000.0,
    }
}

/// The quiet fixture with an hour of stored history of every plotted metric (a sine, min/max ±20 %).
pub fn state_with_stored_history() -> DashboardState {
    let mut state = DashboardState::from_snapshot(fixture("snapshot.json"));
    let now_ms = state.latest_sample().unwrap().at_ms;
    state.stored.to_ms = now_ms;
    for metric in stored_metrics() {
        let from = now_ms - HOUR_MS;
        let points = (0..HOUR_MS / HOUR_STEP_MS)
            .map(|i| {
                let avg = level(metric) * (1.0 + 0.5 * (i as f64 / 40.0).sin());
                MetricPoint { at_ms: from + i * HOUR_STEP_MS, min: avg * 0.8, avg, max: avg * 1.2, p95: avg * 1.1 }
            })
            .collect();
        let range = MetricRange { metric: metric.to_owned(), step_ms: HOUR_STEP_MS, points };
        state.stored.ranges.insert(metric.to_owned(), range);
    }
    state
}

#[test]
fn db_write_latency_has_a_value_and_a_plot() {
    let snapshot = fixture("snapshot.json");
    let latest = snapshot.resources.last().unwrap().db_write_p95_ms.expect("the fixture measures DB writes");
    let mut harness = harness(DashboardState::from_snapshot(snapshot));
    open_tab(&mut harness, "Resources");
    harness.get_by_label("DB write p95");
    harness.get_by_label(&format::millis(latest));
    harness.get_by_label("Database write latency (p95)");
}

#[test]
fn the_range_toggle_switches_to_the_stored_hour_and_back() {
    let mut harness = harness(DashboardState::from_snapshot(fixture("snapshot.json")));
    open_tab(&mut harness, "Resources");
    assert_eq!(harness.state().resources.range, TimeRange::Live);
    assert!(harness.query_by_label("Not stored by the node: live view only").is_none());

    harness.get_by_label("1 hour").click();
    harness.run();
    assert_eq!(harness.state().resources.range, TimeRange::Hour);
    // Nothing loaded yet: said so, and the one chart the node does not store says that too.
    harness.get_by_label("Loading the node's stored history of the last hour…");
    harness.get_by_label("Not stored by the node: live view only");

    harness.state_mut().state.stored.error = Some("process_rss_bytes: HTTP 502".to_owned());
    harness.run();
    harness.get_by_label("Could not load the stored history: process_rss_bytes: HTTP 502");

    harness.get_by_label("Live (15 min)").click();
    harness.run();
    assert_eq!(harness.state().resources.range, TimeRange::Live);
    assert!(harness.query_by_label_contains("stored history").is_none());
}

#[test]
fn the_hour_view_labels_its_buckets_honestly() {
    let state = state_with_stored_history();
    let to_ms = state.stored.to_ms;
    let mut harness = harness(state);
    open_tab(&mut harness, "Resources");
    harness.get_by_label("1 hour").click();
    harness.run();
    harness.get_by_label(&format!(
        "Stored history up to {} UTC in 5 s buckets: band = min–max of each bucket, line = its average",
        format::clock_utc(to_ms)
    ));
}

#[test]
fn the_log_toggle_switches_the_y_scale() {
    let mut harness = harness(DashboardState::from_snapshot(fixture("snapshot.json")));
    open_tab(&mut harness, "Resources");
    assert_eq!(harness.state().resources.scale, YScale::Linear);
    harness.get_by_label("Log").click();
    harness.run();
    assert_eq!(harness.state().resources.scale, YScale::Log);
    harness.get_by_label("Linear").click();
    harness.run();
    assert_eq!(harness.state().resources.scale, YScale::Linear);
}

#[test]
fn resources_choices_are_persisted_and_older_prefs_still_load() {
    let prefs = UiPrefs {
        tab: Tab::Resources,
        resources: ResourcesView { range: TimeRange::Hour, scale: YScale::Log },
        ..UiPrefs::default()
    };
    let json = serde_json::to_string(&prefs).unwrap();
    assert_eq!(serde_json::from_str::<UiPrefs>(&json).unwrap(), prefs);
    let older: UiPrefs = serde_json::from_str(r#"{"tab":"resources"}"#).unwrap();
    assert_eq!(older.resources, ResourcesView::default());
    let partial: UiPrefs = serde_json::from_str(r#"{"resources":{"scale":"log"}}"#).unwrap();
    assert_eq!(partial.resources, ResourcesView { range: TimeRange::Live, scale: YScale::Log });
}

/// Answers `requests` HTTP requests: a range of two points for the metric asked, or 401 without the token.
/// Reports each request line.
fn stand_in_range_endpoint(listener: TcpListener, requests: usize, token: &str, seen: mpsc::Sender<String>) {
    let auth = format!("authorization: bearer {token}");
    std::thread::Builder::new()
        .name("stand-in-range".to_owned())
        .spawn(move || {
            for _ in 0..requests {
                let (mut stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut head = Vec::new();
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    head.push(line.trim().to_owned());
                }
                let path = head[0].split(' ').nth(1).unwrap().to_owned();
                let metric = path.split("metric=").nth(1).unwrap().split('&').next().unwrap().to_owned();
                let authorized = head.iter().any(|h| h.to_ascii_lowercase() == auth);
                let (status, body) = if authorized {
                    let point = |at_ms| MetricPoint { at_ms, min: 1.0, avg: 2.0, max: 3.0, p95: 3.0 };
                    let range = MetricRange { metric, step_ms: HOUR_STEP_MS, points: vec![point(0), point(5000)] };
                    ("200 OK", serde_json::to_string(&range).unwrap())
                } else {
                    ("401 Unauthorized", r#"{"code":"unauthorized","message":"missing or wrong token"}"#.to_owned())
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                stream.write_all(response.as_bytes()).unwrap();
                seen.send(path).unwrap();
            }
        })
        .unwrap();
}

#[test]
fn the_loader_asks_for_every_stored_metric_with_the_token_and_keeps_the_answers() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let config = ConnectConfig { api_url: format!("http://{}", listener.local_addr().unwrap()), token: "tok-1".into() };
    let metrics: Vec<&str> = stored_metrics().collect();
    let (seen_tx, seen) = mpsc::channel();
    stand_in_range_endpoint(listener, metrics.len(), "tok-1", seen_tx);

    let mut state = DashboardState::from_snapshot(fixture("snapshot.json"));
    let node_now = state.snapshot.as_ref().unwrap().node.now_ms;
    let ctx = egui::Context::default();
    let mut loader = HistoryLoader::default();
    // Not wanted (the 1-hour view is not on screen): nothing is asked.
    loader.poll(&ctx, 0.0, &config, &mut state, false);
    assert_eq!(state.stored, StoredHistory::default());

    loader.poll(&ctx, 0.0, &config, &mut state, true);
    assert_eq!(state.stored.pending, metrics.len());
    let deadline = Instant::now() + Duration::from_secs(20);
    while state.stored.pending > 0 {
        assert!(Instant::now() < deadline, "answers missing: {:?}", state.stored);
        std::thread::sleep(Duration::from_millis(20));
        loader.poll(&ctx, 1.0, &config, &mut state, true);
    }
    assert_eq!(state.stored.error, None);
    assert_eq!(state.stored.to_ms, node_now);
    for metric in &metrics {
        let range = state.stored.range(metric).unwrap_or_else(|| panic!("{metric} missing"));
        assert_eq!(range.points.len(), 2);
    }
    let paths: Vec<String> = seen.try_iter().collect();
    assert_eq!(paths.len(), metrics.len());
    let window = format!("&from_ms={}&to_ms={node_now}&step_ms={HOUR_STEP_MS}", node_now - HOUR_MS);
    assert!(paths.iter().all(|p| p.starts_with("/api/v1/metrics/range?metric=") && p.ends_with(&window)), "{paths:?}");
    // Within the refresh period nothing is asked again.
    loader.poll(&ctx, 2.0, &config, &mut state, true);
    assert_eq!(state.stored.pending, 0);
}

#[test]
fn the_loader_reports_a_refused_token() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let config = ConnectConfig { api_url: format!("http://{}", listener.local_addr().unwrap()), token: "wrong".into() };
    let count = stored_metrics().count();
    let (seen_tx, _seen) = mpsc::channel();
    stand_in_range_endpoint(listener, count, "right", seen_tx);
    let mut state = DashboardState::from_snapshot(fixture("snapshot.json"));
    let ctx = egui::Context::default();
    let mut loader = HistoryLoader::default();
    loader.poll(&ctx, 0.0, &config, &mut state, true);
    let deadline = Instant::now() + Duration::from_secs(20);
    while state.stored.pending > 0 {
        assert!(Instant::now() < deadline, "answers missing: {:?}", state.stored);
        std::thread::sleep(Duration::from_millis(20));
        loader.poll(&ctx, 1.0, &config, &mut state, true);
    }
    let error = state.stored.error.clone().unwrap();
    assert!(error.contains("missing or wrong token (unauthorized, HTTP 401)"), "{error}");
    assert!(state.stored.ranges.is_empty());
}
