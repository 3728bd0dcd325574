//! Bets: ids, kinds (with their names), working status, and an open bet on the table.

use crate::dice::Dice;
use crate::phase::{HardWay, Phase, Point};

/// A bet's id, unique within one table, increasing in placement order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BetId(pub u64);

impl std::fmt::Display for BetId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A seated player, by a table-local number (the node maps it to a peer's key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PlayerId(pub u64);

impl std::fmt::Display for PlayerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Every kind of bet the table takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BetKind {
    /// Pass line (come-out only).
    Pass,
    /// Don't pass (come-out only); 12 on the come-out pushes.
    DontPass,
    /// Come (point on only).
    Come,
    /// Don't come (point on only); 12 on its come roll pushes.
    DontCome,
    /// Free odds behind the player's Pass bets.
    PassOdds,
    /// Free (lay) odds behind the player's Don't Pass bets.
    DontPassOdds,
    /// Free odds behind the player's Come bets on this point.
    ComeOdds(Point),
    /// Free (lay) odds behind the player's Don't Come bets on this point.
    DontComeOdds(Point),
    /// Single roll: 2, 3, 4, 9, 10, 11, 12 win.
    Field,
    /// Place to win on a number.
    Place(Point),
    /// Place to lose: wins on 7 before the number.
    PlaceToLose(Point),
    /// Buy: true odds on a number, less commission.
    Buy(Point),
    /// Lay: true lay odds against a number, less commission.
    Lay(Point),
    /// 6 before 7, even money.
    Big6,
    /// 8 before 7, even money.
    Big8,
    /// The number as a pair before 7 or the easy way.
    Hard(HardWay),
    /// Single roll: 7.
    AnySeven,
    /// Single roll: 2, 3 or 12.
    AnyCraps,
    /// Single roll: 2.
    Two,
    /// Single roll: 3.
    Three,
    /// Single roll: 11.
    Eleven,
    /// Single roll: 12.
    Twelve,
    /// Single roll, split four ways over 2, 3, 11, 12.
    Horn,
    /// Single roll, split over any craps and eleven.
    CAndE,
    /// Single roll on one exact pair of faces (order does not matter).
    Hop(Dice),
    /// Single roll, split five ways over 2, 3, 11, 12 and any seven.
    World,
}

/// Whether a bet acts on a roll. See [`BetKind::off_on_come_out`] for what `Auto` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Working {
    /// The table's default for the kind.
    #[default]
    Auto,
    /// Called on: working on every roll, come-out included.
    On,
    /// Called off: not working on any roll until called on again.
    Off,
}

impl BetKind {
    /// The single-roll proposition bets without a parameter (hops and World are listed apart).
    pub const PROPOSITIONS: [BetKind; 8] = [
        BetKind::AnySeven,
        BetKind::AnyCraps,
        BetKind::Two,
        BetKind::Three,
        BetKind::Eleven,
        BetKind::Twelve,
        BetKind::Horn,
        BetKind::CAndE,
    ];

    /// Pass and Come: a contract once their point is set.
    pub const fn is_contract(self) -> bool {
        matches!(self, BetKind::Pass | BetKind::Come)
    }

    /// Pass, Don't Pass, Come, Don't Come: the flat bets odds go behind.
    pub const fn is_line(self) -> bool {
        matches!(self, BetKind::Pass | BetKind::DontPass | BetKind::Come | BetKind::DontCome)
    }

    /// Free odds behind a line bet: no table min/max, limited by [`crate::OddsLimit`].
    pub const fn is_odds(self) -> bool {
        matches!(self, BetKind::PassOdds | BetKind::DontPassOdds | BetKind::ComeOdds(_) | BetKind::DontComeOdds(_))
    }

    /// Off on the come-out roll unless called on: Place, Place to lose, Buy, Lay, Hardways and
    /// Come odds. Every other bet works on every roll unless called off.
    pub const fn off_on_come_out(self) -> bool {
        matches!(
            self,
            BetKind::Place(_)
                | BetKind::PlaceToLose(_)
                | BetKind::Buy(_)
                | BetKind::Lay(_)
                | BetKind::Hard(_)
                | BetKind::ComeOdds(_)
        )
    }

    /// Decided by the next roll whatever it is.
    pub const fn is_single_roll(self) -> bool {
        matches!(
            self,
            BetKind::Field
                | BetKind::AnySeven
                | BetKind::AnyCraps
                | BetKind::Two
                | BetKind::Three
                | BetKind::Eleven
                | BetKind::Twelve
                | BetKind::Horn
                | BetKind::CAndE
                | BetKind::Hop(_)
                | BetKind::World
        )
    }

    /// Into how many equal parts the stake splits (1 for an ordinary bet).
    pub const fn split_ways(self) -> u64 {
        match self {
            BetKind::Horn => 4,
            BetKind::World => 5,
            BetKind::CAndE => 2,
            _ => 1,
        }
    }

