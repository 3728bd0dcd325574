//! Bet names: [`BetKind`] parsed from the name its `Display` writes (`pass`, `place_6`, `hop_2_5`, ...), the
//! form the API and the CLI take. Above both [`crate::bet`] and [`crate::error`], so neither imports the other.

use crate::bet::BetKind;
use crate::dice::Dice;
use crate::error::BetError;
use crate::phase::{HardWay, Point};

/// A bet kind on a point, e.g. `BetKind::Place`.
type MakeKind = fn(Point) -> BetKind;

impl std::str::FromStr for BetKind {
    type Err = BetError;

    /// Parses a name as [`Display`](std::fmt::Display) writes it. Case and `-` for `_` are
    /// forgiven; anything else is [`BetError::UnknownBetKind`].
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let unknown = || BetError::UnknownBetKind { name: name.to_owned() };
        let norm = name.trim().to_ascii_lowercase().replace('-', "_");
        let fixed = match norm.as_str() {
            "pass" => Some(BetKind::Pass),
            "dont_pass" => Some(BetKind::DontPass),
            "come" => Some(BetKind::Come),
            "dont_come" => Some(BetKind::DontCome),
            "pass_odds" => Some(BetKind::PassOdds),
            "dont_pass_odds" => Some(BetKind::DontPassOdds),
            "field" => Some(BetKind::Field),
            "big_6" => Some(BetKind::Big6),
            "big_8" => Some(BetKind::Big8),
            "any_7" => Some(BetKind::AnySeven),
            "any_craps" => Some(BetKind::AnyCraps),
            "two" => Some(BetKind::Two),
            "three" => Some(BetKind::Three),
            "eleven" => Some(BetKind::Eleven),
            "twelve" => Some(BetKind::Twelve),
            "horn" => Some(BetKind::Horn),
            "c_and_e" => Some(BetKind::CAndE),
            "world" => Some(BetKind::World),
            _ => None,
        };
        if let Some(kind) = fixed {
            return Ok(kind);
        }
        let number = |rest: &str| rest.parse::<u8>().ok();
        let point = |rest: &str| number(rest).and_then(Point::from_total);
        let with_point: [(&str, MakeKind); 6] = [
            ("come_odds_", BetKind::ComeOdds),
            ("dont_come_odds_", BetKind::DontComeOdds),
            ("place_to_lose_", BetKind::PlaceToLose),
            ("place_", BetKind::Place),
            ("buy_", BetKind::Buy),
            ("lay_", BetKind::Lay),
        ];
        for (prefix, make) in with_point {
            if let Some(rest) = norm.strip_prefix(prefix) {
                return point(rest).map(make).ok_or_else(unknown);
            }
        }
        if let Some(rest) = norm.strip_prefix("hard_") {
            return number(rest).and_then(HardWay::from_total).map(BetKind::Hard).ok_or_else(unknown);
        }
        if let Some(rest) = norm.strip_prefix("hop_") {
            let (a, b) = rest.split_once('_').ok_or_else(unknown)?;
            let (a, b) = (number(a).ok_or_else(unknown)?, number(b).ok_or_else(unknown)?);
            let dice = Dice::new(a, b).map_err(|_| unknown())?;
            return Ok(BetKind::Hop(dice.sorted()));
        }
        Err(unknown())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for kind in BetKind::all() {
            let name = kind.to_string();
            assert_eq!(name.parse::<BetKind>().unwrap(), kind, "{name}");
        }
        assert_eq!("Place-6".parse::<BetKind>().unwrap(), BetKind::Place(Point::Six));
        assert_eq!("hop_5_2".parse::<BetKind>().unwrap(), BetKind::Hop(Dice::new(2, 5).unwrap()));
    }

    #[test]
    fn unknown_names_are_typed_errors() {
        for name in ["", "passline", "place_7", "hard_5", "hop_0_1", "hop_1", "buy_x", "lay_12"] {
            assert_eq!(name.parse::<BetKind>(), Err(BetError::UnknownBetKind { name: name.to_owned() }), "{name:?}");
        }
    }
}
