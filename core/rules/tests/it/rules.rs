//! Table-driven rules: every bet, in come-out and point states, against exact settlements.

use bitcraps_rules::{BetKind, CommissionPolicy, FieldVariant, HardWay, Point, Settlement, TableRules, Working};

use crate::support::{Step, dice, rules, scripted};

/// What the roll under test should do to the target bet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Nothing.
    Stay,
    /// It moves to this point.
    Travel(Point),
    /// It wins this much (no commission).
    Win(u64),
    /// It wins this much and pays this commission.
    WinVig(u64, u64),
    /// It is lost.
    Lose,
    /// It comes back.
    Push,
    /// A split bet: this part returned with these winnings, the rest lost.
    Split(u64, u64),
}

use Step::{Bet, Roll, Target};
use Want::*;

const S: u64 = 60;
const POINT4: &[Step] = &[Roll(2, 2)];
const TARGET_THEN_POINT4: &[Step] = &[Target, Roll(2, 2)];
const COME_ON_6: &[Step] = &[Roll(2, 2), Target, Roll(3, 3)];

struct Case {
    kind: BetKind,
    steps: &'static [Step],
    working: Working,
    rules: TableRules,
    stake: u64,
    roll: (u8, u8),
    want: Want,
}

fn case(kind: BetKind, steps: &'static [Step], roll: (u8, u8), want: Want) -> Case {
    Case { kind, steps, working: Working::Auto, rules: rules(), stake: S, roll, want }
}

fn run(cases: Vec<Case>) {
    for (n, c) in cases.into_iter().enumerate() {
        let label = format!("case {n}: {} after {:?}, roll {:?}", c.kind, c.steps, c.roll);
        let (mut table, id) = scripted(c.rules, c.steps, c.kind, c.stake, c.working);
        let before = table.bet(id).cloned().unwrap();
        let outcome = table.roll(dice(c.roll.0, c.roll.1));
        let settled = outcome.resolutions.iter().find(|r| r.bet_id == id);
        let travelled = outcome.travelled.iter().find(|(b, _)| *b == id);
        let got = match (settled, travelled) {
            (Some(r), None) => {
                let s = r.settlement;
                assert_eq!(s.returned + s.lost, s.stake, "{label}: stake conserved");
                assert_eq!(r.outcome, s.outcome(), "{label}");
                if s.is_push() {
                    Push
                } else if s.winnings == 0 {
                    assert_eq!(s, Settlement::lose(c.stake), "{label}");
                    Lose
                } else if s.returned < s.stake {
                    Split(s.returned, s.winnings)
                } else if s.commission > 0 {
                    WinVig(s.winnings, s.commission)
                } else {
                    Win(s.winnings)
                }
            }
            (None, Some((_, p))) => Travel(*p),
            (None, None) => {
                assert_eq!(table.bet(id), Some(&before), "{label}: an unsettled bet is unchanged");
                Stay
            }
            (Some(_), Some(_)) => panic!("{label}: settled and travelled"),
        };
        assert_eq!(got, c.want, "{label}");
    }
}

