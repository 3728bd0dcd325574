//! The Health tab's speed-target tiles, partition state, latency plots and sortable peers table, drawn from the
//! recorded snapshots and from live updates.

use bitcraps_api::{LatencyQuantiles, ServerMessage};
use bitcraps_ui::health::peers::{PeerColumn, PeerSort};
use bitcraps_ui::health::plots::NO_LATENCY_YET;
use bitcraps_ui::{DashboardState, Tab, UiPrefs, format};
use egui_kittest::kittest::Queryable as _;

use crate::fixtures::PEER_IDS;
use crate::harness::{fixture, harness, harness_for};

#[test]
fn tiles_show_the_measured_p95_against_each_seed_target() {
    let harness = harness_for("snapshot_busy.json");
    for (name, p95, target) in [
        ("Peer discovery", "p95 3420 ms", "target < 10 s"),
        ("Connection set-up", "p95 6.0 ms", "target < 5 s"),
        ("Message propagation", "p95 61.0 ms", "target < 500 ms"),
        ("Consensus round", "p95 240 ms", "target < 2 s"),
        ("State sync", "p95 240 ms", "target < 200 ms"),
        ("Signature verification", "p95 0.09 ms", "target < 100 ms"),
    ] {
        harness.get_by_label(name);
        assert!(harness.query_all_by_label(p95).count() >= 1, "{name}: {p95}");
        harness.get_by_label(target);
    }
    harness.get_by_label("p50 35.0 ms · p99 310 ms · n 12");
    assert_eq!(harness.query_all_by_label("within target").count(), 5);
    assert_eq!(harness.query_all_by_label("above target").count(), 1, "state sync is above its 200 ms");
}

#[test]
fn a_quiet_node_has_no_data_on_any_tile() {
    let harness = harness_for("snapshot.json");
    assert_eq!(harness.query_all_by_label("no data yet").count(), 6);
    harness.get_by_label(NO_LATENCY_YET);
}

#[test]
fn partition_state_and_connection_success_are_shown() {
    let busy = harness_for("snapshot_busy.json");
    busy.get_by_label("Partition state");
    busy.get_by_label("connected (2 of 2 expected peers linked)");
    busy.get_by_label("93.3 % of 15 attempts");
    let mut snapshot = fixture("snapshot_busy.json");
    snapshot.net.partition = "partitioned".to_owned();
    snapshot.net.expected_peers_linked = 0;
    let partitioned = harness(DashboardState::from_snapshot(snapshot));
    partitioned.get_by_label("partitioned (0 of 2 expected peers linked)");
}

/// The peers' short ids from top to bottom as drawn.
fn drawn_order(harness: &egui_kittest::Harness<'_, bitcraps_ui::Dashboard>) -> Vec<usize> {
    let mut rows: Vec<(f32, usize)> =
        (0..PEER_IDS.len()).map(|i| (harness.get_by_label(format::short_id(PEER_IDS[i])).rect().top(), i)).collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    rows.into_iter().map(|(_, i)| i).collect()
}

/// Scrolls the peers table into view and clicks the header titled `title`.
fn click_header(harness: &mut egui_kittest::Harness<'_, bitcraps_ui::Dashboard>, title: &str) {
    harness.get_by_label(title).scroll_to_me();
    harness.run();
    harness.get_by_label(title).click();
    harness.run();
}

#[test]
fn clicking_a_header_sorts_the_peers_by_it_and_again_reverses() {
    let mut harness = harness_for("snapshot_busy.json");
    // By node id at first: 04f6…, 9b04…, c2e7….
    assert_eq!(drawn_order(&harness), [2, 0, 1]);
    click_header(&mut harness, "RTT");
    // RTT 3.4, 7.9, 48.2 ms.
    assert_eq!(drawn_order(&harness), [0, 1, 2]);
    assert_eq!(harness.state().peer_sort.column, PeerColumn::Rtt);
    click_header(&mut harness, "RTT");
    assert_eq!(drawn_order(&harness), [2, 1, 0]);
    click_header(&mut harness, "Reputation");
    // Reputation 75, 92, 100.
    assert_eq!(drawn_order(&harness), [2, 1, 0]);
    click_header(&mut harness, "Connected for");
    // Connected 42 s, 3 min 4 s, 1 h 2 min.
    assert_eq!(drawn_order(&harness), [2, 1, 0]);
    click_header(&mut harness, "Address");
    // 192.168.1.23, 192.168.1.41, BitCraps-7f2e.
    assert_eq!(drawn_order(&harness), [0, 1, 2]);
}

/// The busy fixture followed by `n` live updates a second apart, each with a different round latency.
fn with_live_updates(n: u64) -> DashboardState {
    let snapshot = fixture("snapshot_busy.json");
    let mut state = DashboardState::from_snapshot(snapshot.clone());
    for i in 1..=n {
        let mut game = snapshot.game.clone();
        let p50 = 150.0 + 10.0 * (i % 7) as f64;
        game.consensus.round_latency = LatencyQuantiles {
            p50_ms: p50,
            p95_ms: p50 + 90.0,
            p99_ms: p50 + 200.0,
            max_ms: p50 + 260.0,
            count: 40 + i,
        };
        let mut net = snapshot.net.clone();
        net.stats.propagation.p95_ms = 50.0 + 3.0 * (i % 5) as f64;
        state.apply(ServerMessage::Live { now_ms: snapshot.node.now_ms + i * 1000, game, net });
    }
    state
}

#[test]
fn the_plots_keep_every_update_the_node_sent() {
    let state = with_live_updates(30);
    assert_eq!(state.latency_history.len(), 31, "the snapshot and each live update");
    let harness = harness(state);
    harness.get_by_label("Consensus round (ms)");
    harness.get_by_label("Message propagation (ms)");
    for legend in ["round p50", "round p95", "round p99"] {
        harness.get_by_label(legend);
    }
    assert!(harness.query_by_label(NO_LATENCY_YET).is_none());
}

#[test]
fn health_latency_plots_image() {
    let mut harness = harness(with_live_updates(60));
    harness.snapshot("health_latency_plots");
}

#[test]
fn the_peer_sort_is_kept_with_the_ui_state_and_older_state_still_loads() {
    #[derive(Default)]
    struct Memory(Option<String>);
    impl eframe::Storage for Memory {
        fn get_string(&self, _key: &str) -> Option<String> {
            self.0.clone()
        }
        fn set_string(&mut self, _key: &str, value: String) {
            self.0 = Some(value);
        }
        fn remove_string(&mut self, _key: &str) {
            self.0 = None;
        }
        fn flush(&mut self) {}
    }
    let mut storage = Memory::default();
    let sorted = UiPrefs {
        tab: Tab::Health,
        peer_sort: PeerSort { column: PeerColumn::Rtt, descending: true },
        ..UiPrefs::default()
    };
    eframe::set_value(&mut storage, eframe::APP_KEY, &sorted);
    assert_eq!(eframe::get_value::<UiPrefs>(&storage, eframe::APP_KEY), Some(sorted));
    // Saved by a dashboard from before the sort existed.
    eframe::Storage::set_string(&mut storage, eframe::APP_KEY, "(tab: alerts)".to_owned());
    let old = eframe::get_value::<UiPrefs>(&storage, eframe::APP_KEY);
    assert_eq!(old, Some(UiPrefs { tab: Tab::Alerts, ..UiPrefs::default() }));
}
