//! Every typed error, and that a rejected call leaves the table exactly as it was.

use bitcraps_rules::{BetError, BetId, BetKind, Point, Table, TableRules, Working};

use crate::support::{ME, dice};
use bitcraps_rules::PlayerId;

const OTHER: PlayerId = PlayerId(2);

fn table() -> Table {
    let mut t = Table::new(TableRules::default()); // min 5, max 5000, 3-4-5x
    t.seat(ME).unwrap();
    t.seat(OTHER).unwrap();
    t
}

/// Asserts `f` fails with `want` and leaves the table unchanged.
fn rejects(t: &mut Table, want: BetError, f: impl FnOnce(&mut Table) -> Result<(), BetError>) {
    let before = t.clone();
    assert_eq!(f(t), Err(want.clone()), "{want}");
    assert_eq!(*t, before, "the table changed after {want}");
}

fn bet(kind: BetKind, amount: u64) -> impl FnOnce(&mut Table) -> Result<(), BetError> {
    move |t| {
        let roll = t.open_roll();
        t.place_bet(ME, kind, amount, roll).map(|_| ())
    }
}

fn ok(t: &mut Table, kind: BetKind, amount: u64) -> BetId {
    let roll = t.open_roll();
    t.place_bet(ME, kind, amount, roll).unwrap().bet_id
}

#[test]
fn unknown_bet_kind() {
    let err = "pass_line_please".parse::<BetKind>().unwrap_err();
    assert_eq!(err, BetError::UnknownBetKind { name: "pass_line_please".into() });
    assert_eq!(err.code(), "unknown_bet_kind");
}

#[test]
fn amounts_and_table_limits() {
    let mut t = table();
    rejects(&mut t, BetError::ZeroAmount, bet(BetKind::Pass, 0));
    rejects(&mut t, BetError::BelowTableMin { amount: 4, min: 5 }, bet(BetKind::Field, 4));
    rejects(&mut t, BetError::AboveTableMax { amount: 5001, max: 5000 }, bet(BetKind::Pass, 5001));
    ok(&mut t, BetKind::Pass, 5000);
}

#[test]
fn odds_limits_and_base_bets() {
    let mut t = table();
    rejects(&mut t, BetError::NoBaseBet { kind: BetKind::PassOdds }, bet(BetKind::PassOdds, 10));
    ok(&mut t, BetKind::Pass, 10);
    ok(&mut t, BetKind::DontPass, 10);
    t.roll(dice(2, 2)); // point 4
    rejects(&mut t, BetError::OddsAboveLimit { amount: 31, allowed: 30 }, bet(BetKind::PassOdds, 31));
    ok(&mut t, BetKind::PassOdds, 20);
    rejects(&mut t, BetError::OddsAboveLimit { amount: 11, allowed: 10 }, bet(BetKind::PassOdds, 11));
    ok(&mut t, BetKind::PassOdds, 10);
    // Odds are exempt from the table minimum.
    rejects(&mut t, BetError::OddsAboveLimit { amount: 1, allowed: 0 }, bet(BetKind::PassOdds, 1));
    // Lay odds: 3x on the 4 wins 30, so up to 60 may be laid.
    rejects(&mut t, BetError::OddsAboveLimit { amount: 61, allowed: 60 }, bet(BetKind::DontPassOdds, 61));
    ok(&mut t, BetKind::DontPassOdds, 60);
    // No come bet on the 6 yet.
    let kind = BetKind::ComeOdds(Point::Six);
    rejects(&mut t, BetError::NoBaseBet { kind }, bet(kind, 10));
    // Another player's flat bet is no base for mine.
    let mut t = table();
    let roll = t.open_roll();
    t.place_bet(OTHER, BetKind::Pass, 10, roll).unwrap();
    t.roll(dice(3, 3));
    rejects(&mut t, BetError::NoBaseBet { kind: BetKind::PassOdds }, bet(BetKind::PassOdds, 10));
}

#[test]
fn closed_and_future_rolls() {
    let mut t = table();
    t.roll(dice(1, 1));
    t.roll(dice(1, 2));
    assert_eq!(t.open_roll(), 2);
    rejects(&mut t, BetError::RollClosed { for_roll: 1, open_roll: 2 }, |t| {
        t.place_bet(ME, BetKind::Field, 10, 1).map(|_| ())
    });
    rejects(&mut t, BetError::RollNotOpen { for_roll: 3, open_roll: 2 }, |t| {
        t.place_bet(ME, BetKind::Field, 10, 3).map(|_| ())
    });
    assert!(t.place_bet(ME, BetKind::Field, 10, 2).is_ok());
}