#[test]
fn line_bets() {
    use BetKind::{Come, DontCome, DontPass, Pass};
    run(vec![
        case(Pass, &[], (3, 4), Win(S)),
        case(Pass, &[], (5, 6), Win(S)),
        case(Pass, &[], (1, 1), Lose),
        case(Pass, &[], (1, 2), Lose),
        case(Pass, &[], (6, 6), Lose),
        case(Pass, &[], (1, 3), Travel(Point::Four)),
        case(Pass, TARGET_THEN_POINT4, (1, 3), Win(S)),
        case(Pass, TARGET_THEN_POINT4, (3, 4), Lose),
        case(Pass, TARGET_THEN_POINT4, (5, 6), Stay),
        case(Pass, TARGET_THEN_POINT4, (6, 6), Stay),
        case(DontPass, &[], (1, 1), Win(S)),
        case(DontPass, &[], (1, 2), Win(S)),
        case(DontPass, &[], (6, 6), Push), // bar 12
        case(DontPass, &[], (3, 4), Lose),
        case(DontPass, &[], (5, 6), Lose),
        case(DontPass, &[], (4, 5), Travel(Point::Nine)),
        case(DontPass, TARGET_THEN_POINT4, (3, 4), Win(S)),
        case(DontPass, TARGET_THEN_POINT4, (2, 2), Lose),
        case(DontPass, TARGET_THEN_POINT4, (6, 6), Stay),
        case(Come, POINT4, (3, 4), Win(S)),
        case(Come, POINT4, (5, 6), Win(S)),
        case(Come, POINT4, (1, 1), Lose),
        case(Come, POINT4, (1, 2), Lose),
        case(Come, POINT4, (6, 6), Lose),
        case(Come, POINT4, (1, 5), Travel(Point::Six)),
        case(Come, COME_ON_6, (2, 4), Win(S)),
        case(Come, COME_ON_6, (3, 4), Lose),
        case(Come, COME_ON_6, (1, 3), Stay), // the table's point is made; the come bet stays on 6
        case(DontCome, POINT4, (1, 2), Win(S)),
        case(DontCome, POINT4, (6, 6), Push), // bar 12
        case(DontCome, POINT4, (3, 4), Lose),
        case(DontCome, POINT4, (5, 6), Lose),
        case(DontCome, POINT4, (4, 6), Travel(Point::Ten)),
        case(DontCome, COME_ON_6, (3, 4), Win(S)),
        case(DontCome, COME_ON_6, (3, 3), Lose),
    ]);
}

#[test]
fn odds_pay_true_odds() {
    use BetKind::{Come, ComeOdds, DontCome, DontComeOdds, DontPass, DontPassOdds, Pass, PassOdds};
    const PASS_ON_4: &[Step] = &[Bet(Pass, 20), Roll(2, 2)];
    const PASS_ON_5: &[Step] = &[Bet(Pass, 20), Roll(2, 3)];
    const PASS_ON_6: &[Step] = &[Bet(Pass, 20), Roll(2, 4)];
    const DP_ON_4: &[Step] = &[Bet(DontPass, 20), Roll(2, 2)];
    const DP_ON_5: &[Step] = &[Bet(DontPass, 20), Roll(2, 3)];
    const DP_ON_6: &[Step] = &[Bet(DontPass, 20), Roll(2, 4)];
    const COME_6: &[Step] = &[Roll(2, 2), Bet(Come, 20), Roll(3, 3)];
    const COME_6_COME_OUT: &[Step] = &[Roll(2, 2), Bet(Come, 20), Roll(3, 3), Roll(1, 3)];
    const DC_4: &[Step] = &[Roll(3, 3), Bet(DontCome, 20), Roll(2, 2)];
    const DC_4_COME_OUT: &[Step] = &[Roll(3, 3), Bet(DontCome, 20), Roll(2, 2), Roll(3, 3)];
    let mut cases = vec![
        case(PassOdds, PASS_ON_4, (1, 3), Win(120)),
        case(PassOdds, PASS_ON_4, (3, 4), Lose),
        case(PassOdds, PASS_ON_4, (2, 3), Stay),
        case(PassOdds, PASS_ON_5, (1, 4), Win(90)),
        case(PassOdds, PASS_ON_6, (1, 5), Win(72)),
        case(DontPassOdds, DP_ON_4, (3, 4), Win(30)),
        case(DontPassOdds, DP_ON_4, (2, 2), Lose),
        case(DontPassOdds, DP_ON_5, (3, 4), Win(40)),
        case(DontPassOdds, DP_ON_6, (3, 4), Win(50)),
        case(ComeOdds(Point::Six), COME_6, (2, 4), Win(72)),
        case(ComeOdds(Point::Six), COME_6, (3, 4), Lose),
        case(ComeOdds(Point::Six), COME_6, (2, 2), Stay),
        // Off on the come-out by default: handed back when the come bet resolves.
        case(ComeOdds(Point::Six), COME_6_COME_OUT, (3, 4), Push),
        case(ComeOdds(Point::Six), COME_6_COME_OUT, (3, 3), Push),
        case(DontComeOdds(Point::Four), DC_4, (3, 4), Win(30)),
        case(DontComeOdds(Point::Four), DC_4, (1, 3), Lose),
        // Don't come odds work on the come-out.
        case(DontComeOdds(Point::Four), DC_4_COME_OUT, (3, 4), Win(30)),
    ];
    let mut on = case(ComeOdds(Point::Six), COME_6_COME_OUT, (3, 4), Lose);
    on.working = Working::On;
    cases.push(on);
    let mut off = case(DontComeOdds(Point::Four), DC_4, (3, 4), Push);
    off.working = Working::Off;
    cases.push(off);
    // 6:5 on 7 units is 8.4: rounded down to 8 (the house's favour).
    let mut odd = case(PassOdds, PASS_ON_6, (1, 5), Win(8));
    odd.stake = 7;
    cases.push(odd);
    run(cases);
}

