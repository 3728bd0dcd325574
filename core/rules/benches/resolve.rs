//! Resolving one roll for 8 players with 10 open bets each (goal: at most 20 µs per roll).

#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use bitcraps_rules::{BetKind, Dice, HardWay, PlayerId, Point, Table, TableRules};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

/// A table with the point on 6 and 8 players each holding 10 bets.
fn busy_table() -> Table {
    let mut table = Table::new(TableRules::default());
    let players: Vec<PlayerId> = (0..8).map(PlayerId).collect();
    for p in &players {
        table.seat(*p).unwrap();
        let roll = table.open_roll();
        table.place_bet(*p, BetKind::Pass, 10, roll).unwrap();
    }
    table.roll(Dice::new(3, 3).unwrap());
    for p in &players {
        let roll = table.open_roll();
        let bets = [
            (BetKind::PassOdds, 50),
            (BetKind::Place(Point::Five), 10),
            (BetKind::Place(Point::Eight), 12),
            (BetKind::Buy(Point::Four), 20),
            (BetKind::Lay(Point::Ten), 40),
            (BetKind::Field, 10),
            (BetKind::Hard(HardWay::Eight), 5),
            (BetKind::Horn, 20),
            (BetKind::Come, 10),
        ];
        for (kind, amount) in bets {
            table.place_bet(*p, kind, amount, roll).unwrap();
        }
    }
    assert_eq!(table.bets().len(), 80);
    table
}

fn resolve(c: &mut Criterion) {
    let table = busy_table();
    for (name, dice) in
        [("roll_5_some_settle", Dice::new(2, 3).unwrap()), ("seven_out_all_settle", Dice::new(3, 4).unwrap())]
    {
        c.bench_function(name, |b| {
            b.iter_batched(|| table.clone(), |mut t| black_box(t.roll(black_box(dice))), BatchSize::SmallInput);
        });
    }
}

criterion_group!(benches, resolve);
criterion_main!(benches);
