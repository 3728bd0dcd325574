//! Committing one roll to SQLite: the engine settles the open bets, then the roll row, every settlement, every
//! ledger entry and the new engine state are written in one transaction (WAL, synchronous=NORMAL, the node's
//! pragmas, a file in a temp dir). Placing the bets before each roll is not timed.
//!
//! Two loads: 8 players with 10 single-roll bets each (80 settlements and ~110 ledger entries every roll), and
//! 8 players with a field bet each (8 settlements). Criterion reports mean and median; a plain loop of
//! [`SAMPLES`] timed commits after it prints p50/p95/p99 (goal: p95 <= 0.2 ms).

#![allow(clippy::unwrap_used)] // a benchmark: any error is a broken setup and should stop it loudly

use std::time::{Duration, Instant};

use bitcraps_ledger::GameTable;
use bitcraps_ledger::{Account, store};
use bitcraps_rules::{BetKind, Dice, PlayerId, TableRules};
use bitcraps_storage as storage;
use bitcraps_storage::StorageConfig;
use criterion::{Criterion, criterion_group, criterion_main};
use rusqlite::Connection;

const PLAYERS: u64 = 8;
const SAMPLES: usize = 5000;

const SINGLE_ROLL: [BetKind; 10] = [
    BetKind::Field,
    BetKind::AnySeven,
    BetKind::AnyCraps,
    BetKind::Two,
    BetKind::Three,
    BetKind::Eleven,
    BetKind::Twelve,
    BetKind::Horn,
    BetKind::CAndE,
    BetKind::World,
];

struct Bench {
    _dir: tempfile::TempDir,
    conn: Connection,
    game: GameTable,
    kinds: &'static [BetKind],
    rolls: u64,
}

impl Bench {
    fn new(kinds: &'static [BetKind]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = storage::open(&dir.path().join("bench.sqlite3"), &StorageConfig::default()).unwrap();
        store::mint(&mut conn, &Account::House, 1 << 50, 0).unwrap();
        let mut game = GameTable::open(&mut conn, TableRules::default(), 0).unwrap();
        for p in 0..PLAYERS {
            let account = Account::player(&format!("p{p}")).unwrap();
            store::mint(&mut conn, &account, 1 << 40, 0).unwrap();
            game.seat(&mut conn, PlayerId(p), account, 0).unwrap();
        }
        Self { _dir: dir, conn, game, kinds, rolls: 0 }
    }

    fn place_bets(&mut self) {
        let roll = self.game.table().open_roll();
        for p in 0..PLAYERS {
            for kind in self.kinds {
                self.game.place_bet(&mut self.conn, PlayerId(p), *kind, 20, roll, 0).unwrap();
            }
        }
    }

    /// Places the bets (untimed), then times committing one roll.
    fn timed_roll(&mut self) -> Duration {
        self.place_bets();
        self.rolls += 1;
        let dice = Dice::new(1 + (self.rolls % 6) as u8, 1 + (self.rolls / 6 % 6) as u8).unwrap();
        let started = Instant::now();
        let outcome = self.game.roll(&mut self.conn, dice, self.rolls).unwrap();
        let took = started.elapsed();
        assert_eq!(outcome.resolutions.len(), self.kinds.len() * PLAYERS as usize);
        took
    }
}

fn percentiles(name: &str, kinds: &'static [BetKind]) {
    let mut bench = Bench::new(kinds);
    let mut times: Vec<Duration> = (0..SAMPLES).map(|_| bench.timed_roll()).collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "{name}: {SAMPLES} commits: p50 {:?}  p95 {:?}  p99 {:?}  max {:?}",
        at(0.50),
        at(0.95),
        at(0.99),
        times[times.len() - 1]
    );
}

fn commit_roll(c: &mut Criterion) {
    let loads: [(&str, &'static [BetKind]); 2] =
        [("commit_roll/8x10_single_roll_bets", &SINGLE_ROLL), ("commit_roll/8x1_field_bet", &SINGLE_ROLL[..1])];
    for (name, kinds) in loads {
        let mut bench = Bench::new(kinds);
        c.bench_function(name, |b| b.iter_custom(|iters| (0..iters).map(|_| bench.timed_roll()).sum()));
    }
    for (name, kinds) in loads {
        percentiles(name, kinds);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = commit_roll
}
criterion_main!(benches);
