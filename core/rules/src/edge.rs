//! House edge by exact enumeration, driving the engine itself.
//!
//! For each bet a [`Table`] is set up in the state where the bet is made, the bet is placed, and
//! the bet's absorbing Markov chain is built by rolling all 36 dice outcomes on clones of the table
//! from every state it can reach (the `chain` submodule). Nothing here knows a probability or a payout: they
//! come from the dice and from the engine's resolution, which reads the one payout table in
//! [`crate::payout`]. Change a ratio there and the computed edge changes.
//!
//! Definitions, for a bet of stake `s` with up-front commission `c` (zero unless Buy/Lay under
//! [`CommissionPolicy::Upfront`]):
//! - *edge per bet resolved* = −E(net) / (s + c), a push counting as a resolution (the published
//!   convention: Don't Pass 1.364 %); the up-front commission counts as wagered
//!   (Buy: 5 / 105 = 4.762 %).
//! - *edge excluding ties* = −E(net) / ((s + c) · P(decided)) (Don't Pass 1.403 %), in [`BetEdge`].
//! - *edge per roll* = −E(net) / ((s + c) · E(rolls until settled)).
//!
//! Bets that are off on the come-out by default (Place, Buy, Lay, Hardways) are called on, so the
//! edge is that of a bet working on every roll. Odds are placed behind a flat bet of the same stake.
//! All arithmetic is over exact big rationals; the stake used ([`exact_stake`]) divides every payout
//! and commission evenly, so the house-favour rounding never enters the result.

mod chain;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

use crate::bet::{BetId, BetKind, PlayerId, Working};
use crate::dice::Dice;
use crate::dice::DiceError;
use crate::error::BetError;
use crate::payout::FieldVariant;
use crate::payout::{COMMISSION_PERCENT, Payline, ratio};
use crate::phase::{HardWay, Point};
use crate::rules::{CommissionPolicy, OddsLimit, TableRules};
use crate::table::Table;

pub use chain::Expectations;

/// Why an edge could not be computed. Not expected for any bet the engine offers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdgeError {
    /// The engine refused a bet while setting up the scenario.
    #[error("setting up the scenario: {0}")]
    Setup(#[from] BetError),
    /// A die face was invalid while setting up the scenario.
    #[error("setting up the scenario: {0}")]
    Dice(#[from] DiceError),
    /// The bet vanished from the table without a settlement.
    #[error("bet {bet_id} left the table without settling")]
    NotOnTable {
        /// The bet.
        bet_id: BetId,
    },
    /// The chain grew past its bound.
    #[error("the bet's chain has more than {limit} states")]
    TooManyStates {
        /// The bound.
        limit: usize,
    },
    /// The bet can stay on the table forever (or is never decided).
    #[error("the bet never resolves")]
    NeverResolves,
}

/// The exact edge of one bet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BetEdge {
    /// The stake the scenario used.
    pub stake: u64,
    /// Commission charged up front on that stake.
    pub upfront_commission: u64,
    /// Expectations from placement to settlement.
    pub expectations: Expectations,
    /// House edge per bet resolved (a push counts as resolved), as a fraction of the amount wagered.
    pub edge_per_resolved: BigRational,
    /// House edge per bet decided (pushes left out), as a fraction of the amount wagered.
    pub edge_excluding_ties: BigRational,
    /// House edge per roll the bet is on the table, as a fraction of the amount wagered.
    pub edge_per_roll: BigRational,
}

/// One row of the odds table, for display (`bitcraps-cli odds`).
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRow {
    /// The bet's name, as [`BetKind`] parses it (e.g. `place_6`).
    pub bet: String,
    /// The variant: point for odds, field 12 rule, commission policy, easy/hard hop; else empty.
    pub variant: String,
    /// What the bet pays, from the payout table (e.g. `7:6`).
    pub payout: String,
    /// Exact house edge per bet resolved.
    pub edge_per_resolved: BigRational,
    /// Exact house edge per roll.
    pub edge_per_roll: BigRational,
    /// Exact expected number of rolls until the bet settles.
    pub expected_rolls: BigRational,
    /// `edge_per_resolved` as a float, for display (0.01414 means 1.414 %).
    pub edge_per_resolved_f64: f64,
    /// `edge_per_roll` as a float, for display.
    pub edge_per_roll_f64: f64,
}

