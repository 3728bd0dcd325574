//! The Game tab's tables, forms and joined-table view from the busy fixture: every button queues the command it
//! names in the dashboard's outbox (what the connection sends over the event socket); the Host dialog checks its
//! values first; the bet layout picks the Place row's kind; the round's countdown and the rolls' chip changes show.

use bitcraps_api::{Command, HostTable};
use bitcraps_ui::game::{JOIN_BUY_IN, host};
use bitcraps_ui::{Dashboard, format};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT as _, Queryable as _, by};

use crate::fixtures::{NODE_ID, PEER_IDS, TABLE_IDS};
use crate::harness::{harness_for, open_tab};

fn game_tab() -> Harness<'static, Dashboard> {
    let mut harness = harness_for("snapshot_busy.json");
    open_tab(&mut harness, "Game");
    harness
}

/// Scrolls the node `query` finds into view and clicks it.
fn scroll_and_click(harness: &mut Harness<'static, Dashboard>, query: impl Fn() -> By<'static>) {
    harness.get(query()).scroll_to_me();
    harness.run();
    harness.get(query()).click();
    harness.run();
}

/// Clicks the button `label` (scrolled into view) and returns the commands queued.
fn click(harness: &mut Harness<'static, Dashboard>, label: &'static str) -> Vec<Command> {
    scroll_and_click(harness, || by().role(Role::Button).label(label));
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
    // The tables list and the joined table's round phase steps.
    assert_eq!(harness.query_all_by_label("commit").count(), 2);
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

/// Opens the Host dialog.
fn host_dialog() -> Harness<'static, Dashboard> {
    let mut harness = game_tab();
    click(&mut harness, host::OPEN);
    harness.get_by_label("Max buy-in");
    harness
}

#[test]
fn host_sends_host_table_with_the_form_defaults_and_closes() {
    let mut harness = host_dialog();
    let outbox = click(&mut harness, host::SEND);
    assert_eq!(outbox, vec![Command::HostTable { table: HostTable::default() }]);
    assert!(harness.query_by_label("Max buy-in").is_none(), "the dialog closed");
}

#[test]
fn host_refuses_min_bet_above_max_bet_then_sends_the_fixed_form() {
    let mut harness = host_dialog();
    harness.state_mut().game.host.table.min_bet = 600;
    harness.run();
    harness.get_by_label("Min bet (600) must not exceed max bet (500).");
    assert!(click(&mut harness, host::SEND).is_empty(), "nothing sent while the form is invalid");
    harness.get_by_label("Max buy-in");

    let table =
        HostTable { min_bet: 10, odds_multiple: 2, max_seats: 4, roll_interval_ms: 3_000, ..HostTable::default() };
    harness.state_mut().game.host.table = HostTable { field_pays_on_12: 2, ..table.clone() };
    harness.run();
    assert!(harness.query_by_label_contains("must not exceed").is_none());
    harness.get_by_label("3x").click();
    harness.run();
    let outbox = click(&mut harness, host::SEND);
    assert_eq!(outbox, vec![Command::HostTable { table: HostTable { field_pays_on_12: 3, ..table } }]);
}

#[test]
fn cancel_closes_the_host_dialog_without_sending() {
    let mut harness = host_dialog();
    assert!(click(&mut harness, host::CANCEL).is_empty());
    assert!(harness.query_by_label("Max buy-in").is_none());
}

#[test]
fn a_bet_cell_picks_the_kind_placed() {
    let mut harness = game_tab();
    scroll_and_click(&mut harness, || by().role(Role::Button).label_contains("Hard 8"));
    let outbox = click(&mut harness, "Place");
    assert_eq!(
        outbox,
        vec![Command::PlaceBet { table_id: TABLE_IDS[0].to_owned(), kind: "hard_8".to_owned(), amount: 5 }]
    );
}

#[test]
fn bet_cells_show_engine_payouts_and_disable_pass_on_a_point() {
    let harness = game_tab();
    let place_6 = harness.get(by().role(Role::Button).label_contains("Place 6\n"));
    assert!(place_6.accesskit_node().label().unwrap_or_default().contains("7:6"));
    let pass = harness.get(by().role(Role::Button).label_contains("Pass line"));
    assert!(pass.accesskit_node().is_disabled(), "no pass line bet with a point on");
    let come = harness.get(by().role(Role::Button).label_contains("Don't come\n"));
    assert!(!come.accesskit_node().is_disabled());
}

#[test]
fn commit_phase_shows_its_countdown_attempt_and_puck() {
    let harness = game_tab();
    harness.get_by_label("commit closes in 2.4 s");
    harness.get_by_label("attempt 2");
    harness.get_by_label("ON · point 6");
}

#[test]
fn rolls_show_dice_and_chip_changes() {
    let harness = game_tab();
    harness.get_by_label("4+2=6");
    harness.get_by_label("point off -> 6");
    harness.get_by_label("you -10");
    harness.get_by_label(&format!("{} -25", format::short_id(PEER_IDS[0])));
    // The history's own column: -10, +20, +15.
    harness.get_by_label("+20");
    harness.get_by_label("+15");
}

#[test]
fn place_sends_place_bet_for_the_joined_table_by_default_come_on_a_point() {
    let mut harness = game_tab();
    let outbox = click(&mut harness, "Place");
    assert_eq!(
        outbox,
        vec![Command::PlaceBet { table_id: TABLE_IDS[0].to_owned(), kind: "come".to_owned(), amount: 5 }]
    );
}

#[test]
fn place_sends_the_kind_picked_in_the_menu() {
    let mut harness = game_tab();
    scroll_and_click(&mut harness, || by().role(Role::ComboBox));
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

#[test]
fn host_dialog_image_with_an_error() {
    let mut harness = host_dialog();
    harness.state_mut().game.host.table.min_bet = 600;
    harness.run();
    harness.remove_cursor();
    harness.run();
    harness.snapshot("game_host_dialog");
}

#[test]
fn game_tab_image_at_200_percent() {
    let mut harness = game_tab();
    harness.ctx.set_zoom_factor(2.0);
    harness.run();
    harness.snapshot("game_busy_200");
}

#[test]
fn layout_image_scrolled_to_the_numbers() {
    let mut harness = game_tab();
    harness.get(by().role(Role::Button).label_contains("Hard 10")).scroll_to_me();
    harness.run();
    harness.remove_cursor();
    harness.run();
    harness.snapshot("game_layout");
}