#[test]
fn phase_restrictions() {
    let mut t = table();
    let phase = t.phase();
    rejects(&mut t, BetError::NotAllowedInPhase { kind: BetKind::Come, phase }, bet(BetKind::Come, 10));
    t.roll(dice(2, 3));
    let phase = t.phase();
    rejects(&mut t, BetError::NotAllowedInPhase { kind: BetKind::Pass, phase }, bet(BetKind::Pass, 10));
    rejects(&mut t, BetError::NotAllowedInPhase { kind: BetKind::DontPass, phase }, bet(BetKind::DontPass, 10));
}

#[test]
fn split_bets_divide_evenly() {
    let mut t = table();
    rejects(&mut t, BetError::IndivisibleAmount { amount: 21, ways: 4 }, bet(BetKind::Horn, 21));
    rejects(&mut t, BetError::IndivisibleAmount { amount: 22, ways: 5 }, bet(BetKind::World, 22));
    rejects(&mut t, BetError::IndivisibleAmount { amount: 11, ways: 2 }, bet(BetKind::CAndE, 11));
    ok(&mut t, BetKind::Horn, 20);
}

#[test]
fn removal_errors() {
    let mut t = table();
    rejects(&mut t, BetError::UnknownBet { bet_id: BetId(999) }, |t| t.remove_bet(ME, BetId(999)).map(|_| ()));
    let pass = ok(&mut t, BetKind::Pass, 10);
    rejects(&mut t, BetError::NotYourBet { bet_id: pass, player: OTHER }, |t| t.remove_bet(OTHER, pass).map(|_| ()));
    t.roll(dice(2, 2));
    rejects(&mut t, BetError::ContractBet { bet_id: pass }, |t| t.remove_bet(ME, pass).map(|_| ()));
    let come = ok(&mut t, BetKind::Come, 10);
    t.roll(dice(3, 3));
    rejects(&mut t, BetError::ContractBet { bet_id: come }, |t| t.remove_bet(ME, come).map(|_| ()));
    rejects(&mut t, BetError::AlwaysWorking { kind: BetKind::Pass }, |t| t.set_working(ME, pass, Working::Off));
}

#[test]
fn dont_bets_come_down_after_their_odds() {
    let mut t = table();
    let dp = ok(&mut t, BetKind::DontPass, 10);
    t.roll(dice(3, 3));
    let odds = ok(&mut t, BetKind::DontPassOdds, 60);
    rejects(&mut t, BetError::OddsStillUp { bet_id: dp }, |t| t.remove_bet(ME, dp).map(|_| ()));
    assert_eq!(t.remove_bet(ME, odds).unwrap().total(), 60);
    assert_eq!(t.remove_bet(ME, dp).unwrap().total(), 10);
    assert!(t.bets().is_empty());
}

#[test]
fn seating() {
    let mut t = table();
    rejects(&mut t, BetError::AlreadySeated { player: ME }, |t| t.seat(ME));
    let stranger = PlayerId(99);
    rejects(&mut t, BetError::NotSeated { player: stranger }, |t| {
        t.place_bet(stranger, BetKind::Pass, 10, 0).map(|_| ())
    });
    rejects(&mut t, BetError::NotSeated { player: stranger }, |t| t.unseat(stranger));
}

#[test]
fn codes_are_distinct_and_ledger_variant_exists() {
    let errors = [
        BetError::UnknownBetKind { name: String::new() },
        BetError::ZeroAmount,
        BetError::BelowTableMin { amount: 0, min: 0 },
        BetError::AboveTableMax { amount: 0, max: 0 },
        BetError::OddsAboveLimit { amount: 0, allowed: 0 },
        BetError::NoBaseBet { kind: BetKind::PassOdds },
        BetError::RollClosed { for_roll: 0, open_roll: 0 },
        BetError::RollNotOpen { for_roll: 0, open_roll: 0 },
        BetError::NotAllowedInPhase { kind: BetKind::Pass, phase: bitcraps_rules::Phase::ComeOut },
        BetError::IndivisibleAmount { amount: 0, ways: 0 },
        BetError::UnknownBet { bet_id: BetId(0) },
        BetError::NotYourBet { bet_id: BetId(0), player: ME },
        BetError::ContractBet { bet_id: BetId(0) },
        BetError::OddsStillUp { bet_id: BetId(0) },
        BetError::AlwaysWorking { kind: BetKind::Pass },
        BetError::NotSeated { player: ME },
        BetError::AlreadySeated { player: ME },
        BetError::InsufficientBalance { needed: 10, available: 3 },
    ];
    let codes: std::collections::HashSet<&str> = errors.iter().map(BetError::code).collect();
    assert_eq!(codes.len(), errors.len());
    assert_eq!(
        BetError::InsufficientBalance { needed: 10, available: 3 }.to_string(),
        "insufficient balance: 10 needed, 3 available"
    );
}
