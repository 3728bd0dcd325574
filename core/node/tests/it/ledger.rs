//! Conservation of supply, by property tests over random bet, take-down and roll sequences that drive the real
//! rules engine: first through the in-memory [`Book`], then through [`GameTable`] and SQLite side by side with it.

use bitcraps_ledger::check::check_store;
use bitcraps_ledger::{Account, Book, Entry, Reason, postings, store};
use bitcraps_ledger::{GameTable, TableId};
use bitcraps_rules::{BetKind, CommissionPolicy, Dice, PlayerId, Table, TableRules};
use proptest::prelude::*;

use crate::game_support::{BANK, dice, funded_table, open_db, player};

const PLAYERS: u64 = 4;

#[derive(Debug, Clone)]
enum Op {
    Place { who: u64, kind: usize, amount: u64 },
    Remove { who: u64, nth: usize },
    Roll(u8, u8),
}

fn op() -> impl Strategy<Value = Op> {
    let kinds = BetKind::all().len();
    let amount = prop_oneof![(1u64..15).prop_map(|x| x * 20), 1u64..400];
    prop_oneof![
        5 => (0..PLAYERS, 0..kinds, amount).prop_map(|(who, kind, amount)| Op::Place { who, kind, amount }),
        1 => (0..PLAYERS, 0..6usize).prop_map(|(who, nth)| Op::Remove { who, nth }),
        3 => (1u8..=6, 1u8..=6).prop_map(|(a, b)| Op::Roll(a, b)),
    ]
}

fn rules() -> impl Strategy<Value = TableRules> {
    prop_oneof![Just(CommissionPolicy::Upfront), Just(CommissionPolicy::OnWin)]
        .prop_map(|commission| TableRules { commission, ..TableRules::default() })
}

/// The ledger and the engine in memory: what [`GameTable`] does, without the database.
struct Model {
    id: TableId,
    table: Table,
    book: Book,
    minted: i128,
}

impl Model {
    fn new(id: TableId, rules: TableRules, balances: &[u64]) -> Self {
        let mut book = Book::new();
        let mut mint = |to: Account, amount: u64| {
            let e = Entry {
                debit: Account::Mint,
                credit: to,
                amount,
                reason: Reason::Mint,
                table: None,
                roll: None,
                bet: None,
            };
            book.post(&[e]).unwrap();
        };
        mint(Account::House, BANK);
        let mut table = Table::new(rules);
        for (i, b) in (0u64..).zip(balances) {
            if *b > 0 {
                mint(player(i), *b);
            }
            table.seat(PlayerId(i)).unwrap();
        }
        let minted = i128::from(BANK) + balances.iter().map(|b| i128::from(*b)).sum::<i128>();
        Self { id, table, book, minted }
    }

    /// Applies `op`; `Ok(true)` if it was accepted. A refusal must leave table and book untouched.
    fn apply(&mut self, op: &Op) -> bool {
        let (table_before, book_before) = (self.table.clone(), self.book.clone());
        let mut next = self.table.clone();
        let accepted = match *op {
            Op::Place { who, kind, amount } => {
                match next.place_bet(PlayerId(who), BetKind::all()[kind], amount, next.open_roll()) {
                    Ok(p) => self.book.post(&postings::placement(self.id, &player(who), &p)).is_ok(),
                    Err(_) => false,
                }
            }
            Op::Remove { who, nth } => match nth_bet(&next, who, nth).map(|id| next.remove_bet(PlayerId(who), id)) {
                Some(Ok(r)) => self.book.post(&postings::removal(self.id, &player(who), &r)).is_ok(),
                _ => false,
            },
            Op::Roll(a, b) => {
                let outcome = next.roll(dice(a, b));
                let held = |id| self.table.bet(id).map_or(0, |bet| bet.commission_paid);
                let entries = postings::roll(self.id, &outcome, |p| player(p.0), held);
                self.book.post(&entries).expect("a roll always posts");
                true
            }
        };
        if accepted {
            self.table = next;
        } else {
            assert_eq!(self.table, table_before);
            assert_eq!(self.book, book_before, "a refused bet moved money");
        }
        accepted
    }