/// A stake every payout ratio, split and commission divides evenly, derived from the payout table:
/// the lcm of the ratios' stake sides, times the lcm of the split ways, times the commission's
/// denominator.
pub fn exact_stake() -> u64 {
    let per = Payline::all().into_iter().map(|l| ratio(l).per).fold(1, lcm);
    let ways = BetKind::all().into_iter().map(BetKind::split_ways).fold(1, lcm);
    per * ways * (100 / gcd(100, COMMISSION_PERCENT))
}

/// The rules every scenario uses, with the given field variant and commission policy.
pub fn scenario_rules(field: FieldVariant, commission: CommissionPolicy) -> TableRules {
    TableRules { min_bet: 1, max_bet: u64::MAX, odds: OddsLimit::ThreeFourFive, field, commission }
}

/// The exact edge of `kind` under `rules`. `odds_point` is the point for Pass and Don't Pass odds
/// (ignored by every other kind).
pub fn bet_edge(kind: BetKind, odds_point: Point, rules: TableRules) -> Result<BetEdge, EdgeError> {
    let stake = exact_stake();
    let (table, bet_id) = set_up(kind, odds_point, rules, stake)?;
    let upfront_commission = table.bet(bet_id).map(|b| b.commission_paid).ok_or(EdgeError::NotOnTable { bet_id })?;
    let expectations = chain::expectations(&table, bet_id)?;
    if expectations.decided.is_zero() || expectations.rolls.is_zero() {
        return Err(EdgeError::NeverResolves);
    }
    let wagered = ratio_of(u128::from(stake) + u128::from(upfront_commission));
    let loss = ratio_of(u128::from(upfront_commission)) - &expectations.net;
    let edge_per_resolved = &loss / &wagered;
    let edge_excluding_ties = &loss / (&wagered * &expectations.decided);
    let edge_per_roll = &loss / (&wagered * &expectations.rolls);
    Ok(BetEdge { stake, upfront_commission, expectations, edge_per_resolved, edge_excluding_ties, edge_per_roll })
}

