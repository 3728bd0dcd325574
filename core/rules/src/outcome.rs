//! What the table reports: placements, removals, settlements and the outcome of a roll.
//!
//! Every amount is exact, so a ledger can post double-entry movements without recomputing
//! anything: a [`Placement`] moves `stake` (and any `commission`) from the player; a [`Removal`]
//! moves them back; a [`Settlement`] returns `returned` to the player, keeps `lost` for the house,
//! pays `winnings` from the house and takes `commission` from the player.

use crate::bet::{BetId, BetKind, PlayerId};
use crate::dice::Dice;
use crate::phase::{Phase, Point};

/// A bet accepted by [`crate::Table::place_bet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Placement {
    /// The new bet's id.
    pub bet_id: BetId,
    /// The stake now on the table.
    pub stake: u64,
    /// Commission charged now, beside the stake (Buy/Lay with up-front commission; else 0).
    pub commission: u64,
}

impl Placement {
    /// What the player pays now: stake plus up-front commission.
    pub const fn total(&self) -> u64 {
        self.stake + self.commission
    }
}

/// A bet taken down by [`crate::Table::remove_bet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Removal {
    /// The bet taken down.
    pub bet_id: BetId,
    /// Its owner.
    pub player: PlayerId,
    /// The stake returned.
    pub stake: u64,
    /// Up-front commission returned with it.
    pub commission: u64,
}

impl Removal {
    /// What the player gets back.
    pub const fn total(&self) -> u64 {
        self.stake + self.commission
    }
}

/// The exact money of one settled bet. Always `returned + lost == stake`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Settlement {
    /// The bet's whole stake.
    pub stake: u64,
    /// Stake handed back to the player.
    pub returned: u64,
    /// Stake kept by the house.
    pub lost: u64,
    /// Paid by the house to the player, on top of the returned stake.
    pub winnings: u64,
    /// Commission the player pays the house now (Buy/Lay under commission on win).
    pub commission: u64,
}

impl Settlement {
    /// The whole stake wins `winnings`, less `commission`.
    pub const fn win(stake: u64, winnings: u64, commission: u64) -> Self {
        Self { stake, returned: stake, lost: 0, winnings, commission }
    }

    /// The whole stake is lost.
    pub const fn lose(stake: u64) -> Self {
        Self { stake, returned: 0, lost: stake, winnings: 0, commission: 0 }
    }

    /// The whole stake comes back, nothing won.
    pub const fn push(stake: u64) -> Self {
        Self { stake, returned: stake, lost: 0, winnings: 0, commission: 0 }
    }

    /// Part of a split bet wins: `part` of the stake wins `winnings`, the rest is lost.
    pub const fn split_win(stake: u64, part: u64, winnings: u64) -> Self {
        Self { stake, returned: part, lost: stake - part, winnings, commission: 0 }
    }

    /// The player's net change from this settlement, against the stake: `winnings - lost - commission`.
    pub const fn net(&self) -> i128 {
        self.winnings as i128 - self.lost as i128 - self.commission as i128
    }

    /// A tie: the whole stake returned and nothing won (e.g. Don't Pass on a come-out 12).
    pub const fn is_push(&self) -> bool {
        self.returned == self.stake && self.winnings == 0 && self.lost == 0
    }

    /// The short classification of this settlement.
    pub const fn outcome(&self) -> Outcome {
        if self.winnings > 0 {
            Outcome::Win
        } else if self.is_push() {
            Outcome::Push
        } else {
            Outcome::Lose
        }
    }
}

/// How a settled bet went. A split bet (Horn, World, C&E) that wins on one part is a `Win`
/// even when its other parts lose (a World bet on a 7 wins 4 : 1 on a fifth and loses the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Outcome {
    /// Something was won.
    Win,
    /// The stake was lost.
    Lose,
    /// The stake came back untouched.
    Push,
}

/// One bet settled by a roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Resolution {
    /// The bet.
    pub bet_id: BetId,
    /// Its owner.
    pub player: PlayerId,
    /// What it was.
    pub kind: BetKind,
    /// Win, lose or push.
    pub outcome: Outcome,
    /// The exact money.
    pub settlement: Settlement,
}

/// Everything one roll did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RollOutcome {
    /// The number of the roll just made.
    pub roll_number: u64,
    /// The dice.
    pub dice: Dice,
    /// The phase the roll was made in.
    pub phase_before: Phase,
    /// The phase after it.
    pub phase_after: Phase,
    /// A seven while a point was on: the shooter's turn ends.
    pub seven_out: bool,
    /// Who rolled (`None` if nobody was seated).
    pub shooter: Option<PlayerId>,
    /// Who shoots next: a new shooter after a seven-out.
    pub next_shooter: Option<PlayerId>,
    /// Bets settled, in bet-id order.
    pub resolutions: Vec<Resolution>,
    /// Pass/Don't Pass and Come/Don't Come bets that moved to a point, in bet-id order.
    pub travelled: Vec<(BetId, Point)>,
}

impl RollOutcome {
    /// The point set by this roll, if it was a come-out roll of a point number.
    pub const fn point_set(&self) -> Option<Point> {
        match (self.phase_before, self.phase_after) {
            (Phase::ComeOut, Phase::Point(p)) => Some(p),
            _ => None,
        }
    }

    /// The point made by this roll, if any.
    pub fn point_made(&self) -> Option<Point> {
        self.phase_before.point().filter(|p| p.number() == self.dice.total())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_and_net() {
        assert_eq!(Settlement::win(10, 12, 1).outcome(), Outcome::Win);
        assert_eq!(Settlement::win(10, 12, 1).net(), 11);
        assert_eq!(Settlement::lose(10).outcome(), Outcome::Lose);
        assert_eq!(Settlement::lose(10).net(), -10);
        assert_eq!(Settlement::push(10).outcome(), Outcome::Push);
        let world_seven = Settlement::split_win(5, 1, 4);
        assert_eq!(world_seven.outcome(), Outcome::Win);
        assert_eq!(world_seven.net(), 0);
        assert!(!world_seven.is_push());
    }
}
