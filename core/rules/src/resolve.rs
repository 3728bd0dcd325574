//! Bet resolution: what one roll does to one bet. Pure: a bet, the phase, the dice and the rules in;
//! a decision out. Every amount comes from the payout table in [`crate::payout`].

use crate::bet::{Bet, BetKind};
use crate::dice::Dice;
use crate::outcome::Settlement;
use crate::payout::{Payline, commission, ratio};
use crate::phase::{Phase, Point};
use crate::rules::{CommissionPolicy, TableRules};

/// What a roll does to one bet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nothing: the bet stays as it is.
    Stay,
    /// A line or come bet moves to this point.
    Travel(Point),
    /// The bet is settled and leaves the table.
    Settle(Settlement),
}

/// Decides what rolling `dice` in `phase` does to `bet` under `rules`.
pub fn decide(rules: &TableRules, phase: Phase, bet: &Bet, dice: Dice) -> Decision {
    let total = dice.total();
    let stake = bet.amount;
    let working = bet.is_working(phase);
    let even = |won: bool| settle_even(stake, won);
    match bet.kind {
        BetKind::Pass | BetKind::Come => match bet.point {
            None => match total {
                7 | 11 => even(true),
                2 | 3 | 12 => even(false),
                _ => travel(total),
            },
            Some(p) => race(total, p, even(true), even(false)),
        },
        BetKind::DontPass | BetKind::DontCome => match bet.point {
            None => match total {
                2 | 3 => even(true),
                12 => Decision::Settle(Settlement::push(stake)),
                7 | 11 => even(false),
                _ => travel(total),
            },
            Some(p) => race(total, p, even(false), even(true)),
        },
        BetKind::PassOdds | BetKind::ComeOdds(_) => match odds_point(bet) {
            Some(p) => odds(working, stake, race(total, p, pay(stake, Payline::TrueOdds(p)), lose(stake))),
            None => Decision::Stay,
        },
        BetKind::DontPassOdds | BetKind::DontComeOdds(_) => match odds_point(bet) {
            Some(p) => odds(working, stake, race(total, p, lose(stake), pay(stake, Payline::LayOdds(p)))),
            None => Decision::Stay,
        },
        _ if !working => Decision::Stay,
        BetKind::Field => match total {
            2 => pay(stake, Payline::FieldTwo),
            12 => pay(stake, Payline::FieldTwelve(rules.field)),
            3 | 4 | 9 | 10 | 11 => pay(stake, Payline::EvenMoney),
            _ => lose(stake),
        },
        BetKind::Place(p) => race(total, p, pay(stake, Payline::Place(p)), lose(stake)),
        BetKind::PlaceToLose(p) => race(total, p, lose(stake), pay(stake, Payline::PlaceToLose(p))),
        BetKind::Buy(p) => {
            let winnings = ratio(Payline::TrueOdds(p)).pays(stake);
            let vig = on_win_commission(rules, stake);
            race(total, p, Decision::Settle(Settlement::win(stake, winnings, vig)), lose(stake))
        }
        BetKind::Lay(p) => {
            let winnings = ratio(Payline::LayOdds(p)).pays(stake);
            let vig = on_win_commission(rules, winnings);
            race(total, p, lose(stake), Decision::Settle(Settlement::win(stake, winnings, vig)))
        }
        BetKind::Big6 => race(total, Point::Six, even(true), even(false)),
        BetKind::Big8 => race(total, Point::Eight, even(true), even(false)),
        BetKind::Hard(h) => {
            if total == h.number() {
                if dice.is_pair() { pay(stake, Payline::Hard(h)) } else { lose(stake) }
            } else if total == 7 {
                lose(stake)
            } else {
                Decision::Stay
            }
        }
        BetKind::AnySeven => single(stake, total == 7, Payline::AnySeven),
        BetKind::AnyCraps => single(stake, matches!(total, 2 | 3 | 12), Payline::AnyCraps),
        BetKind::Two => single(stake, total == 2, Payline::Two),
        BetKind::Three => single(stake, total == 3, Payline::Three),
        BetKind::Eleven => single(stake, total == 11, Payline::Eleven),
        BetKind::Twelve => single(stake, total == 12, Payline::Twelve),
        BetKind::Horn => split(stake, 4, horn_line(total)),
        BetKind::World => split(stake, 5, horn_line(total).or((total == 7).then_some(Payline::AnySeven))),
        BetKind::CAndE => {
            let line = match total {
                2 | 3 | 12 => Some(Payline::AnyCraps),
                11 => Some(Payline::Eleven),
                _ => None,
            };
            split(stake, 2, line)
        }
        BetKind::Hop(faces) => {
            let line = if faces.is_pair() { Payline::HopHard } else { Payline::HopEasy };
            single(stake, dice.sorted() == faces.sorted(), line)
        }
    }
}

