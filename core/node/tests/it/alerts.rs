//! Alerts end to end inside the process: a lowered threshold fires through the real sampler, shows in the
//! snapshot, events, `/metrics`, health and the SQLite history; ack, silence and rule edits work through the API and
//! refuse bad input with `{code, message}`; bad config rules name the rule and the field. Plus the metrics store's
//! retention and downsampling on synthetic data with an injected clock.

use std::path::Path;
use std::time::Duration;

use bitcraps_api::{AlertRule, ApiError, HealthLevel, ResourceSample, Snapshot};
use bitcraps_node::Config;
use bitcraps_node::metrics_store;
use bitcraps_storage::{self as storage, alert_history, metric_summaries, resource_samples};

use crate::support::{get, post, start_node};

async fn snapshot(node: &bitcraps_node::NodeHandle) -> Snapshot {
    let (status, body) = get(format!("{}/api/v1/snapshot", node.api_url()), Some(node.token().to_owned())).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn wait_for(node: &bitcraps_node::NodeHandle, what: &str, test: impl Fn(&Snapshot) -> bool) -> Snapshot {
    for _ in 0..100 {
        let s = snapshot(node).await;
        if test(&s) {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

fn low_memory_rule() -> AlertRule {
    AlertRule {
        name: "memory_high".into(),
        metric: "process_rss_bytes".into(),
        warning: Some(1e6),
        critical: Some(1e15),
        description: "Node memory (RSS) high".into(),
        ..AlertRule::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lowered_threshold_fires_everywhere_and_the_api_controls_it() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |c| {
        c.alerts.notifications = false;
        c.alerts.rules = vec![low_memory_rule()];
    })
    .await;
    let fired = wait_for(&node, "memory_high firing", |s| {
        s.alerts.iter().any(|a| a.rule == "memory_high" && a.state == "firing")
    })
    .await;
    let alert = fired.alerts.iter().find(|a| a.rule == "memory_high").unwrap();
    assert_eq!(alert.severity, "warning");
    assert!(alert.message.contains("Node memory (RSS) high") && alert.message.contains("1.0 MB"), "{}", alert.message);
    assert_eq!(fired.health.level, HealthLevel::Yellow, "{:?}", fired.health);
    assert!(fired.alert_history.iter().any(|h| h.rule == "memory_high" && h.event == "firing"));
    assert!(fired.alert_rules.len() >= 13);
    assert_eq!(node.health().level, HealthLevel::Yellow);

    let (_, metrics) = get(format!("{}/metrics", node.api_url()), Some(node.token().to_owned())).await;
    assert!(metrics.contains("bitcraps_alerts_firing{severity=\"warning\"} 1"), "{metrics}");
    assert!(metrics.contains("bitcraps_latency_seconds{signal=\"db_write\",percentile=\"p95\"}"), "{metrics}");

    let url = format!("{}/api/v1/commands", node.api_url());
    let token = node.token().to_owned();
    let (status, body) = post(url.clone(), token.clone(), r#"{"type":"ack_alert","rule":"memory_high"}"#).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(url.clone(), token.clone(), r#"{"type":"ack_alert","rule":"nope"}"#).await;
    let e: ApiError = serde_json::from_str(&body).unwrap();
    assert_eq!((status, e.code.as_str()), (404, "unknown_rule"), "{body}");
    let (status, body) =
        post(url.clone(), token.clone(), r#"{"type":"silence_alert","rule":"memory_high","duration_ms":999999999999}"#)
            .await;
    let e: ApiError = serde_json::from_str(&body).unwrap();
    assert_eq!((status, e.code.as_str()), (422, "invalid_value"), "{body}");
    let (status, body) =
        post(url.clone(), token.clone(), r#"{"type":"silence_alert","rule":"memory_high","duration_ms":60000}"#).await;
    assert_eq!(status, 200, "{body}");
    let s = snapshot(&node).await;
    let alert = s.alerts.iter().find(|a| a.rule == "memory_high").unwrap();
    assert!(alert.acknowledged && alert.silenced_until_ms > 0, "{alert:?}");

    let bad = r#"{"type":"set_alert_rule","rule":{"name":"memory_high","metric":"process_rss_bytes","warning":5,"critical":1}}"#;
    let (status, body) = post(url.clone(), token.clone(), bad).await;
    let e: ApiError = serde_json::from_str(&body).unwrap();
    assert_eq!((status, e.code.as_str()), (422, "invalid_rule"), "{body}");
    assert!(e.message.contains("memory_high") && e.message.contains("`critical`"), "{}", e.message);

    // Raising the threshold resolves the alert at the next cycle, and health goes back to green.
    let raise =
        r#"{"type":"set_alert_rule","rule":{"name":"memory_high","metric":"process_rss_bytes","warning":1e15}}"#;
    let (status, body) = post(url, token, raise).await;
    assert_eq!(status, 200, "{body}");
    let resolved = wait_for(&node, "memory_high resolved", |s| !s.alerts.iter().any(|a| a.rule == "memory_high")).await;
    assert!(resolved.alert_history.iter().any(|h| h.rule == "memory_high" && h.event == "resolved"));

    // Stored history through the API: raw 1 s buckets for a short range; bad input refused with {code, message}.
    let base = format!("{}/api/v1/metrics/range", node.api_url());
    let to = resolved.node.now_ms + 1000;
    let query = format!("{base}?metric=process_rss_bytes&from_ms=0&to_ms={to}&step_ms=1000");
    let (status, body) = get(query, Some(node.token().to_owned())).await;
    assert_eq!(status, 200, "{body}");
    let range: bitcraps_api::MetricRange = serde_json::from_str(&body).unwrap();
    assert!(!range.points.is_empty() && range.points.iter().all(|p| p.min > 0.0 && p.min <= p.max), "{body}");
    let (status, body) =
        get(format!("{base}?metric=nope&from_ms=0&to_ms=1&step_ms=1000"), Some(node.token().to_owned())).await;
    let e: ApiError = serde_json::from_str(&body).unwrap();
    assert_eq!((status, e.code.as_str()), (422, "invalid_value"), "{body}");
    node.shutdown().await.unwrap();

    // The history is in SQLite.
    let db = storage::open(&dir.path().join(bitcraps_node::paths::DB_FILE), &Default::default()).unwrap();
    let events: Vec<String> = alert_history::recent(&db, 50).unwrap().into_iter().map(|h| h.event).collect();
    for event in ["firing", "acknowledged", "silenced", "resolved"] {
        assert!(events.iter().any(|e| e == event), "{event} missing from {events:?}");
    }
}

#[test]
fn bad_alert_rules_in_config_name_the_rule_and_the_field() {
    let cases = [
        ("[[alerts.rules]]\nname = \"x\"\nmetric = \"nope\"\nwarning = 1.0", "`x`", "`metric`"),
        ("[[alerts.rules]]\nname = \"memory_high\"\nmetric = \"process_rss_bytes\"", "`memory_high`", "`warning`"),
        (
            "[[alerts.rules]]\nname = \"t\"\nmetric = \"process_rss_bytes\"\nkind = \"trend\"\nwarning = 1.0",
            "`t`",
            "`window_ms`",
        ),
    ];
    for (text, rule, field) in cases {
        let error = Config::parse(text, Path::new("test.toml")).unwrap_err().to_string();
        assert!(error.contains(rule) && error.contains(field), "{text:?}: {error}");
    }
    let error = Config::parse("[[alerts.rules]]\nname = \"x\"\nkind = \"sideways\"", Path::new("t.toml")).unwrap_err();
    assert!(error.to_string().contains("kind"), "{error}");
    let ok = Config::parse(
        "[alerts]\nnotifications = false\n[[alerts.rules]]\nname = \"memory_high\"\nmetric = \"process_rss_bytes\"\nwarning = 1e6\nfor_ms = 1000",
        Path::new("t.toml"),
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn retention_and_downsampling_with_an_injected_clock() {
    let dir = tempfile::tempdir().unwrap();
    let db = storage::open(&dir.path().join("m.sqlite3"), &Default::default()).unwrap();
    // Time scaled down 24x to keep the test fast: "days" are hours, so raw rows are kept 7 h and summaries 30 h.
    let day = 3_600_000;
    let retention = metrics_store::Retention { raw_ms: 7 * day, summary_ms: 30 * day };
    let t0 = 1_700_000_000_000 - 1_700_000_000_000 % day;
    // 40 "days" of one sample per 10 s, RSS rising 1 byte per sample; the job is driven every 10 simulated minutes,
    // with a 3-"day" gap (node off) after day 3.
    let mut now = t0;
    let mut n = 0u64;
    while now < t0 + 40 * day {
        if now == t0 + 3 * day {
            now += 3 * day;
            n += 3 * 360;
        }
        let tx = db.unchecked_transaction().unwrap();
        for _ in 0..60 {
            let sample = ResourceSample { at_ms: now, rss_bytes: n, ..ResourceSample::default() };
            resource_samples::insert(&tx, &sample).unwrap();
            now += 10_000;
            n += 1;
        }
        tx.commit().unwrap();
        while metrics_store::downsample(&db, now, retention).unwrap() > 0 {}
    }
    // Raw rows: only the last 7 "days" remain.
    let oldest_raw = resource_samples::oldest_since(&db, 0).unwrap().unwrap();
    assert_eq!(oldest_raw, now - 7 * day);
    // Summaries: the last 30 "days", one per minute per metric, none lost across the gap.
    let rss = metric_summaries::range(&db, 0, 0, u64::MAX).unwrap();
    assert_eq!(rss.len() as u64, 30 * 60, "one summary per minute");
    let first = rss[0];
    assert_eq!(first.minute_ms, now - 30 * day);
    assert_eq!(first.samples, 6);
    let base = ((first.minute_ms - t0) / 10_000) as f64;
    assert_eq!((first.min, first.max, first.avg, first.p95), (base, base + 5.0, base + 2.5, base + 5.0));
    // Range queries: 10-minute buckets from the summaries, 30-second buckets from the raw rows.
    let coarse = metrics_store::range(&db, "process_rss_bytes", now - 2 * day, now, 600_000).unwrap();
    assert_eq!(coarse.len(), 12);
    assert_eq!(coarse[1].max - coarse[1].min, 59.0);
    assert_eq!(coarse[1].avg, coarse[1].min + 29.5);
    let fine = metrics_store::range(&db, "process_rss_bytes", now - 60_000, now, 30_000).unwrap();
    assert_eq!(fine.len(), 2);
    assert_eq!(fine[0].max - fine[0].min, 2.0);
    assert!(metrics_store::range(&db, "nope", 0, now, 60_000).is_err());
    assert!(metrics_store::range(&db, "process_rss_bytes", 0, now, 10).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_over_the_event_socket_are_answered() {
    use bitcraps_api::ServerMessage;
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;

    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |c| c.alerts.notifications = false).await;
    let mut socket = crate::support::events(&node, None, node.token()).await;
    let _snapshot = crate::support::next_message(&mut socket).await;
    let mut answer = None;
    for command in [
        r#"{"type":"command","command":{"type":"silence_alert","rule":"cpu_peak","duration_ms":60000}}"#,
        r#"{"type":"command","command":{"type":"ack_alert","rule":"cpu_peak"}}"#,
    ] {
        socket.send(Message::text(command)).await.unwrap();
        while let Some(message) = crate::support::next_message(&mut socket).await {
            if let ServerMessage::CommandResult { ok, code, message } = message {
                answer = Some((ok, code, message));
                break;
            }
        }
        let (ok, code, message) = answer.take().unwrap();
        if command.contains("silence") {
            assert!(ok && message.contains("silenced"), "{message}");
        } else {
            assert!(!ok && code == Some(bitcraps_api::ErrorCode::AlertNotActive), "{code:?}: {message}");
        }
    }
    node.shutdown().await.unwrap();
}