#[test]
fn field() {
    let mut cases = vec![
        case(BetKind::Field, &[], (1, 1), Win(120)),
        case(BetKind::Field, &[], (6, 6), Win(120)),
        case(BetKind::Field, POINT4, (1, 2), Win(S)),
        case(BetKind::Field, &[], (2, 2), Win(S)),
        case(BetKind::Field, &[], (4, 5), Win(S)),
        case(BetKind::Field, &[], (4, 6), Win(S)),
        case(BetKind::Field, POINT4, (5, 6), Win(S)),
        case(BetKind::Field, &[], (1, 4), Lose),
        case(BetKind::Field, POINT4, (3, 3), Lose),
        case(BetKind::Field, &[], (3, 4), Lose),
        case(BetKind::Field, &[], (2, 6), Lose),
    ];
    let mut triple = case(BetKind::Field, &[], (6, 6), Win(180));
    triple.rules.field = FieldVariant::TripleTwelve;
    cases.push(triple);
    run(cases);
}

#[test]
fn place_buy_lay_and_place_to_lose() {
    use BetKind::{Buy, Lay, Place, PlaceToLose};
    use Point::*;
    let mut cases = vec![
        case(Place(Four), POINT4, (1, 3), Win(108)),
        case(Place(Five), POINT4, (1, 4), Win(84)),
        case(Place(Six), POINT4, (1, 5), Win(70)),
        case(Place(Eight), POINT4, (2, 6), Win(70)),
        case(Place(Nine), POINT4, (3, 6), Win(84)),
        case(Place(Ten), POINT4, (4, 6), Win(108)),
        case(Place(Six), POINT4, (3, 4), Lose),
        case(Place(Six), POINT4, (4, 4), Stay),
        // Off on the come-out unless called on.
        case(Place(Six), &[], (1, 5), Stay),
        case(Place(Six), &[], (3, 4), Stay),
        case(PlaceToLose(Four), POINT4, (3, 4), Win(27)), // 5:11 of 60 = 27.3
        case(PlaceToLose(Nine), POINT4, (3, 4), Win(37)), // 5:8 of 60 = 37.5
        case(PlaceToLose(Eight), POINT4, (3, 4), Win(48)),
        case(PlaceToLose(Eight), POINT4, (4, 4), Lose),
        case(PlaceToLose(Eight), &[], (3, 4), Stay),
        case(Buy(Four), POINT4, (1, 3), WinVig(120, 3)),
        case(Buy(Nine), POINT4, (3, 6), WinVig(90, 3)),
        case(Buy(Six), POINT4, (1, 5), WinVig(72, 3)),
        case(Buy(Six), POINT4, (3, 4), Lose),
        case(Buy(Six), &[], (1, 5), Stay),
        case(Lay(Four), POINT4, (3, 4), WinVig(30, 2)), // 5 % of 30 = 1.5: rounded up
        case(Lay(Five), POINT4, (3, 4), WinVig(40, 2)),
        case(Lay(Eight), POINT4, (3, 4), WinVig(50, 3)),
        case(Lay(Eight), POINT4, (2, 6), Lose),
        case(Lay(Eight), &[], (3, 4), Stay),
    ];
    let mut on = case(Place(Six), &[], (3, 4), Lose);
    on.working = Working::On;
    cases.push(on);
    let mut on_win = case(Place(Six), &[], (3, 3), Win(70));
    on_win.working = Working::On;
    cases.push(on_win);
    let mut off = case(Place(Six), POINT4, (3, 3), Stay);
    off.working = Working::Off;
    cases.push(off);
    let mut upfront = case(Buy(Four), POINT4, (2, 2), Win(120));
    upfront.rules.commission = CommissionPolicy::Upfront;
    cases.push(upfront);
    let mut upfront_lay = case(Lay(Four), POINT4, (3, 4), Win(30));
    upfront_lay.rules.commission = CommissionPolicy::Upfront;
    cases.push(upfront_lay);
    run(cases);
}

