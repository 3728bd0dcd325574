//! The table state machine: puck, shooter rotation, roll numbers, placements and removals.

use bitcraps_rules::{BetKind, CommissionPolicy, Outcome, Phase, PlayerId, Point, Table, TableRules};

use crate::support::{ME, dice, rules};

#[test]
fn puck_and_shooter_rotation() {
    let (a, b, c) = (PlayerId(10), PlayerId(20), PlayerId(30));
    let mut t = Table::new(rules());
    assert_eq!(t.shooter(), None);
    for p in [a, b, c] {
        t.seat(p).unwrap();
    }
    assert_eq!(t.shooter(), Some(a));
    // A come-out seven is a winner, not a seven-out.
    let o = t.roll(dice(3, 4));
    assert!(!o.seven_out);
    assert_eq!((o.shooter, o.next_shooter), (Some(a), Some(a)));
    // Point set, then made: same shooter.
    let o = t.roll(dice(2, 3));
    assert_eq!(o.point_set(), Some(Point::Five));
    assert_eq!(t.phase(), Phase::Point(Point::Five));
    let o = t.roll(dice(1, 4));
    assert_eq!(o.point_made(), Some(Point::Five));
    assert_eq!(t.phase(), Phase::ComeOut);
    assert_eq!(t.shooter(), Some(a));
    // Point set, seven-out: the dice pass to b.
    t.roll(dice(4, 6));
    let o = t.roll(dice(1, 6));
    assert!(o.seven_out);
    assert_eq!((o.phase_before, o.phase_after), (Phase::Point(Point::Ten), Phase::ComeOut));
    assert_eq!((o.shooter, o.next_shooter), (Some(a), Some(b)));
    // b sevens out; c shoots; c leaves while shooting: back to a.
    t.roll(dice(3, 3));
    t.roll(dice(5, 2));
    assert_eq!(t.shooter(), Some(c));
    t.unseat(c).unwrap();
    assert_eq!(t.shooter(), Some(a));
    // Unseating a player before the shooter keeps the same shooter.
    t.roll(dice(3, 3));
    t.roll(dice(5, 2));
    assert_eq!(t.shooter(), Some(b));
    t.unseat(a).unwrap();
    assert_eq!(t.shooter(), Some(b));
    assert_eq!(t.seats(), &[b]);
    assert_eq!(t.open_roll(), 9);
}

#[test]
fn roll_outcome_lists_everything_in_bet_order() {
    let mut t = Table::new(rules());
    t.seat(ME).unwrap();
    let pass = t.place_bet(ME, BetKind::Pass, 10, 0).unwrap().bet_id;
    let field = t.place_bet(ME, BetKind::Field, 10, 0).unwrap().bet_id;
    let o = t.roll(dice(2, 2));
    assert_eq!(o.roll_number, 0);
    assert_eq!(o.travelled, vec![(pass, Point::Four)]);
    assert_eq!(o.resolutions.len(), 1);
    assert_eq!(o.resolutions[0].bet_id, field);
    assert_eq!(o.resolutions[0].outcome, Outcome::Win);
    let odds = t.place_bet(ME, BetKind::PassOdds, 30, 1).unwrap().bet_id;
    let place = t.place_bet(ME, BetKind::Place(Point::Six), 12, 1).unwrap().bet_id;
    let o = t.roll(dice(3, 4));
    assert!(o.seven_out);
    let ids: Vec<_> = o.resolutions.iter().map(|r| r.bet_id).collect();
    assert_eq!(ids, vec![pass, odds, place]);
    assert!(o.resolutions.iter().all(|r| r.outcome == Outcome::Lose));
    assert!(t.bets().is_empty());
}

#[test]
fn upfront_commission_is_charged_and_refunded() {
    let mut t = Table::new(TableRules { commission: CommissionPolicy::Upfront, ..rules() });
    t.seat(ME).unwrap();
    let buy = t.place_bet(ME, BetKind::Buy(Point::Four), 60, 0).unwrap();
    assert_eq!((buy.stake, buy.commission, buy.total()), (60, 3, 63));
    let lay = t.place_bet(ME, BetKind::Lay(Point::Four), 60, 0).unwrap();
    assert_eq!(lay.commission, 2); // 5 % of the 30 it would win, rounded up
    let removal = t.remove_bet(ME, buy.bet_id).unwrap();
    assert_eq!((removal.stake, removal.commission, removal.total()), (60, 3, 63));
    // Non-contract bets come down: a Pass bet before its point, a Come bet before it travels.
    let pass = t.place_bet(ME, BetKind::Pass, 10, 0).unwrap().bet_id;
    assert_eq!(t.remove_bet(ME, pass).unwrap().total(), 10);
    t.roll(dice(3, 3));
    let come = t.place_bet(ME, BetKind::Come, 10, 1).unwrap().bet_id;
    assert_eq!(t.remove_bet(ME, come).unwrap().total(), 10);
}

#[test]
fn hops_are_stored_low_face_first() {
    let mut t = Table::new(rules());
    t.seat(ME).unwrap();
    let id = t.place_bet(ME, BetKind::Hop(dice(5, 2)), 10, 0).unwrap().bet_id;
    assert_eq!(t.bet(id).unwrap().kind, BetKind::Hop(dice(2, 5)));
    assert_eq!(t.bet(id).unwrap().kind.to_string(), "hop_2_5");
}

#[test]
fn unseated_players_bets_still_resolve() {
    let mut t = Table::new(rules());
    t.seat(ME).unwrap();
    t.place_bet(ME, BetKind::Field, 10, 0).unwrap();
    t.unseat(ME).unwrap();
    let o = t.roll(dice(1, 1));
    assert_eq!(o.resolutions[0].settlement.winnings, 20);
    assert_eq!(o.shooter, None);
}
