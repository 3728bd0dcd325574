//! Property tests over random bet and roll sequences: chips are conserved at the table, no bet
//! pays more than the payout table allows, and the puck follows the dice.

use std::collections::HashMap;

use bitcraps_rules::resolve::max_winnings;
use bitcraps_rules::{
    Bet, BetId, BetKind, CommissionPolicy, Dice, FieldVariant, OddsLimit, PlayerId, Table, TableRules, Working,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Action {
    Bet { player: u64, kind: usize, amount: u64 },
    Remove { pick: usize },
    Call { pick: usize, working: u8 },
    Roll { d1: u8, d2: u8 },
}

fn action() -> impl Strategy<Value = Action> {
    let kinds = BetKind::all().len();
    prop_oneof![
        4 => (0..3u64, 0..kinds, 0..300u64)
            .prop_map(|(player, kind, amount)| Action::Bet { player, kind, amount }),
        1 => any::<usize>().prop_map(|pick| Action::Remove { pick }),
        1 => (any::<usize>(), 0..3u8).prop_map(|(pick, working)| Action::Call { pick, working }),
        3 => (1..=6u8, 1..=6u8).prop_map(|(d1, d2)| Action::Roll { d1, d2 }),
    ]
}

fn table_rules() -> impl Strategy<Value = TableRules> {
    (0..3u32, any::<bool>(), any::<bool>(), prop_oneof![Just(1u64), Just(5)]).prop_map(
        |(odds, triple, upfront, min_bet)| TableRules {
            min_bet,
            max_bet: 250,
            odds: if odds == 0 { OddsLimit::ThreeFourFive } else { OddsLimit::Times(odds) },
            field: if triple { FieldVariant::TripleTwelve } else { FieldVariant::DoubleTwelve },
            commission: if upfront { CommissionPolicy::Upfront } else { CommissionPolicy::OnWin },
        },
    )
}

/// Money the table has taken in and paid out, by account.
#[derive(Debug, Default)]
struct Books {
    staked: u128,
    returned: u128,
    lost: u128,
    winnings: u128,
    commission: u128,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn chips_are_conserved_and_payouts_bounded(
        rules in table_rules(),
        actions in prop::collection::vec(action(), 1..120),
    ) {
        let kinds = BetKind::all();
        let mut t = Table::new(rules);
        for p in 0..3 {
            t.seat(PlayerId(p)).unwrap();
        }
        let mut books = Books::default();
        for a in actions {
            match a {
                Action::Bet { player, kind, amount } => {
                    let before = t.clone();
                    let roll = t.open_roll();
                    match t.place_bet(PlayerId(player), kinds[kind], amount, roll) {
                        Ok(p) => {
                            books.staked += u128::from(p.stake);
                            books.commission += u128::from(p.commission);
                            prop_assert_eq!(t.bet(p.bet_id).map(|b| b.amount), Some(amount));
                        }
                        Err(_) => prop_assert_eq!(&t, &before),
                    }
                }
                Action::Remove { pick } => {
                    if t.bets().is_empty() { continue; }
                    let bet = t.bets()[pick % t.bets().len()].clone();
                    let before = t.clone();
                    match t.remove_bet(bet.player, bet.id) {
                        Ok(r) => {
                            prop_assert_eq!(r.stake, bet.amount);
                            prop_assert_eq!(r.commission, bet.commission_paid);
                            books.returned += u128::from(r.stake);
                            books.commission -= u128::from(r.commission);
                        }
                        Err(_) => prop_assert_eq!(&t, &before),
                    }
                }
                Action::Call { pick, working } => {
                    if t.bets().is_empty() { continue; }
                    let bet = t.bets()[pick % t.bets().len()].clone();
                    let working = [Working::Auto, Working::On, Working::Off][usize::from(working)];
                    let result = t.set_working(bet.player, bet.id, working);
                    prop_assert_eq!(result.is_err(), bet.kind.is_line());
                }
                Action::Roll { d1, d2 } => {
                    let dice = Dice::new(d1, d2).unwrap();
                    let open: HashMap<BetId, Bet> =
                        t.bets().iter().map(|b| (b.id, b.clone())).collect();
                    let phase = t.phase();
                    let o = t.roll(dice);
                    prop_assert_eq!(o.phase_after, phase.after(dice.total()));
                    prop_assert_eq!(o.seven_out, !phase.is_come_out() && dice.total() == 7);
                    for r in &o.resolutions {
                        let bet = &open[&r.bet_id];
                        let s = r.settlement;
                        prop_assert_eq!(s.stake, bet.amount);
                        prop_assert_eq!(s.returned + s.lost, s.stake);
                        prop_assert!(s.winnings <= max_winnings(&rules, bet),
                            "{} of {} won {}", bet.kind, bet.amount, s.winnings);
                        prop_assert!(s.commission <= s.winnings);
                        prop_assert!(t.bet(r.bet_id).is_none());
                        books.returned += u128::from(s.returned);
                        books.lost += u128::from(s.lost);
                        books.winnings += u128::from(s.winnings);
                        books.commission += u128::from(s.commission);
                    }
                    prop_assert_eq!(t.bets().len() + o.resolutions.len(), open.len());
                }
            }
            let on_table: u128 = t.bets().iter().map(|b| u128::from(b.amount)).sum();
            prop_assert_eq!(books.staked, books.returned + books.lost + on_table, "{:?}", books);
            let upfront: u128 = t.bets().iter().map(|b| u128::from(b.commission_paid)).sum();
            prop_assert!(books.commission >= upfront);
        }
    }

    #[test]
    fn single_roll_bets_always_settle(kind in 0..BetKind::all().len(), d1 in 1..=6u8, d2 in 1..=6u8) {
        let kind = BetKind::all()[kind];
        prop_assume!(kind.is_single_roll());
        let mut t = Table::new(TableRules { min_bet: 1, ..TableRules::default() });
        t.seat(PlayerId(0)).unwrap();
        t.place_bet(PlayerId(0), kind, 60, 0).unwrap();
        let o = t.roll(Dice::new(d1, d2).unwrap());
        prop_assert_eq!(o.resolutions.len(), 1);
        prop_assert!(t.bets().is_empty());
    }
}