#[test]
fn big_and_hardways() {
    use BetKind::{Big6, Big8, Hard};
    let mut cases = vec![
        case(Big6, &[], (2, 4), Win(S)),
        case(Big6, POINT4, (3, 3), Win(S)),
        case(Big6, POINT4, (3, 4), Lose),
        case(Big6, &[], (3, 4), Lose),
        case(Big6, POINT4, (4, 4), Stay),
        case(Big8, POINT4, (2, 6), Win(S)),
        case(Hard(HardWay::Six), POINT4, (3, 3), Win(540)),
        case(Hard(HardWay::Eight), POINT4, (4, 4), Win(540)),
        case(Hard(HardWay::Four), POINT4, (2, 2), Win(420)),
        case(Hard(HardWay::Ten), POINT4, (5, 5), Win(420)),
        case(Hard(HardWay::Six), POINT4, (2, 4), Lose),
        case(Hard(HardWay::Four), POINT4, (1, 3), Lose),
        case(Hard(HardWay::Six), POINT4, (3, 4), Lose),
        case(Hard(HardWay::Six), POINT4, (4, 4), Stay),
        // Off on the come-out by default.
        case(Hard(HardWay::Six), &[], (3, 3), Stay),
        case(Hard(HardWay::Six), &[], (3, 4), Stay),
    ];
    let mut on = case(Hard(HardWay::Six), &[], (3, 3), Win(540));
    on.working = Working::On;
    cases.push(on);
    run(cases);
}

#[test]
fn single_roll_propositions() {
    use BetKind::*;
    let hop_easy = Hop(dice(1, 2));
    let hop_hard = Hop(dice(3, 3));
    run(vec![
        case(AnySeven, &[], (3, 4), Win(240)),
        case(AnySeven, POINT4, (2, 5), Win(240)),
        case(AnySeven, &[], (3, 3), Lose),
        case(AnyCraps, &[], (1, 1), Win(420)),
        case(AnyCraps, POINT4, (1, 2), Win(420)),
        case(AnyCraps, &[], (6, 6), Win(420)),
        case(AnyCraps, &[], (5, 6), Lose),
        case(Two, &[], (1, 1), Win(1800)),
        case(Two, &[], (1, 2), Lose),
        case(Twelve, POINT4, (6, 6), Win(1800)),
        case(Three, &[], (2, 1), Win(900)),
        case(Eleven, POINT4, (6, 5), Win(900)),
        case(Eleven, POINT4, (3, 4), Lose),
        case(Horn, &[], (1, 1), Split(15, 450)),
        case(Horn, &[], (1, 2), Split(15, 225)),
        case(Horn, POINT4, (5, 6), Split(15, 225)),
        case(Horn, &[], (6, 6), Split(15, 450)),
        case(Horn, &[], (3, 4), Lose),
        case(CAndE, &[], (1, 1), Split(30, 210)), // net +180: 3:1
        case(CAndE, &[], (6, 6), Split(30, 210)),
        case(CAndE, &[], (5, 6), Split(30, 450)), // net +420: 7:1
        case(CAndE, &[], (3, 4), Lose),
        case(World, &[], (1, 1), Split(12, 360)),
        case(World, &[], (1, 2), Split(12, 180)),
        case(World, &[], (3, 4), Split(12, 48)), // net 0: the seven "pushes"
        case(World, &[], (3, 3), Lose),
        case(hop_easy, &[], (1, 2), Win(900)),
        case(hop_easy, POINT4, (2, 1), Win(900)),
        case(hop_easy, &[], (1, 1), Lose),
        case(hop_easy, &[], (1, 3), Lose),
        case(hop_hard, &[], (3, 3), Win(1800)),
        case(hop_hard, &[], (2, 4), Lose),
    ]);
}
