//! With the `serde` feature: a table round-trips through JSON, and odds rows serialize for the CLI.

use bitcraps_rules::{BetKind, Dice, PlayerId, Table, TableRules};

use crate::support::{ME, dice};

#[test]
fn table_round_trips_through_json() {
    let mut t = Table::new(TableRules::default());
    t.seat(ME).unwrap();
    t.seat(PlayerId(7)).unwrap();
    t.place_bet(ME, BetKind::Pass, 10, 0).unwrap();
    t.place_bet(ME, BetKind::Hop(dice(2, 5)), 10, 0).unwrap();
    t.roll(dice(3, 3));
    let json = serde_json::to_string(&t).unwrap();
    let back: Table = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
}

#[test]
fn bad_dice_do_not_deserialize() {
    assert!(serde_json::from_str::<Dice>("[0, 7]").is_err());
    assert_eq!(serde_json::from_str::<Dice>("[2, 5]").unwrap(), dice(2, 5));
}

#[test]
fn odds_rows_serialize_rationals_as_strings() {
    let rows = bitcraps_rules::edge::edge_table().unwrap();
    let json = serde_json::to_value(&rows[0]).unwrap();
    assert_eq!(json["bet"], "pass");
    assert_eq!(json["edge_per_resolved"], "7/495");
    assert!(json["edge_per_resolved_f64"].as_f64().unwrap() > 0.0141);
}