/// The odds table: every bet kind and variant with its payout and exact edges.
///
/// Rows: the four line bets; odds on each point for all four; Field (both variants); Place, Place
/// to lose, Buy and Lay (both commission policies) on each number; Big 6/8; the four hardways; the
/// single-roll bets; an easy and a hard hop (every hop of a kind has the same edge); World.
pub fn edge_table() -> Result<Vec<EdgeRow>, EdgeError> {
    let standard = scenario_rules(FieldVariant::DoubleTwelve, CommissionPolicy::OnWin);
    let mut specs: Vec<(BetKind, Point, TableRules, String)> = Vec::new();
    let plain = |kind: BetKind| (kind, Point::Four, standard, String::new());
    specs.extend([BetKind::Pass, BetKind::DontPass, BetKind::Come, BetKind::DontCome].map(plain));
    for p in Point::ALL {
        let variant = format!("point {p}");
        specs.push((BetKind::PassOdds, p, standard, variant.clone()));
        specs.push((BetKind::DontPassOdds, p, standard, variant));
    }
    for p in Point::ALL {
        specs.push(plain(BetKind::ComeOdds(p)));
        specs.push(plain(BetKind::DontComeOdds(p)));
    }
    for (field, variant) in [(FieldVariant::DoubleTwelve, "12 pays 2:1"), (FieldVariant::TripleTwelve, "12 pays 3:1")] {
        let rules = scenario_rules(field, CommissionPolicy::OnWin);
        specs.push((BetKind::Field, Point::Four, rules, variant.to_owned()));
    }
    specs.extend(Point::ALL.map(|p| plain(BetKind::Place(p))));
    specs.extend(Point::ALL.map(|p| plain(BetKind::PlaceToLose(p))));
    for make in [BetKind::Buy as fn(Point) -> BetKind, BetKind::Lay] {
        for (policy, variant) in
            [(CommissionPolicy::Upfront, "commission up front"), (CommissionPolicy::OnWin, "commission on win")]
        {
            let rules = scenario_rules(FieldVariant::DoubleTwelve, policy);
            for p in Point::ALL {
                specs.push((make(p), Point::Four, rules, variant.to_owned()));
            }
        }
    }
    specs.extend([BetKind::Big6, BetKind::Big8].map(plain));
    specs.extend(HardWay::ALL.map(|h| plain(BetKind::Hard(h))));
    specs.extend(BetKind::PROPOSITIONS.map(plain));
    for (d1, d2, variant) in [(1, 2, "easy hop"), (3, 3, "hard hop")] {
        let kind = BetKind::Hop(Dice::new(d1, d2)?);
        specs.push((kind, Point::Four, standard, variant.to_owned()));
    }
    specs.push(plain(BetKind::World));

    specs
        .into_iter()
        .map(|(kind, point, rules, variant)| {
            let edge = bet_edge(kind, point, rules)?;
            Ok(EdgeRow {
                bet: kind.to_string(),
                variant,
                payout: payout_description(kind, point, &rules),
                edge_per_resolved_f64: edge.edge_per_resolved.to_f64().unwrap_or(f64::NAN),
                edge_per_roll_f64: edge.edge_per_roll.to_f64().unwrap_or(f64::NAN),
                edge_per_resolved: edge.edge_per_resolved,
                edge_per_roll: edge.edge_per_roll,
                expected_rolls: edge.expectations.rolls,
            })
        })
        .collect()
}

/// What `kind` pays, in words, read from the payout table.
pub fn payout_description(kind: BetKind, odds_point: Point, rules: &TableRules) -> String {
    let r = |line: Payline| ratio(line).to_string();
    let vig = match rules.commission {
        CommissionPolicy::Upfront => format!("less {COMMISSION_PERCENT}% commission up front"),
        CommissionPolicy::OnWin => format!("less {COMMISSION_PERCENT}% commission on win"),
    };
    match kind {
        BetKind::Pass | BetKind::DontPass | BetKind::Come | BetKind::DontCome => r(Payline::EvenMoney),
        BetKind::Big6 | BetKind::Big8 => r(Payline::EvenMoney),
        BetKind::PassOdds => r(Payline::TrueOdds(odds_point)),
        BetKind::DontPassOdds => r(Payline::LayOdds(odds_point)),
        BetKind::ComeOdds(p) => r(Payline::TrueOdds(p)),
        BetKind::DontComeOdds(p) => r(Payline::LayOdds(p)),
        BetKind::Field => format!(
            "{} on 3,4,9,10,11; 2 pays {}; 12 pays {}",
            r(Payline::EvenMoney),
            r(Payline::FieldTwo),
            r(Payline::FieldTwelve(rules.field))
        ),
        BetKind::Place(p) => r(Payline::Place(p)),
        BetKind::PlaceToLose(p) => r(Payline::PlaceToLose(p)),
        BetKind::Buy(p) => format!("{} {vig}", r(Payline::TrueOdds(p))),
        BetKind::Lay(p) => format!("{} {vig}", r(Payline::LayOdds(p))),
        BetKind::Hard(h) => r(Payline::Hard(h)),
        BetKind::AnySeven => r(Payline::AnySeven),
        BetKind::AnyCraps => r(Payline::AnyCraps),
        BetKind::Two => r(Payline::Two),
        BetKind::Three => r(Payline::Three),
        BetKind::Eleven => r(Payline::Eleven),
        BetKind::Twelve => r(Payline::Twelve),
        BetKind::Horn => format!(
            "a quarter each: 2 {}, 3 {}, 11 {}, 12 {}",
            r(Payline::Two),
            r(Payline::Three),
            r(Payline::Eleven),
            r(Payline::Twelve)
        ),
        BetKind::CAndE => format!("half each: any craps {}, 11 {}", r(Payline::AnyCraps), r(Payline::Eleven)),
        BetKind::Hop(d) if d.is_pair() => r(Payline::HopHard),
        BetKind::Hop(_) => r(Payline::HopEasy),
        BetKind::World => format!(
            "a fifth each: 2 {}, 3 {}, 11 {}, 12 {}, 7 {}",
            r(Payline::Two),
            r(Payline::Three),
            r(Payline::Eleven),
            r(Payline::Twelve),
            r(Payline::AnySeven)
        ),
    }
}

