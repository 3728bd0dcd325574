//! The bet kinds the Place bet form offers, by the rules engine's names.
//!
//! The names are exactly what `bitcraps_rules::BetKind`'s `FromStr` parses (its `Display`): `pass`, `dont_pass`,
//! `place_6`, `hard_8`, `c_and_e`, ... The dashboard does not link the rules crate, so the list is written out here
//! in the engine's display order; hop bets (`hop_1_2`, ...) are left out of the menu. The node checks the name when
//! the bet is placed, so a name the engine does not know comes back as a refused command, never as a wrong bet.

/// Bets that carry no number.
const PLAIN: [&str; 6] = ["pass", "dont_pass", "come", "dont_come", "pass_odds", "dont_pass_odds"];
/// Single-roll and other bets without a number, after the number bets.
const PROPOSITIONS: [&str; 11] =
    ["big_6", "big_8", "any_7", "any_craps", "two", "three", "eleven", "twelve", "horn", "c_and_e", "world"];
/// The point numbers.
const POINTS: [u8; 6] = [4, 5, 6, 8, 9, 10];
/// The hard ways.
const HARD: [u8; 4] = [4, 6, 8, 10];

/// Every bet kind offered, in the rules engine's display order.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = PLAIN.iter().map(|&n| n.to_owned()).collect();
    let per_point = |prefix: &str| POINTS.map(|p| format!("{prefix}_{p}"));
    names.extend(per_point("come_odds"));
    names.extend(per_point("dont_come_odds"));
    names.push("field".to_owned());
    for prefix in ["place", "place_to_lose", "buy", "lay"] {
        names.extend(per_point(prefix));
    }
    names.extend(PROPOSITIONS[..2].iter().map(|&n| n.to_owned()));
    names.extend(HARD.map(|n| format!("hard_{n}")));
    names.extend(PROPOSITIONS[2..].iter().map(|&n| n.to_owned()));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_in_engine_spelling() {
        let names = names();
        assert_eq!(names.len(), 6 + 12 + 1 + 24 + 2 + 4 + 9);
        assert_eq!(names[0], "pass");
        assert!(names.contains(&"place_6".to_owned()) && names.contains(&"hard_10".to_owned()));
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')));
    }
}
