//! Two six-sided dice: a validated roll and the 36 equally likely outcomes.
//!
//! The engine never rolls dice itself (no randomness source lives in this crate); the table protocol
//! agrees on a roll and hands it in as a [`Dice`] value.

/// A die face outside `1..=6`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DiceError {
    /// A face must be in `1..=6`.
    #[error("die face {face} is not in 1..=6")]
    FaceOutOfRange {
        /// The face that was given.
        face: u8,
    },
}

/// One roll of two dice, each face in `1..=6`.
///
/// The fields are private so every value is valid: build one with [`Dice::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "(u8, u8)", into = "(u8, u8)"))]
pub struct Dice {
    d1: u8,
    d2: u8,
}

impl Dice {
    /// Builds a roll from two faces; each must be in `1..=6`.
    pub const fn new(d1: u8, d2: u8) -> Result<Self, DiceError> {
        if d1 < 1 || d1 > 6 {
            return Err(DiceError::FaceOutOfRange { face: d1 });
        }
        if d2 < 1 || d2 > 6 {
            return Err(DiceError::FaceOutOfRange { face: d2 });
        }
        Ok(Self { d1, d2 })
    }

    /// The first die.
    pub const fn d1(self) -> u8 {
        self.d1
    }

    /// The second die.
    pub const fn d2(self) -> u8 {
        self.d2
    }

    /// The sum of both dice, `2..=12`.
    pub const fn total(self) -> u8 {
        self.d1 + self.d2
    }

    /// Both dice show the same face (a "hard" number when the total is 4, 6, 8 or 10).
    pub const fn is_pair(self) -> bool {
        self.d1 == self.d2
    }

    /// The same roll with the lower face first; hop bets compare rolls this way.
    pub const fn sorted(self) -> Self {
        if self.d1 <= self.d2 { self } else { Self { d1: self.d2, d2: self.d1 } }
    }

    /// All 36 ordered outcomes, each with probability 1/36.
    pub fn all() -> impl Iterator<Item = Dice> {
        (1..=6u8).flat_map(|d1| (1..=6u8).map(move |d2| Dice { d1, d2 }))
    }
}

impl TryFrom<(u8, u8)> for Dice {
    type Error = DiceError;

    fn try_from((d1, d2): (u8, u8)) -> Result<Self, Self::Error> {
        Self::new(d1, d2)
    }
}

impl From<Dice> for (u8, u8) {
    fn from(dice: Dice) -> Self {
        (dice.d1, dice.d2)
    }
}

impl std::fmt::Display for Dice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.d1, self.d2)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rejects_faces_out_of_range() {
        assert_eq!(Dice::new(0, 3), Err(DiceError::FaceOutOfRange { face: 0 }));
        assert_eq!(Dice::new(3, 7), Err(DiceError::FaceOutOfRange { face: 7 }));
        assert_eq!(Dice::new(6, 6).unwrap().total(), 12);
    }

    #[test]
    fn thirty_six_outcomes_with_the_usual_totals() {
        let all: Vec<Dice> = Dice::all().collect();
        assert_eq!(all.len(), 36);
        assert_eq!(all.iter().filter(|d| d.total() == 7).count(), 6);
        assert_eq!(all.iter().filter(|d| d.total() == 2).count(), 1);
        assert_eq!(all.iter().filter(|d| d.is_pair()).count(), 6);
    }

    #[test]
    fn sorted_puts_low_face_first() {
        assert_eq!(Dice::new(5, 2).unwrap().sorted(), Dice::new(2, 5).unwrap());
    }
}
