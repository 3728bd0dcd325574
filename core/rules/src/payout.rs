//! The payout table: every ratio the table pays, in one place, and the integer money rules.
//!
//! Both bet resolution ([`crate::resolve`]) and the house-edge enumeration ([`crate::edge`], which
//! drives the engine) read these ratios, so a change here changes payouts and computed edges alike.
//!
//! | payline                      | pays    | used by                                      |
//! |------------------------------|---------|----------------------------------------------|
//! | even money                   | 1 : 1   | Pass, Don't Pass, Come, Don't Come, Field, Big 6/8 |
//! | true odds 4/10               | 2 : 1   | Pass/Come odds, Buy 4/10                     |
//! | true odds 5/9                | 3 : 2   | Pass/Come odds, Buy 5/9                      |
//! | true odds 6/8                | 6 : 5   | Pass/Come odds, Buy 6/8                      |
//! | lay odds 4/10                | 1 : 2   | Don't Pass/Don't Come odds, Lay 4/10         |
//! | lay odds 5/9                 | 2 : 3   | Don't odds, Lay 5/9                          |
//! | lay odds 6/8                 | 5 : 6   | Don't odds, Lay 6/8                          |
//! | field 2                      | 2 : 1   | Field                                        |
//! | field 12                     | 2 : 1, or 3 : 1 with [`FieldVariant::TripleTwelve`] | Field |
//! | place 4/10                   | 9 : 5   | Place                                        |
//! | place 5/9                    | 7 : 5   | Place                                        |
//! | place 6/8                    | 7 : 6   | Place                                        |
//! | place to lose 4/10           | 5 : 11  | Place to lose                                |
//! | place to lose 5/9            | 5 : 8   | Place to lose                                |
//! | place to lose 6/8            | 4 : 5   | Place to lose                                |
//! | hard 4/10                    | 7 : 1   | Hardways                                     |
//! | hard 6/8                     | 9 : 1   | Hardways                                     |
//! | any seven                    | 4 : 1   | Any 7, the seven of World                    |
//! | any craps                    | 7 : 1   | Any Craps, the craps half of C&E             |
//! | two, twelve                  | 30 : 1  | single-roll, Horn, World                     |
//! | three, eleven                | 15 : 1  | single-roll, Horn, World, eleven half of C&E |
//! | easy hop                     | 15 : 1  | Hop on two different faces                   |
//! | hard hop                     | 30 : 1  | Hop on a pair                                |
//!
//! Split bets pay per part: Horn stakes a quarter on each of 2, 3, 11, 12; C&E half on any craps and
//! half on eleven (net 3 : 1 on craps, 7 : 1 on eleven); World a fifth on each of 2, 3, 11, 12 and
//! any seven (so a seven nets zero). Buy and Lay pay true odds less a [`COMMISSION_PERCENT`] commission.
//!
//! # Rounding: always in the house's favour
//!
//! All money is an integer number of the token's smallest unit (`u64`); there is no floating point.
//! When a ratio does not give a whole number of units, the one rule is: **round to the unit in the
//! house's favour**. Winnings round down ([`PayRatio::pays`]: 6 : 5 on 7 units pays 8, not 8.4);
//! commissions round up ([`commission`]: 5 % of 30 units is 2, not 1.5). Products are taken in
//! `u128`, so no stake can overflow them.

use crate::phase::{HardWay, Point};

/// What the field pays on 12 (2 always pays 2 : 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FieldVariant {
    /// 2 and 12 both pay 2 : 1.
    #[default]
    DoubleTwelve,
    /// 2 pays 2 : 1, 12 pays 3 : 1.
    TripleTwelve,
}

/// A payout ratio: the house pays `win` units for every `per` units staked ("`win` to `per`").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PayRatio {
    /// Units won per `per` units staked.
    pub win: u64,
    /// Units staked to win `win`.
    pub per: u64,
}

impl PayRatio {
    const fn new(win: u64, per: u64) -> Self {
        Self { win, per }
    }

    /// Winnings on `stake`, rounded down to the unit (the house's favour).
    pub const fn pays(self, stake: u64) -> u64 {
        mul_div_floor(stake, self.win, self.per)
    }
}

impl std::fmt::Display for PayRatio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.win, self.per)
    }
}

/// One line of the payout table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Payline {
    /// 1 : 1.
    EvenMoney,
    /// Odds behind Pass/Come, and Buy bets.
    TrueOdds(Point),
    /// Odds behind Don't Pass/Don't Come, and Lay bets.
    LayOdds(Point),
    /// The field's 2.
    FieldTwo,
    /// The field's 12, per variant.
    FieldTwelve(FieldVariant),
    /// Place to win.
    Place(Point),
    /// Place to lose.
    PlaceToLose(Point),
    /// Hardways.
    Hard(HardWay),
    /// Any seven.
    AnySeven,
    /// Any craps (2, 3, 12).
    AnyCraps,
    /// Two (aces).
    Two,
    /// Three (ace-deuce).
    Three,
    /// Eleven (yo).
    Eleven,
    /// Twelve (boxcars).
    Twelve,
    /// Hop on two different faces (two ways to roll).
    HopEasy,
    /// Hop on a pair (one way to roll).
    HopHard,
}

