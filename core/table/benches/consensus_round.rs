//! The CPU cost of one table round: eight [`Machine`]s in memory, one synthetic clock, every broadcast delivered
//! to the seven others, each receiver checking the signature first as its mesh would (decode + `verify_strict`).
//!
//! One iteration is one complete round with all eight players betting (a field bet and an any-seven bet each):
//! the betting deadline opens it, each machine commits, reveals, plays the round and signs, and the iteration ends
//! when the round is final at all eight. Nothing here touches SQLite, the journal or a socket: it is the protocol's
//! own cost (Ed25519 signing and verification, commitments, playing the round, hashing the state).
//!
//! - `round/8_players_verify_per_receiver`: as on a real mesh (24 broadcasts, 168 signature checks);
//! - `round/8_players_verify_once`: each broadcast checked once, to separate the machines from Ed25519;
//! - `ed25519/*`: one commit signed, one verified.
//!
//! After criterion, a plain loop of [`SAMPLES`] timed rounds prints p50/p95/p99 per round and the mean per node.
//! Run: `cargo bench -p bitcraps-table --bench consensus_round`.

#![allow(clippy::unwrap_used)] // a benchmark: any error is a broken setup and should stop it loudly

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bitcraps_rules::{BetKind, TableRules};
use bitcraps_table::config::ConsensusConfig;
use bitcraps_table::machine::{Machine, Output};
use bitcraps_table::state::TableState;
use bitcraps_wire::{Action, Message, NodeId, PROTOCOL_VERSION, Payload, SignedMessage, TableId, TableParams};
use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::SigningKey;

const PLAYERS: usize = 8;
const BUY_IN: u64 = 1_000_000_000;
const SAMPLES: usize = 1_000;

/// Eight machines at one table, all seated.
struct Sim {
    machines: Vec<Machine>,
    ids: Vec<NodeId>,
    now: u64,
    queue: VecDeque<(usize, SignedMessage)>,
    finals: Vec<u64>,
    /// Check each broadcast's signature at every receiver (true) or once (false).
    verify_per_receiver: bool,
    /// Signature checks done.
    verifies: u64,
    broadcasts: u64,
}

impl Sim {
    fn new(verify_per_receiver: bool) -> Self {
        let keys: Vec<SigningKey> = (0..PLAYERS).map(|i| SigningKey::from_bytes(&[i as u8 + 1; 32])).collect();
        let ids: Vec<NodeId> = keys.iter().map(|k| NodeId(k.verifying_key().to_bytes())).collect();
        let params = TableParams {
            rules: TableRules { min_bet: 1, max_bet: 1_000, ..TableRules::default() },
            roll_interval_ms: 100,
            max_buy_in: BUY_IN,
            max_seats: PLAYERS as u8,
        };
        let (state, _) =
            TableState::open(TableId([9; 16]), bitcraps_ledger::TableId(1), ids[0], params, 0, BUY_IN).unwrap();
        let config = ConsensusConfig::default();
        let mut machines: Vec<Machine> =
            keys.iter().map(|k| Machine::new(k.clone(), config.clone(), state.clone(), 100)).collect();
        for m in machines.iter_mut().skip(1) {
            m.queue(Action::Join { buy_in: BUY_IN }, 0);
        }
        let mut sim = Self {
            machines,
            ids,
            now: 0,
            queue: VecDeque::new(),
            finals: vec![0; PLAYERS],
            verify_per_receiver,
            verifies: 0,
            broadcasts: 0,
        };
        for _ in 0..10_000 {
            if sim.machines.iter().all(|m| m.state().players.len() == PLAYERS) {
                break;
            }
            sim.step();
        }
        assert!(sim.machines.iter().all(|m| m.state().players.len() == PLAYERS), "everyone is seated");
        sim
    }

    fn absorb(&mut self, i: usize, outputs: Vec<Output>) {
        for o in outputs {
            match o {
                Output::Broadcast(s) => {
                    self.broadcasts += 1;
                    self.queue.push_back((i, s));
                }
                Output::Final(_) => self.finals[i] += 1,
                Output::Equivocation { .. } => panic!("an honest in-memory round saw equivocation: {o:?}"),
                Output::Behind { .. } | Output::AttemptFailed { .. } => {}
            }
        }
    }

