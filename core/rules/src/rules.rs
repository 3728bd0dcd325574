//! Table configuration: limits, the odds limit, the field variant and the commission policy.

use crate::payout::{FieldVariant, Payline, ratio};
use crate::phase::Point;

/// How much odds a player may take or lay behind a flat bet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OddsLimit {
    /// N times the flat bet on every point (`Times(1)` is single odds, `Times(2)` double, ...).
    Times(u32),
    /// 3x on 4/10, 4x on 5/9, 5x on 6/8: the odds win at most 6x the flat bet on any point.
    ThreeFourFive,
}

impl OddsLimit {
    /// The multiple of the flat bet a player may take (Pass/Come side) on `point`.
    pub const fn take_multiple(self, point: Point) -> u64 {
        match self {
            OddsLimit::Times(n) => n as u64,
            OddsLimit::ThreeFourFive => match point {
                Point::Four | Point::Ten => 3,
                Point::Five | Point::Nine => 4,
                Point::Six | Point::Eight => 5,
            },
        }
    }

    /// The most odds a player may take behind `flat` units on `point`.
    pub const fn max_take(self, point: Point, flat: u64) -> u64 {
        flat.saturating_mul(self.take_multiple(point))
    }

    /// The most odds a player may lay behind `flat` units of Don't on `point`.
    ///
    /// Lay odds are limited by what they win: a player may lay enough to win what the same
    /// multiple of take odds would bet (for 3-4-5x that is 6x the flat bet on every point).
    /// Computed as the take limit times the true odds, rounded down.
    pub const fn max_lay(self, point: Point, flat: u64) -> u64 {
        ratio(Payline::TrueOdds(point)).pays(self.max_take(point, flat))
    }
}

impl std::fmt::Display for OddsLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OddsLimit::Times(n) => write!(f, "{n}x"),
            OddsLimit::ThreeFourFive => f.write_str("3-4-5x"),
        }
    }
}

/// When the 5 % commission on Buy and Lay bets is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CommissionPolicy {
    /// Charged when the bet is placed (reported in [`crate::Placement::commission`]), kept when
    /// it loses, refunded if the bet is taken down.
    Upfront,
    /// Charged only when the bet wins (reported in [`crate::Settlement::commission`]).
    #[default]
    OnWin,
}

/// The rules a table is configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TableRules {
    /// Smallest stake of any bet except odds (odds may be any positive amount within the limit).
    pub min_bet: u64,
    /// Largest stake of one bet except odds.
    pub max_bet: u64,
    /// Odds limit behind line and come bets.
    pub odds: OddsLimit,
    /// What the field pays on 12.
    pub field: FieldVariant,
    /// When Buy and Lay commission is charged.
    pub commission: CommissionPolicy,
}

impl Default for TableRules {
    /// A 5 to 5000 unit table with 3-4-5x odds, a 2 : 1 twelve in the field and commission on wins.
    fn default() -> Self {
        Self {
            min_bet: 5,
            max_bet: 5000,
            odds: OddsLimit::ThreeFourFive,
            field: FieldVariant::DoubleTwelve,
            commission: CommissionPolicy::OnWin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_four_five_lays_six_times_everywhere() {
        for p in Point::ALL {
            assert_eq!(OddsLimit::ThreeFourFive.max_lay(p, 10), 60, "point {p}");
        }
        assert_eq!(OddsLimit::ThreeFourFive.max_take(Point::Four, 10), 30);
        assert_eq!(OddsLimit::ThreeFourFive.max_take(Point::Five, 10), 40);
        assert_eq!(OddsLimit::ThreeFourFive.max_take(Point::Eight, 10), 50);
    }

    #[test]
    fn times_n() {
        assert_eq!(OddsLimit::Times(1).max_take(Point::Six, 10), 10);
        assert_eq!(OddsLimit::Times(2).max_lay(Point::Four, 10), 40);
        assert_eq!(OddsLimit::Times(100).max_take(Point::Nine, 10), 1000);
        assert_eq!(OddsLimit::Times(3).to_string(), "3x");
    }
}