/// The payout table: the ratio paid on each payline.
pub const fn ratio(line: Payline) -> PayRatio {
    use Point::{Eight, Five, Four, Nine, Six, Ten};
    match line {
        Payline::EvenMoney => PayRatio::new(1, 1),
        Payline::TrueOdds(Four | Ten) => PayRatio::new(2, 1),
        Payline::TrueOdds(Five | Nine) => PayRatio::new(3, 2),
        Payline::TrueOdds(Six | Eight) => PayRatio::new(6, 5),
        Payline::LayOdds(Four | Ten) => PayRatio::new(1, 2),
        Payline::LayOdds(Five | Nine) => PayRatio::new(2, 3),
        Payline::LayOdds(Six | Eight) => PayRatio::new(5, 6),
        Payline::FieldTwo => PayRatio::new(2, 1),
        Payline::FieldTwelve(FieldVariant::DoubleTwelve) => PayRatio::new(2, 1),
        Payline::FieldTwelve(FieldVariant::TripleTwelve) => PayRatio::new(3, 1),
        Payline::Place(Four | Ten) => PayRatio::new(9, 5),
        Payline::Place(Five | Nine) => PayRatio::new(7, 5),
        Payline::Place(Six | Eight) => PayRatio::new(7, 6),
        Payline::PlaceToLose(Four | Ten) => PayRatio::new(5, 11),
        Payline::PlaceToLose(Five | Nine) => PayRatio::new(5, 8),
        Payline::PlaceToLose(Six | Eight) => PayRatio::new(4, 5),
        Payline::Hard(HardWay::Four | HardWay::Ten) => PayRatio::new(7, 1),
        Payline::Hard(HardWay::Six | HardWay::Eight) => PayRatio::new(9, 1),
        Payline::AnySeven => PayRatio::new(4, 1),
        Payline::AnyCraps => PayRatio::new(7, 1),
        Payline::Two | Payline::Twelve => PayRatio::new(30, 1),
        Payline::Three | Payline::Eleven => PayRatio::new(15, 1),
        Payline::HopEasy => PayRatio::new(15, 1),
        Payline::HopHard => PayRatio::new(30, 1),
    }
}

impl Payline {
    /// Every line of the table, each variant once.
    pub fn all() -> Vec<Payline> {
        let mut lines = vec![Payline::EvenMoney];
        lines.extend(Point::ALL.map(Payline::TrueOdds));
        lines.extend(Point::ALL.map(Payline::LayOdds));
        lines.push(Payline::FieldTwo);
        lines.push(Payline::FieldTwelve(FieldVariant::DoubleTwelve));
        lines.push(Payline::FieldTwelve(FieldVariant::TripleTwelve));
        lines.extend(Point::ALL.map(Payline::Place));
        lines.extend(Point::ALL.map(Payline::PlaceToLose));
        lines.extend(HardWay::ALL.map(Payline::Hard));
        lines.extend([
            Payline::AnySeven,
            Payline::AnyCraps,
            Payline::Two,
            Payline::Three,
            Payline::Eleven,
            Payline::Twelve,
            Payline::HopEasy,
            Payline::HopHard,
        ]);
        lines
    }
}

/// The commission on Buy and Lay bets, in percent.
pub const COMMISSION_PERCENT: u64 = 5;

/// The commission on `base` units, rounded up to the unit (the house's favour).
///
/// The base is the stake for a Buy bet and the amount the bet would win for a Lay bet.
pub const fn commission(base: u64) -> u64 {
    mul_div_ceil(base, COMMISSION_PERCENT, 100)
}

/// `a * b / d` rounded down, computed in `u128`. Saturates at `u64::MAX`.
const fn mul_div_floor(a: u64, b: u64, d: u64) -> u64 {
    let q = (a as u128 * b as u128) / d as u128;
    if q > u64::MAX as u128 { u64::MAX } else { q as u64 }
}

/// `a * b / d` rounded up, computed in `u128`. Saturates at `u64::MAX`.
const fn mul_div_ceil(a: u64, b: u64, d: u64) -> u64 {
    let q = (a as u128 * b as u128).div_ceil(d as u128);
    if q > u64::MAX as u128 { u64::MAX } else { q as u64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winnings_round_down() {
        // 6:5 on 7 units is 8.4: the player gets 8.
        assert_eq!(ratio(Payline::TrueOdds(Point::Six)).pays(7), 8);
        assert_eq!(ratio(Payline::TrueOdds(Point::Six)).pays(10), 12);
        // 7:6 on 10 is 11.67: 11.
        assert_eq!(ratio(Payline::Place(Point::Eight)).pays(10), 11);
        // 5:11 on 10 is 4.5: 4.
        assert_eq!(ratio(Payline::PlaceToLose(Point::Ten)).pays(10), 4);
    }

    #[test]
    fn commission_rounds_up() {
        // 5 % of 30 is 1.5: the player pays 2.
        assert_eq!(commission(30), 2);
        assert_eq!(commission(20), 1);
        assert_eq!(commission(1), 1);
        assert_eq!(commission(0), 0);
    }

    #[test]
    fn huge_stakes_do_not_overflow() {
        assert_eq!(ratio(Payline::Two).pays(u64::MAX), u64::MAX);
        assert_eq!(ratio(Payline::LayOdds(Point::Four)).pays(u64::MAX), u64::MAX / 2);
        assert_eq!(commission(u64::MAX), u64::MAX / 20 + 1);
    }
}