/// Sets up a table, places `kind` for `stake`, and returns the table and the bet's id.
fn set_up(kind: BetKind, odds_point: Point, rules: TableRules, stake: u64) -> Result<(Table, BetId), EdgeError> {
    let me = PlayerId(0);
    let mut table = Table::new(rules);
    table.seat(me)?;
    let place = |table: &mut Table, kind: BetKind| {
        let roll = table.open_roll();
        table.place_bet(me, kind, stake, roll).map(|p| p.bet_id)
    };
    match kind {
        BetKind::PassOdds | BetKind::DontPassOdds => {
            let flat = if kind == BetKind::PassOdds { BetKind::Pass } else { BetKind::DontPass };
            place(&mut table, flat)?;
            table.roll(dice_for(odds_point)?);
        }
        BetKind::ComeOdds(p) | BetKind::DontComeOdds(p) => {
            let table_point = if p == Point::Four { Point::Five } else { Point::Four };
            table.roll(dice_for(table_point)?);
            let flat = if matches!(kind, BetKind::ComeOdds(_)) { BetKind::Come } else { BetKind::DontCome };
            place(&mut table, flat)?;
            table.roll(dice_for(p)?);
        }
        BetKind::Come | BetKind::DontCome => {
            table.roll(dice_for(Point::Four)?);
        }
        _ => {}
    }
    let bet_id = place(&mut table, kind)?;
    if kind.off_on_come_out() && !kind.is_odds() {
        table.set_working(me, bet_id, Working::On)?;
    }
    Ok((table, bet_id))
}

/// An easy roll of `point` (the lower face as small as it can be).
fn dice_for(point: Point) -> Result<Dice, DiceError> {
    let total = point.number();
    let low = total.saturating_sub(6).max(1);
    Dice::new(low, total - low)
}

fn ratio_of(v: u128) -> BigRational {
    BigRational::from_integer(BigInt::from(v))
}

const fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn lcm(a: u64, b: u64) -> u64 {
    a / gcd(a, b) * b
}

#[cfg(feature = "serde")]
impl serde::Serialize for EdgeRow {
    /// Rationals as `"numer/denom"` strings, beside their `f64` values.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut row = s.serialize_struct("EdgeRow", 8)?;
        row.serialize_field("bet", &self.bet)?;
        row.serialize_field("variant", &self.variant)?;
        row.serialize_field("payout", &self.payout)?;
        row.serialize_field("edge_per_resolved", &self.edge_per_resolved.to_string())?;
        row.serialize_field("edge_per_roll", &self.edge_per_roll.to_string())?;
        row.serialize_field("expected_rolls", &self.expected_rolls.to_string())?;
        row.serialize_field("edge_per_resolved_f64", &self.edge_per_resolved_f64)?;
        row.serialize_field("edge_per_roll_f64", &self.edge_per_roll_f64)?;
        row.end()
    }
}