    /// Is this bet working on a roll in `phase`, given the player's call?
    pub const fn is_working(self, working: Working, phase: Phase) -> bool {
        match working {
            Working::On => true,
            Working::Off => false,
            Working::Auto => !(phase.is_come_out() && self.off_on_come_out()),
        }
    }

    /// Every kind, one of each (hops: every pair of faces), in display order.
    pub fn all() -> Vec<BetKind> {
        let mut kinds = vec![
            BetKind::Pass,
            BetKind::DontPass,
            BetKind::Come,
            BetKind::DontCome,
            BetKind::PassOdds,
            BetKind::DontPassOdds,
        ];
        kinds.extend(Point::ALL.map(BetKind::ComeOdds));
        kinds.extend(Point::ALL.map(BetKind::DontComeOdds));
        kinds.push(BetKind::Field);
        kinds.extend(Point::ALL.map(BetKind::Place));
        kinds.extend(Point::ALL.map(BetKind::PlaceToLose));
        kinds.extend(Point::ALL.map(BetKind::Buy));
        kinds.extend(Point::ALL.map(BetKind::Lay));
        kinds.extend([BetKind::Big6, BetKind::Big8]);
        kinds.extend(HardWay::ALL.map(BetKind::Hard));
        kinds.extend(BetKind::PROPOSITIONS);
        kinds.extend(Dice::all().filter(|d| d.d1() <= d.d2()).map(BetKind::Hop));
        kinds.push(BetKind::World);
        kinds
    }
}

impl std::fmt::Display for BetKind {
    /// The bet's name, as [`BetKind::from_str`](std::str::FromStr) parses it: `pass`, `dont_pass`,
    /// `come_odds_6`, `place_to_lose_4`, `hard_8`, `hop_1_2`, `c_and_e`, ...
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BetKind::Pass => f.write_str("pass"),
            BetKind::DontPass => f.write_str("dont_pass"),
            BetKind::Come => f.write_str("come"),
            BetKind::DontCome => f.write_str("dont_come"),
            BetKind::PassOdds => f.write_str("pass_odds"),
            BetKind::DontPassOdds => f.write_str("dont_pass_odds"),
            BetKind::ComeOdds(p) => write!(f, "come_odds_{p}"),
            BetKind::DontComeOdds(p) => write!(f, "dont_come_odds_{p}"),
            BetKind::Field => f.write_str("field"),
            BetKind::Place(p) => write!(f, "place_{p}"),
            BetKind::PlaceToLose(p) => write!(f, "place_to_lose_{p}"),
            BetKind::Buy(p) => write!(f, "buy_{p}"),
            BetKind::Lay(p) => write!(f, "lay_{p}"),
            BetKind::Big6 => f.write_str("big_6"),
            BetKind::Big8 => f.write_str("big_8"),
            BetKind::Hard(h) => write!(f, "hard_{}", h.number()),
            BetKind::AnySeven => f.write_str("any_7"),
            BetKind::AnyCraps => f.write_str("any_craps"),
            BetKind::Two => f.write_str("two"),
            BetKind::Three => f.write_str("three"),
            BetKind::Eleven => f.write_str("eleven"),
            BetKind::Twelve => f.write_str("twelve"),
            BetKind::Horn => f.write_str("horn"),
            BetKind::CAndE => f.write_str("c_and_e"),
            BetKind::Hop(d) => {
                let d = d.sorted();
                write!(f, "hop_{}_{}", d.d1(), d.d2())
            }
            BetKind::World => f.write_str("world"),
        }
    }
}

/// An open bet on the table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Bet {
    /// The bet's id.
    pub id: BetId,
    /// Whose bet it is.
    pub player: PlayerId,
    /// What was bet on.
    pub kind: BetKind,
    /// The stake, in the token's smallest unit.
    pub amount: u64,
    /// The roll the bet was placed for.
    pub placed_for_roll: u64,
    /// The player's on/off call.
    pub working: Working,
    /// The point the bet rides on: for Pass/Don't Pass and Come/Don't Come once set, and for odds
    /// bets the point of their flat bet. `None` for every other kind.
    pub point: Option<Point>,
    /// Commission charged when the bet was placed (Buy/Lay under [`crate::CommissionPolicy::Upfront`]).
    pub commission_paid: u64,
}

impl Bet {
    /// Is this bet working on a roll in `phase`?
    pub const fn is_working(&self, phase: Phase) -> bool {
        self.kind.is_working(self.working, phase)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn working_defaults() {
        let come_out = Phase::ComeOut;
        let point = Phase::Point(Point::Six);
        assert!(!BetKind::Place(Point::Six).is_working(Working::Auto, come_out));
        assert!(BetKind::Place(Point::Six).is_working(Working::On, come_out));
        assert!(BetKind::Place(Point::Six).is_working(Working::Auto, point));
        assert!(!BetKind::Place(Point::Six).is_working(Working::Off, point));
        assert!(BetKind::Field.is_working(Working::Auto, come_out));
        assert!(BetKind::DontComeOdds(Point::Four).is_working(Working::Auto, come_out));
        assert!(!BetKind::ComeOdds(Point::Four).is_working(Working::Auto, come_out));
    }
}
