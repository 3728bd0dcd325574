//! The Game tab's tables, forms and joined-table view from the busy fixture: every button queues the command it
//! names in the dashboard's outbox (what the connection sends over the event socket).

use bitcraps_api::{Command, HostTable};
use bitcraps_ui::game::JOIN_BUY_IN;
use bitcraps_ui::{Dashboard, format};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{Queryable as _, by};

use crate::fixtures::{NODE_ID, PEER_IDS, TABLE_IDS};
use crate::harness::{harness_for, open_tab};

fn game_tab() -> Harness<'static, Dashboard> {
    let mut harness = harness_for("snapshot_busy.json");
    open_tab(&mut harness, "Game");
    harness
}

/// Clicks the button `label` and returns the commands queued.
fn click(harness: &mut Harness<'static, Dashboard>, label: &str) -> Vec<Command> {
    harness.get(by().role(Role::Button).label(label)).click();
    harness.run();
    harness.state().state.outbox.clone()
}

#[test]
fn tables_list_shows_limits_phases_and_joined() {
    let harness = game_tab();
    for id in TABLE_IDS {
        harness.get_by_label(format::short_id(id));
    }
    harness.get_by_label("5-500");
    harness.get_by_label("25-1000");
    harness.get_by_label("betting");
    harness.get_by_label("yes");
    harness.get_by_label("no");
    harness.get_by_label("Leave");
    harness.get_by_label_contains("Rounds final 41 · attempts failed 2 · forfeits 1 · equivocations 0");
    harness.get_by_label_contains("round latency p50/p95/p99 182 / 240 / 410 ms");
}

#[test]
fn join_sends_join_table_with_the_buy_in() {
    let mut harness = game_tab();
    let outbox = click(&mut harness, "Join");
    assert_eq!(outbox, vec![Command::JoinTable { table_id: TABLE_IDS[1].to_owned(), buy_in: JOIN_BUY_IN }]);
}

#[test]
fn leave_sends_leave_table() {
    let mut harness = game_tab();
    let outbox = click(&mut harness, "Leave");
    assert_eq!(outbox, vec![Command::LeaveTable { table_id: TABLE_IDS[0].to_owned() }]);
}

#[test]
fn host_sends_host_table_with_the_form_defaults() {
    let mut harness = game_tab();
    let outbox = click(&mut harness, "Host");
    assert_eq!(outbox, vec![Command::HostTable { table: HostTable::default() }]);
}

#[test]
fn host_sends_the_edited_form() {
    let mut harness = game_tab();
    harness.state_mut().game.host.min_bet = 10;
    harness.state_mut().game.host.roll_interval_ms = 3_000;
    harness.run();
    let outbox = click(&mut harness, "Host");
    let table = HostTable { min_bet: 10, roll_interval_ms: 3_000, ..HostTable::default() };
    assert_eq!(outbox, vec![Command::HostTable { table }]);
}

#[test]
fn place_sends_place_bet_for_the_joined_table() {
    let mut harness = game_tab();
    let outbox = click(&mut harness, "Place");
    assert_eq!(
        outbox,
        vec![Command::PlaceBet { table_id: TABLE_IDS[0].to_owned(), kind: "pass".to_owned(), amount: 5 }]
    );
}

#[test]
fn place_sends_the_kind_picked_in_the_menu() {
    let mut harness = game_tab();
    harness.get(by().role(Role::ComboBox)).click();
    harness.run();
    harness.get_by_label("dont_pass").click();
    harness.run();
    let outbox = click(&mut harness, "Place");
    assert_eq!(
        outbox,
        vec![Command::PlaceBet { table_id: TABLE_IDS[0].to_owned(), kind: "dont_pass".to_owned(), amount: 5 }]
    );
}

#[test]
fn joined_table_shows_players_bets_and_rolls() {
    let harness = game_tab();
    // The host: in the tables list, among the players and as the owner of bet #101.
    assert_eq!(harness.query_all_by_label(format::short_id(PEER_IDS[0])).count(), 3);
    assert!(harness.query_all_by_label(&format!("{} (you)", format::short_id(NODE_ID))).count() >= 3);
    harness.get_by_label("1480");
    harness.get_by_label("935");
    harness.get_by_label("shooter");
    for id in ["#101", "#102", "#104"] {
        harness.get_by_label(id);
    }
    harness.get_by_label("place_8");
    harness.get_by_label("4 + 2 = 6");
    harness.get_by_label("5 + 6 = 11");
    assert_eq!(harness.query_all_by_label("off").count(), 2);
    harness.get_by_label(format::short_id(PEER_IDS[2]));
    // Remove only on this node's two bets.
    assert_eq!(harness.query_all_by_label("Remove").count(), 2);
}

#[test]
fn remove_sends_remove_bet_for_an_own_bet() {
    let mut harness = game_tab();
    harness.query_all_by_label("Remove").next().unwrap().click();
    harness.run();
    assert_eq!(
        harness.state().state.outbox,
        vec![Command::RemoveBet { table_id: TABLE_IDS[0].to_owned(), bet_id: 102 }]
    );
}

#[test]
fn command_results_show_on_the_game_tab() {
    let mut harness = game_tab();
    harness.state_mut().state.command_result = Some((false, "the table is full (table_full)".to_owned()));
    harness.run();
    harness.get_by_label("Refused: the table is full (table_full)");
}
