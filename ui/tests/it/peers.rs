//! The Health tab's Peers section: the peers table from the busy fixture, the mesh statistics line, and the empty
//! and off-the-mesh states.

use bitcraps_ui::health::peers::{NO_PEERS, NOT_ON_MESH};
use bitcraps_ui::{DashboardState, format};
use egui_kittest::kittest::Queryable as _;

use crate::fixtures::PEER_IDS;
use crate::harness::{fixture, harness, harness_for};

#[test]
fn peers_table_lists_every_peer_with_units() {
    let harness = harness_for("snapshot_busy.json");
    harness.get_by_label("Peers");
    for id in PEER_IDS {
        harness.get_by_label(format::short_id(id));
    }
    harness.get_by_label("Listening on 0.0.0.0:47800");
    harness.get_by_label("192.168.1.23:47800");
    harness.get_by_label("ble");
    assert_eq!(harness.query_all_by_label("out").count(), 2);
    harness.get_by_label("in");
    harness.get_by_label("3.4 ms");
    harness.get_by_label("92");
    harness.get_by_label("1 h 2 min 5 s");
    harness.get_by_label("4.6 MiB / 3.8 MiB");
    harness.get_by_label("18204 / 17930");
    assert!(harness.query_by_label(NO_PEERS).is_none());
}

#[test]
fn mesh_statistics_fit_on_one_line() {
    let snapshot = fixture("snapshot_busy.json");
    let text = bitcraps_ui::health::peers::stats_line(&snapshot.net.stats, snapshot.net.banned.len());
    assert!(text.starts_with("Messages/s in 12.4 / out 11.8"), "{text}");
    let harness = harness_for("snapshot_busy.json");
    harness.get_by_label(&text);
    for part in [
        "relayed 6402",
        "duplicates 9315",
        "dropped: bad_signature 3, rate_limited 12",
        "propagation p50/p95/p99 18.5 / 61.0 / 120 ms",
        "per-hop p95 11.7 ms",
        "signature verify p95 0.09 ms",
        "banned 1",
    ] {
        assert!(text.contains(part), "{part:?} missing from {text:?}");
    }
}

#[test]
fn no_peers_and_off_the_mesh_are_said_plainly() {
    let mut snapshot = fixture("snapshot_busy.json");
    snapshot.net.peers.clear();
    let harness = harness(DashboardState::from_snapshot(snapshot.clone()));
    harness.get_by_label(NO_PEERS);
    snapshot.net.enabled = false;
    let harness = crate::harness::harness(DashboardState::from_snapshot(snapshot));
    harness.get_by_label(NOT_ON_MESH);
    assert!(harness.query_by_label_contains("Messages/s").is_none());
}