    /// Delivers every queued broadcast to every other machine.
    fn deliver(&mut self) {
        while let Some((from, signed)) = self.queue.pop_front() {
            let once = (!self.verify_per_receiver).then(|| {
                self.verifies += 1;
                signed.verify().unwrap()
            });
            for to in 0..PLAYERS {
                if to == from {
                    continue;
                }
                let message: Message = match &once {
                    Some(m) => m.clone(),
                    None => {
                        self.verifies += 1;
                        signed.verify().unwrap()
                    }
                };
                let out = self.machines[to].on_message(&message, &signed, self.ids[from], self.now);
                self.absorb(to, out);
            }
        }
    }

    /// Plays one round: moves the clock to the next deadline (the betting deadline), ticks, delivers, and repeats
    /// until the round is final at every machine.
    fn round(&mut self) {
        let target: Vec<u64> = self.finals.iter().map(|f| f + 1).collect();
        for _ in 0..1_000 {
            self.step();
            self.deliver();
            if self.finals.iter().zip(&target).all(|(f, t)| f >= t) {
                return;
            }
        }
        panic!("the round never finished at {} ms", self.now);
    }

    /// Delivers everything queued, then moves the clock to the next deadline and ticks every machine.
    fn step(&mut self) {
        self.deliver();
        self.now = self.now.max(self.machines.iter().map(Machine::next_deadline).min().unwrap());
        for i in 0..PLAYERS {
            let out = self.machines[i].tick(self.now);
            self.absorb(i, out);
        }
    }

    /// Every player queues this round's bets, then the round is played.
    fn betting_round(&mut self) {
        for m in &mut self.machines {
            m.queue(Action::Bet { kind: BetKind::Field, amount: 6 }, self.now);
            m.queue(Action::Bet { kind: BetKind::AnySeven, amount: 2 }, self.now);
        }
        self.round();
    }
}

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len().max(1)) - 1;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e6)
}

fn report() {
    for verify_per_receiver in [true, false] {
        let mut sim = Sim::new(verify_per_receiver);
        for _ in 0..50 {
            sim.betting_round();
        }
        let (verifies, broadcasts, round) = (sim.verifies, sim.broadcasts, sim.machines[0].state().round());
        let mut samples = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let started = Instant::now();
            sim.betting_round();
            samples.push(started.elapsed());
        }
        assert!(sim.machines.iter().all(|m| m.state().hash == sim.machines[0].state().hash), "one state");
        let rounds = sim.machines[0].state().round() - round;
        samples.sort();
        let mean = samples.iter().map(Duration::as_secs_f64).sum::<f64>() / samples.len() as f64 * 1e6;
        println!(
            "consensus_round ({}): {PLAYERS} players, {SAMPLES} rounds ({rounds} rolls): per round mean {mean:.0} µs, \
             p50 {:.0} µs, p95 {:.0} µs, p99 {:.0} µs; per node {:.0} µs; {:.1} broadcasts and {:.1} signature \
             checks per round",
            if verify_per_receiver { "verify at every receiver" } else { "verify once per broadcast" },
            percentile(&samples, 0.50),
            percentile(&samples, 0.95),
            percentile(&samples, 0.99),
            mean / PLAYERS as f64,
            (sim.broadcasts - broadcasts) as f64 / SAMPLES as f64,
            (sim.verifies - verifies) as f64 / SAMPLES as f64,
        );
    }
}

fn commit(key: &SigningKey) -> Message {
    let actions =
        vec![Action::Bet { kind: BetKind::Field, amount: 6 }, Action::Bet { kind: BetKind::AnySeven, amount: 2 }];
    Message {
        version: PROTOCOL_VERSION,
        origin: NodeId(key.verifying_key().to_bytes()),
        timestamp_ms: 1_780_000_000_000,
        payload: Payload::Commit { table: TableId([9; 16]), round: 12, attempt: 0, commitment: [5; 32], actions },
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("round");
    group.sample_size(30).measurement_time(Duration::from_secs(6));
    for (name, per_receiver) in [("8_players_verify_per_receiver", true), ("8_players_verify_once", false)] {
        let mut sim = Sim::new(per_receiver);
        group.bench_function(name, |b| b.iter(|| sim.betting_round()));
    }
    group.finish();
    let key = SigningKey::from_bytes(&[3; 32]);
    let message = commit(&key);
    let signed = SignedMessage::sign(&message, &key);
    c.bench_function("ed25519/sign_commit", |b| b.iter(|| SignedMessage::sign(std::hint::black_box(&message), &key)));
    c.bench_function("ed25519/verify_commit", |b| b.iter(|| std::hint::black_box(&signed).verify().unwrap()));
    report();
}

criterion_group!(benches, bench);
criterion_main!(benches);
