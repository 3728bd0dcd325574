//! The DB write latency the node measures: each resource sample carries the p95 of the write window (the sampler's
//! own SQLite inserts are real writes), it is stored with the sample, summarized as `database_write_p95_ms`, served
//! by the range endpoint, and rows from before the column existed read as "not measured".

use std::time::Duration;

use bitcraps_api::{MetricRange, ResourceSample, Snapshot};
use bitcraps_node::metrics_store;
use bitcraps_storage::{self as storage, resource_samples};

use crate::support::{get, start_node};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samples_carry_the_db_write_p95_and_the_range_endpoint_serves_it() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |_| {}).await;
    let url = format!("{}/api/v1/snapshot", node.api_url());
    let mut measured = None;
    for _ in 0..100 {
        let (status, body) = get(url.clone(), Some(node.token().to_owned())).await;
        assert_eq!(status, 200, "{body}");
        let snapshot: Snapshot = serde_json::from_str(&body).unwrap();
        // The first sample has no earlier write in its window; the ones after it have the previous inserts.
        if snapshot.resources.iter().filter(|s| s.db_write_p95_ms.is_some()).count() >= 3 {
            measured = Some(snapshot);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let snapshot = measured.expect("three samples with a DB write p95");
    assert!(snapshot.resources[0].db_write_p95_ms.is_none(), "the first sample of a fresh node saw no write");
    for s in snapshot.resources.iter().filter_map(|s| s.db_write_p95_ms) {
        // HDR resolution is 1 µs; an insert takes at least that and (on any machine) less than a minute.
        assert!((0.001..60_000.0).contains(&s), "{s} ms");
    }

    let to = snapshot.node.now_ms + 1000;
    let query = format!(
        "{}/api/v1/metrics/range?metric=database_write_p95_ms&from_ms=0&to_ms={to}&step_ms=1000",
        node.api_url()
    );
    let (status, body) = get(query, Some(node.token().to_owned())).await;
    assert_eq!(status, 200, "{body}");
    let range: MetricRange = serde_json::from_str(&body).unwrap();
    assert_eq!(range.metric, "database_write_p95_ms");
    assert!(!range.points.is_empty(), "{body}");
    assert!(range.points.iter().all(|p| p.min > 0.0 && p.min <= p.avg && p.avg <= p.max), "{body}");
    node.shutdown().await.unwrap();
}

#[test]
fn the_stored_p95_is_summarized_per_minute_and_unmeasured_samples_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let db = storage::open(&dir.path().join("m.sqlite3"), &Default::default()).unwrap();
    let t0 = 1_700_000_040_000 - 1_700_000_040_000 % metrics_store::MINUTE_MS;
    // Minute 0: six samples, the first unmeasured; minute 1: none measured.
    for i in 0..12u64 {
        let p95 = (i > 0 && i < 6).then_some(i as f64);
        let sample =
            ResourceSample { at_ms: t0 + i * 10_000, rss_bytes: 1, db_write_p95_ms: p95, ..Default::default() };
        resource_samples::insert(&db, &sample).unwrap();
    }
    let stored = resource_samples::between(&db, t0, t0 + 20_000).unwrap();
    assert_eq!(stored.iter().map(|s| s.db_write_p95_ms).collect::<Vec<_>>(), [None, Some(1.0)]);
    let now = t0 + 3 * metrics_store::MINUTE_MS;
    while metrics_store::downsample(&db, now, Default::default()).unwrap() > 0 {}
    let minutes = metrics_store::range(&db, "database_write_p95_ms", t0, now, 60_000).unwrap();
    assert_eq!(minutes.len(), 1, "{minutes:?}");
    assert_eq!((minutes[0].at_ms, minutes[0].min, minutes[0].avg, minutes[0].max), (t0, 1.0, 3.0, 5.0));
}

#[test]
fn rows_written_before_the_column_existed_read_as_not_measured() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    {
        // A database at the schema before the DB write column, with one sample in it.
        let conn = rusqlite::Connection::open(&path).unwrap();
        let added = storage::MIGRATIONS.iter().position(|m| *m == resource_samples::MIGRATION_DB_WRITE).unwrap();
        let old = &storage::MIGRATIONS[..added];
        for sql in old {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", old.len() as i64).unwrap();
        conn.execute("INSERT INTO resource_samples VALUES (5, 1.0, 2, NULL, NULL, 0, 0, 0, 0, 0, 3, 4, 5)", [])
            .unwrap();
    }
    let db = storage::open(&path, &Default::default()).unwrap();
    let rows = resource_samples::between(&db, 0, 10).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].db_size_bytes, rows[0].db_write_p95_ms), (5, None));
}
