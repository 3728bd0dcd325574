//! Bad input through the ledger and the store: each refusal is a typed error, and the database and the table in
//! memory are exactly as before (the rules crate tests the engine side of the same refusals).

use bitcraps_ledger::{GameError, GameTable};
use bitcraps_rules::{BetError, BetId, BetKind, PlayerId, TableRules};
use rusqlite::Connection;

use crate::game_support::{dice, dump, funded_table, open_db};

const ME: PlayerId = PlayerId(0);

/// A table where player 0 holds `balance`; `prepare` brings it to the state the refusal needs.
fn table_with(balance: u64, prepare: impl FnOnce(&mut Connection, &mut GameTable)) -> (Connection, GameTable) {
    let mut conn = open_db(std::path::Path::new(":memory:"));
    let mut game = funded_table(&mut conn, TableRules::default(), &[balance]);
    prepare(&mut conn, &mut game);
    (conn, game)
}

/// Runs a refused call and checks nothing changed; returns the error.
fn refused(
    conn: &mut Connection,
    game: &mut GameTable,
    call: impl FnOnce(&mut Connection, &mut GameTable) -> Result<(), GameError>,
) -> GameError {
    let before = dump(conn);
    let table_before = game.table().clone();
    let err = call(conn, game).expect_err("the call is refused");
    assert_eq!(dump(conn), before, "the database is unchanged after {err}");
    assert_eq!(game.table(), &table_before, "the table in memory is unchanged after {err}");
    err
}

fn place(
    kind: &'static str,
    amount: i64,
    for_roll: u64,
) -> impl FnOnce(&mut Connection, &mut GameTable) -> Result<(), GameError> {
    move |conn, game| game.place_named(conn, ME, kind, amount, for_roll, 1).map(drop)
}

#[test]
fn unknown_bet_type() {
    let (mut conn, mut game) = table_with(1000, |_, _| {});
    let err = refused(&mut conn, &mut game, place("passline", 10, 0));
    assert!(matches!(&err, GameError::Bet(BetError::UnknownBetKind { name }) if name == "passline"), "{err}");
    assert_eq!(err.code(), "unknown_bet_kind");
}

#[test]
fn zero_and_negative_amounts() {
    let (mut conn, mut game) = table_with(1000, |_, _| {});
    let err = refused(&mut conn, &mut game, place("pass", 0, 0));
    assert!(matches!(err, GameError::Bet(BetError::ZeroAmount)), "{err}");
    let err = refused(&mut conn, &mut game, place("pass", -5, 0));
    assert!(matches!(err, GameError::NegativeAmount { amount: -5 }), "{err}");
    assert_eq!(err.code(), "negative_amount");
}

#[test]
fn above_table_max() {
    let (mut conn, mut game) = table_with(100_000, |_, _| {});
    let err = refused(&mut conn, &mut game, place("field", 5001, 0));
    assert!(matches!(err, GameError::Bet(BetError::AboveTableMax { amount: 5001, max: 5000 })), "{err}");
}

#[test]
fn odds_above_the_limit() {
    let (mut conn, mut game) = table_with(1000, |conn, game| {
        game.place_named(conn, ME, "pass", 10, 0, 1).unwrap();
        game.roll(conn, dice(2, 2), 2).unwrap(); // point 4: 3x odds, 30 at most
    });
    let err = refused(&mut conn, &mut game, place("pass_odds", 31, 1));
    assert!(matches!(err, GameError::Bet(BetError::OddsAboveLimit { amount: 31, allowed: 30 })), "{err}");
    game.place_named(&mut conn, ME, "pass_odds", 30, 1, 3).unwrap();
}

#[test]
fn bet_on_a_roll_already_closed() {
    let (mut conn, mut game) = table_with(1000, |conn, game| {
        game.roll(conn, dice(3, 4), 1).unwrap();
    });
    let err = refused(&mut conn, &mut game, place("field", 10, 0));
    assert!(matches!(err, GameError::Bet(BetError::RollClosed { for_roll: 0, open_roll: 1 })), "{err}");
}

#[test]
fn insufficient_balance_counts_up_front_commission() {
    let rules = TableRules { commission: bitcraps_rules::CommissionPolicy::Upfront, ..TableRules::default() };
    let mut conn = open_db(std::path::Path::new(":memory:"));
    let mut game = funded_table(&mut conn, rules, &[100]);
    let err = refused(&mut conn, &mut game, place("field", 101, 0));
    assert!(matches!(err, GameError::Bet(BetError::InsufficientBalance { needed: 101, available: 100 })), "{err}");
    // Buy 4 for 100 costs 100 plus 5 commission up front.
    let err = refused(&mut conn, &mut game, place("buy_4", 100, 0));
    assert!(matches!(err, GameError::Bet(BetError::InsufficientBalance { needed: 105, available: 100 })), "{err}");
    assert_eq!(err.code(), "insufficient_balance");
    game.place_named(&mut conn, ME, "buy_4", 95, 0, 1).unwrap();
}

#[test]
fn removing_a_contract_bet() {
    let (mut conn, mut game) = table_with(1000, |conn, game| {
        game.place_named(conn, ME, "pass", 10, 0, 1).unwrap();
        game.roll(conn, dice(3, 3), 2).unwrap(); // point 6: the pass bet is a contract now
    });
    let err = refused(&mut conn, &mut game, |conn, game| game.remove_bet(conn, ME, BetId(0), 3).map(drop));
    assert!(matches!(err, GameError::Bet(BetError::ContractBet { bet_id: BetId(0) })), "{err}");
    assert_eq!(err.code(), "contract_bet");
}

#[test]
fn a_bet_the_engine_takes_but_the_player_cannot_afford_leaves_no_bet_id_used() {
    let (mut conn, mut game) = table_with(10, |_, _| {});
    refused(&mut conn, &mut game, place("pass", 11, 0));
    let placed = game.place_bet(&mut conn, ME, BetKind::Pass, 10, 0, 1).unwrap();
    assert_eq!(placed.bet_id, BetId(0), "the refused bet consumed no id");
}
