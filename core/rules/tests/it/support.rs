//! Shared helpers: a one-player table, dice shorthand, and a scripted set-up.

use bitcraps_rules::{BetId, BetKind, Dice, OddsLimit, PlayerId, Table, TableRules, Working};

/// The player every scripted test bets as.
pub const ME: PlayerId = PlayerId(1);

/// Permissive limits so cases are not refused by the table min/max.
pub fn rules() -> TableRules {
    TableRules { min_bet: 1, max_bet: 1_000_000, odds: OddsLimit::ThreeFourFive, ..TableRules::default() }
}

pub fn dice(d1: u8, d2: u8) -> Dice {
    Dice::new(d1, d2).unwrap()
}

/// One step of a set-up script.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    /// Roll these dice.
    Roll(u8, u8),
    /// Place this bet (not the one under test).
    Bet(BetKind, u64),
    /// Place the bet under test here.
    Target,
}

/// Runs `steps` on a fresh one-player table; the target bet (placed at `Step::Target`, or at the
/// end if the script has none) is `kind` for `stake`, called `working`.
pub fn scripted(rules: TableRules, steps: &[Step], kind: BetKind, stake: u64, working: Working) -> (Table, BetId) {
    let mut table = Table::new(rules);
    table.seat(ME).unwrap();
    let mut target = None;
    let place = |table: &mut Table, kind: BetKind, amount: u64| {
        let roll = table.open_roll();
        table.place_bet(ME, kind, amount, roll).unwrap_or_else(|e| panic!("placing {kind} {amount}: {e}")).bet_id
    };
    for step in steps {
        match *step {
            Step::Roll(a, b) => {
                table.roll(dice(a, b));
            }
            Step::Bet(kind, amount) => {
                place(&mut table, kind, amount);
            }
            Step::Target => target = Some(place(&mut table, kind, stake)),
        }
    }
    let id = target.unwrap_or_else(|| place(&mut table, kind, stake));
    if working != Working::Auto {
        table.set_working(ME, id, working).unwrap();
    }
    (table, id)
}