    fn assert_sound(&self) {
        assert_eq!(self.book.minted(), self.minted, "nothing is minted by play");
        assert_eq!(self.book.supply(), self.minted, "supply is conserved");
        let open: u64 = self.table.bets().iter().map(postings::escrowed).sum();
        assert_eq!(self.book.balance(&Account::Escrow(self.id)), i64::try_from(open).unwrap(), "escrow = open bets");
        for p in 0..PLAYERS {
            assert!(self.book.balance(&player(p)) >= 0);
        }
    }
}

fn nth_bet(table: &Table, who: u64, nth: usize) -> Option<bitcraps_rules::BetId> {
    table.bets().iter().filter(|b| b.player == PlayerId(who)).nth(nth).map(|b| b.id)
}

fn balances() -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec(prop_oneof![Just(0u64), 0u64..500, 500u64..20_000], PLAYERS as usize)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The in-memory book over random play: supply constant, escrow equal to the open bets, no player negative,
    /// and every refusal (engine or balance) leaves everything untouched.
    #[test]
    fn supply_is_conserved_in_memory(rules in rules(), balances in balances(), ops in prop::collection::vec(op(), 1..200)) {
        let mut model = Model::new(TableId(1), rules, &balances);
        for op in &ops {
            model.apply(op);
            model.assert_sound();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The same through [`GameTable`] and SQLite: every call is accepted or refused exactly as the model says,
    /// the stored balances equal the model's, and the start-up check passes after every step.
    #[test]
    fn supply_is_conserved_in_sqlite(rules in rules(), balances in balances(), ops in prop::collection::vec(op(), 1..80)) {
        let mut conn = open_db(std::path::Path::new(":memory:"));
        let mut game = funded_table(&mut conn, rules, &balances);
        let mut model = Model::new(game.id(), rules, &balances);
        for (step, op) in (1u64..).zip(&ops) {
            let expected = model.apply(op);
            let accepted = play(&mut conn, &mut game, op, step);
            prop_assert_eq!(accepted, expected, "{:?}", op);
            prop_assert_eq!(game.table(), &model.table);
            let stored = store::load_book(&conn).unwrap();
            for (account, balance) in model.book.balances() {
                prop_assert_eq!(stored.balance(account), balance, "{}", account);
            }
            let report = check_store(&conn).unwrap();
            prop_assert_eq!(report.minted, model.minted);
        }
    }
}

fn play(conn: &mut rusqlite::Connection, game: &mut GameTable, op: &Op, at_ms: u64) -> bool {
    match *op {
        Op::Place { who, kind, amount } => {
            let roll = game.table().open_roll();
            game.place_bet(conn, PlayerId(who), BetKind::all()[kind], amount, roll, at_ms).is_ok()
        }
        Op::Remove { who, nth } => match nth_bet(game.table(), who, nth) {
            Some(id) => game.remove_bet(conn, PlayerId(who), id, at_ms).is_ok(),
            None => false,
        },
        Op::Roll(a, b) => {
            game.roll(conn, Dice::new(a, b).unwrap(), at_ms).unwrap();
            true
        }
    }
}

#[test]
fn abort_refunds_every_open_bet_and_closes_the_table() {
    let rules = TableRules { commission: CommissionPolicy::Upfront, ..TableRules::default() };
    let mut conn = open_db(std::path::Path::new(":memory:"));
    let mut game = funded_table(&mut conn, rules, &[1000, 1000]);
    game.place_bet(&mut conn, PlayerId(0), BetKind::Pass, 100, 0, 1).unwrap();
    game.place_bet(&mut conn, PlayerId(1), BetKind::Buy(bitcraps_rules::Point::Four), 100, 0, 1).unwrap();
    assert_eq!(store::balance(&conn, &player(1)).unwrap(), 895, "stake and 5 commission in escrow");
    assert_eq!(game.abort(&mut conn, 2).unwrap(), 2);
    assert_eq!(store::balance(&conn, &player(0)).unwrap(), 1000);
    assert_eq!(store::balance(&conn, &player(1)).unwrap(), 1000, "commission refunded too");
    assert_eq!(store::balance(&conn, &Account::Escrow(game.id())).unwrap(), 0);
    let err = game.roll(&mut conn, dice(3, 4), 3).unwrap_err();
    assert_eq!(err.code(), "table_not_open");
    check_store(&conn).unwrap();
    let reloaded = GameTable::load(&conn, game.id()).unwrap();
    assert_eq!(reloaded.status(), bitcraps_ledger::TableStatus::Aborted);
}