/// The most a bet can ever win on one settlement, by the payout table: the property tests hold
/// every settlement to it.
pub fn max_winnings(rules: &TableRules, bet: &Bet) -> u64 {
    let stake = bet.amount;
    let best = |lines: &[Payline]| lines.iter().map(|l| ratio(*l).pays(stake)).max().unwrap_or(0);
    let part = |ways: u64, lines: &[Payline]| lines.iter().map(|l| ratio(*l).pays(stake / ways)).max().unwrap_or(0);
    match bet.kind {
        BetKind::Pass | BetKind::DontPass | BetKind::Come | BetKind::DontCome => stake,
        BetKind::PassOdds | BetKind::ComeOdds(_) | BetKind::Buy(_) => match odds_point(bet) {
            Some(p) => best(&[Payline::TrueOdds(p)]),
            None => 0,
        },
        BetKind::DontPassOdds | BetKind::DontComeOdds(_) | BetKind::Lay(_) => match odds_point(bet) {
            Some(p) => best(&[Payline::LayOdds(p)]),
            None => 0,
        },
        BetKind::Field => best(&[Payline::EvenMoney, Payline::FieldTwo, Payline::FieldTwelve(rules.field)]),
        BetKind::Place(p) => best(&[Payline::Place(p)]),
        BetKind::PlaceToLose(p) => best(&[Payline::PlaceToLose(p)]),
        BetKind::Big6 | BetKind::Big8 => stake,
        BetKind::Hard(h) => best(&[Payline::Hard(h)]),
        BetKind::AnySeven => best(&[Payline::AnySeven]),
        BetKind::AnyCraps => best(&[Payline::AnyCraps]),
        BetKind::Two => best(&[Payline::Two]),
        BetKind::Three => best(&[Payline::Three]),
        BetKind::Eleven => best(&[Payline::Eleven]),
        BetKind::Twelve => best(&[Payline::Twelve]),
        BetKind::Horn => part(4, &HORN),
        BetKind::World => part(5, &[Payline::Two, Payline::Three, Payline::Eleven, Payline::Twelve, Payline::AnySeven]),
        BetKind::CAndE => part(2, &[Payline::AnyCraps, Payline::Eleven]),
        BetKind::Hop(f) => best(&[if f.is_pair() { Payline::HopHard } else { Payline::HopEasy }]),
    }
}

const HORN: [Payline; 4] = [Payline::Two, Payline::Three, Payline::Eleven, Payline::Twelve];

/// The point an odds, Buy or Lay bet is on.
const fn odds_point(bet: &Bet) -> Option<Point> {
    match bet.kind {
        BetKind::ComeOdds(p) | BetKind::DontComeOdds(p) | BetKind::Buy(p) | BetKind::Lay(p) => Some(p),
        _ => bet.point,
    }
}

fn horn_line(total: u8) -> Option<Payline> {
    match total {
        2 => Some(Payline::Two),
        3 => Some(Payline::Three),
        11 => Some(Payline::Eleven),
        12 => Some(Payline::Twelve),
        _ => None,
    }
}

/// A number-versus-seven race: `on_point` if the total is the point, `on_seven` on a 7, else stay.
fn race(total: u8, point: Point, on_point: Decision, on_seven: Decision) -> Decision {
    if total == point.number() {
        on_point
    } else if total == 7 {
        on_seven
    } else {
        Decision::Stay
    }
}

/// Odds follow their flat bet; odds that are off are handed back when their flat bet resolves.
fn odds(working: bool, stake: u64, decision: Decision) -> Decision {
    match decision {
        Decision::Settle(_) if !working => Decision::Settle(Settlement::push(stake)),
        other => other,
    }
}

fn travel(total: u8) -> Decision {
    match Point::from_total(total) {
        Some(p) => Decision::Travel(p),
        None => Decision::Stay,
    }
}

fn settle_even(stake: u64, won: bool) -> Decision {
    if won { pay(stake, Payline::EvenMoney) } else { lose(stake) }
}

fn pay(stake: u64, line: Payline) -> Decision {
    Decision::Settle(Settlement::win(stake, ratio(line).pays(stake), 0))
}

fn lose(stake: u64) -> Decision {
    Decision::Settle(Settlement::lose(stake))
}

fn single(stake: u64, won: bool, line: Payline) -> Decision {
    if won { pay(stake, line) } else { lose(stake) }
}

/// A bet split into `ways` equal parts; the part on `line` (if any) wins, the others lose.
fn split(stake: u64, ways: u64, line: Option<Payline>) -> Decision {
    match line {
        Some(line) => {
            let part = stake / ways;
            Decision::Settle(Settlement::split_win(stake, part, ratio(line).pays(part)))
        }
        None => lose(stake),
    }
}

fn on_win_commission(rules: &TableRules, base: u64) -> u64 {
    match rules.commission {
        CommissionPolicy::OnWin => commission(base),
        CommissionPolicy::Upfront => 0,
    }
}
