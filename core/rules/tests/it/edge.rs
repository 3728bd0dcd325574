//! Computed house edges against the published values, exactly.

use bitcraps_rules::edge::{BetEdge, EdgeRow, bet_edge, edge_table, exact_stake, scenario_rules};
use bitcraps_rules::{BetKind, CommissionPolicy, Dice, FieldVariant, HardWay, Point};
use num_bigint::BigInt;
use num_rational::BigRational;

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

fn edge(kind: BetKind) -> BetEdge {
    edge_with(kind, FieldVariant::DoubleTwelve, CommissionPolicy::OnWin)
}

fn edge_with(kind: BetKind, field: FieldVariant, commission: CommissionPolicy) -> BetEdge {
    bet_edge(kind, Point::Four, scenario_rules(field, commission)).unwrap()
}

#[test]
fn published_edges_per_bet_resolved() {
    use BetKind::*;
    use Point::*;
    let cases: Vec<(BetKind, BigRational)> = vec![
        (Pass, q(7, 495)),     // 1.414 %
        (DontPass, q(3, 220)), // 1.364 %
        (Come, q(7, 495)),
        (DontCome, q(3, 220)),
        (Place(Six), q(1, 66)), // 1.515 %
        (Place(Eight), q(1, 66)),
        (Place(Five), q(1, 25)), // 4.0 %
        (Place(Nine), q(1, 25)),
        (Place(Four), q(1, 15)), // 6.667 %
        (Place(Ten), q(1, 15)),
        (PlaceToLose(Four), q(1, 33)), // 3.03 %
        (PlaceToLose(Five), q(1, 40)), // 2.5 %
        (PlaceToLose(Six), q(1, 55)),  // 1.82 %
        (Buy(Four), q(1, 60)),         // 1.667 %, commission on win
        (Buy(Five), q(1, 50)),         // 2.0 %
        (Buy(Six), q(1, 44)),          // 2.273 %
        (Lay(Four), q(1, 60)),
        (Lay(Nine), q(1, 50)),
        (Lay(Eight), q(1, 44)),
        (Big6, q(1, 11)), // 9.091 %
        (Big8, q(1, 11)),
        (Hard(HardWay::Six), q(1, 11)), // 9.091 %
        (Hard(HardWay::Eight), q(1, 11)),
        (Hard(HardWay::Four), q(1, 9)), // 11.111 %
        (Hard(HardWay::Ten), q(1, 9)),
        (AnySeven, q(1, 6)), // 16.667 %
        (AnyCraps, q(1, 9)), // 11.111 %
        (Two, q(5, 36)),     // 13.889 %
        (Twelve, q(5, 36)),
        (Three, q(1, 9)), // 11.111 %
        (Eleven, q(1, 9)),
        (Horn, q(1, 8)),                           // 12.5 %
        (CAndE, q(1, 9)),                          // 11.111 %
        (Hop(Dice::new(1, 2).unwrap()), q(1, 9)),  // easy hop 11.111 %
        (Hop(Dice::new(4, 4).unwrap()), q(5, 36)), // hard hop 13.889 %
        (World, q(2, 15)),                         // 13.333 %
    ];
    for (kind, expected) in cases {
        assert_eq!(edge(kind).edge_per_resolved, expected, "{kind}");
    }
}

#[test]
fn field_variants() {
    let double = edge_with(BetKind::Field, FieldVariant::DoubleTwelve, CommissionPolicy::OnWin);
    let triple = edge_with(BetKind::Field, FieldVariant::TripleTwelve, CommissionPolicy::OnWin);
    assert_eq!(double.edge_per_resolved, q(1, 18)); // 5.556 %
    assert_eq!(triple.edge_per_resolved, q(1, 36)); // 2.778 %
    assert_eq!(double.edge_per_roll, double.edge_per_resolved);
}

#[test]
fn commission_up_front() {
    for p in Point::ALL {
        let buy = edge_with(BetKind::Buy(p), FieldVariant::DoubleTwelve, CommissionPolicy::Upfront);
        assert_eq!(buy.edge_per_resolved, q(1, 21), "buy {p}"); // 4.762 %
    }
    let lay = |p| edge_with(BetKind::Lay(p), FieldVariant::DoubleTwelve, CommissionPolicy::Upfront).edge_per_resolved;
    assert_eq!(lay(Point::Four), q(1, 41)); // 2.439 %
    assert_eq!(lay(Point::Five), q(1, 31)); // 3.226 %
    assert_eq!(lay(Point::Six), q(1, 25)); // 4.0 %
}

#[test]
fn odds_are_free() {
    for p in Point::ALL {
        let rules = scenario_rules(FieldVariant::DoubleTwelve, CommissionPolicy::OnWin);
        assert_eq!(bet_edge(BetKind::PassOdds, p, rules).unwrap().edge_per_resolved, q(0, 1));
        assert_eq!(bet_edge(BetKind::DontPassOdds, p, rules).unwrap().edge_per_resolved, q(0, 1));
        assert_eq!(edge(BetKind::ComeOdds(p)).edge_per_resolved, q(0, 1));
        assert_eq!(edge(BetKind::DontComeOdds(p)).edge_per_resolved, q(0, 1));
    }
}

#[test]
fn per_roll_edges_and_durations() {
    let pass = edge(BetKind::Pass);
    assert_eq!(pass.expectations.rolls, q(557, 165)); // 3.376 rolls
    assert_eq!(pass.edge_per_roll, q(7, 1671)); // 0.419 %
    let dont = edge(BetKind::DontPass);
    assert_eq!(dont.expectations.decided, q(35, 36)); // the come-out 12 pushes
    assert_eq!(dont.edge_excluding_ties, q(27, 1925)); // 1.403 %
    let place6 = edge(BetKind::Place(Point::Six));
    assert_eq!(place6.expectations.rolls, q(36, 11));
    assert_eq!(place6.edge_per_roll, q(1, 216)); // 0.463 %
    let hard4 = edge(BetKind::Hard(HardWay::Four));
    assert_eq!(hard4.edge_per_roll, q(1, 36)); // 2.778 %
}

#[test]
fn exact_stake_divides_everything() {
    let s = exact_stake();
    for d in [4, 5, 2, 11, 8, 6, 40, 30, 24] {
        assert_eq!(s % d, 0, "{d}");
    }
}

#[test]
fn the_table_has_every_row() {
    let rows: Vec<EdgeRow> = edge_table().unwrap();
    // 4 line + 24 odds + 2 field + 12 place/place-to-lose + 24 buy/lay + 2 big + 4 hard + 8 props + 2 hops + world
    assert_eq!(rows.len(), 83);
    let pass = &rows[0];
    assert_eq!(pass.bet, "pass");
    assert_eq!(pass.payout, "1:1");
    assert!((pass.edge_per_resolved_f64 - 0.014141).abs() < 1e-6);
    let place6 = rows.iter().find(|r| r.bet == "place_6").unwrap();
    assert_eq!(place6.payout, "7:6");
    let buy4 = rows.iter().find(|r| r.bet == "buy_4" && r.variant == "commission up front").unwrap();
    assert_eq!(buy4.edge_per_resolved, q(1, 21));
    assert!(rows.iter().all(|r| r.edge_per_resolved_f64 >= 0.0));
}
