//! The round protocol driven in memory: several machines, one clock, every broadcast delivered to every other
//! machine (optionally dropped or withheld), to check that honest machines agree round after round.

use std::collections::VecDeque;

use bitcraps_rules::{BetKind, TableRules};
use bitcraps_wire::{Action, Message, NodeId, Payload, SignedMessage, TableId, TableParams};
use ed25519_dalek::SigningKey;

use crate::config::ConsensusConfig;
use crate::machine::{FinalRound, Machine, Output};
use crate::state::TableState;

pub(super) struct Sim {
    pub(super) machines: Vec<Machine>,
    pub(super) keys: Vec<SigningKey>,
    pub(super) now: u64,
    queue: VecDeque<(usize, SignedMessage)>,
    pub(super) finals: Vec<Vec<FinalRound>>,
    /// Machines whose reveals are never delivered.
    pub(super) withholding: Vec<usize>,
    /// Pairs (a, b) that cannot reach each other.
    cut: Vec<(usize, usize)>,
    /// State signatures of `from` never delivered to `to` (a node that banned `from` drops them).
    sigs_dropped: Vec<(usize, usize)>,
    equivocations: usize,
}

fn params() -> TableParams {
    TableParams { rules: TableRules::default(), roll_interval_ms: 100, max_buy_in: 10_000, max_seats: 8 }
}

/// The simulated table's id.
pub(super) const TABLE: TableId = TableId([9; 16]);

impl Sim {
    pub(super) fn new(n: usize) -> Self {
        let keys: Vec<SigningKey> = (0..n).map(|i| SigningKey::from_bytes(&[i as u8 + 1; 32])).collect();
        let host = NodeId(keys[0].verifying_key().to_bytes());
        let (state, _) = TableState::open(TABLE, bitcraps_ledger::TableId(1), host, params(), 0, 1_000).unwrap();
        let config = ConsensusConfig { round_timeout_ms: 2_000, validator_timeout_ms: 500, agreement_threshold: 0.67 };
        let mut machines: Vec<Machine> =
            keys.iter().map(|k| Machine::new(k.clone(), config.clone(), state.clone(), 100)).collect();
        for m in machines.iter_mut().skip(1) {
            m.queue(Action::Join { buy_in: 1_000 }, 0);
        }
        Self {
            machines,
            keys,
            now: 0,
            queue: VecDeque::new(),
            finals: (0..n).map(|_| Vec::new()).collect(),
            withholding: Vec::new(),
            cut: Vec::new(),
            sigs_dropped: Vec::new(),
            equivocations: 0,
        }
    }

    pub(super) fn id(&self, i: usize) -> NodeId {
        NodeId(self.keys[i].verifying_key().to_bytes())
    }

    /// The host's advert of the table, as the service journals it.
    pub(super) fn advert(&self) -> SignedMessage {
        let payload =
            Payload::TableAdvert { table: TABLE, params: params(), host_buy_in: 1_000, created_ms: 0, round: 0 };
        let message =
            Message { version: bitcraps_wire::PROTOCOL_VERSION, origin: self.id(0), timestamp_ms: 0, payload };
        SignedMessage::sign(&message, &self.keys[0])
    }

    fn absorb(&mut self, i: usize, outputs: Vec<Output>) {
        for o in outputs {
            match o {
                Output::Broadcast(s) => self.queue.push_back((i, s)),
                Output::Final(f) => self.finals[i].push(*f),
                Output::Equivocation { first, second, .. } => {
                    // As the service does: the proof goes to everyone.
                    self.equivocations += 1;
                    self.queue.push_back((i, first));
                    self.queue.push_back((i, second));
                }
                Output::Behind { .. } | Output::AttemptFailed { .. } => {}
            }
        }
    }

    fn blocked(&self, a: usize, b: usize) -> bool {
        self.cut.iter().any(|&(x, y)| (x, y) == (a, b) || (y, x) == (a, b))
    }

    /// Runs until `until` ms: delivers every message, then moves the clock to the next deadline, if not later.
    pub(super) fn run(&mut self, until: u64) {
        for _ in 0..100_000 {
            while let Some((from, signed)) = self.queue.pop_front() {
                let message: Message = signed.verify().unwrap();
                if self.withholding.contains(&from) && matches!(message.payload, Payload::Reveal { .. }) {
                    continue;
                }
                for to in 0..self.machines.len() {
                    let dropped =
                        matches!(message.payload, Payload::StateSig { .. }) && self.sigs_dropped.contains(&(from, to));
                    if to != from && !self.blocked(from, to) && !dropped {
                        let origin = self.id(from);
                        let out = self.machines[to].on_message(&message, &signed, origin, self.now);
                        self.absorb(to, out);
                    }
                }
            }
            let next = self.machines.iter().map(Machine::next_deadline).min().unwrap_or(u64::MAX);
            if next > until {
                self.now = self.now.max(until);
                return;
            }
            self.now = self.now.max(next);
            for i in 0..self.machines.len() {
                let out = self.machines[i].tick(self.now);
                self.absorb(i, out);
            }
        }
        panic!("the simulation spins at {} ms", self.now);
    }

    /// `n` machines after the joins, every one of them betting before a round.
    pub(super) fn settled(n: usize) -> Self {
        let mut sim = Self::new(n);
        sim.run(1_000);
        while sim.machines.iter().any(|m| m.phase().name() != "betting") {
            sim.run(sim.now + 1);
        }
        sim
    }

    /// A second commit of machine `bad` for `round` (attempt 0), different from the one its machine will make.
    fn twin_commit(&self, bad: usize, round: u64) -> (Message, SignedMessage) {
        commit_by(&self.keys[bad], self.now, round, [7; 32], vec![])
    }

    /// Runs until the first `honest` machines finished `round` (or 30 simulated seconds passed), then checks that
    /// they all did, with one (attempt, view).
    fn assert_one_final_view(&mut self, round: u64, honest: usize) {
        let started = self.now;
        while (0..honest).any(|i| self.machines[i].state().round() == round) && self.now < started + 30_000 {
            self.run(self.now + 10);
        }
        let views: Vec<_> = (0..honest)
            .map(|i| self.finals[i].iter().find(|d| d.round == round).map(|d| (d.attempt, d.view.clone())))
            .collect();
        assert!(
            views.iter().all(|v| v.is_some() && *v == views[0]),
            "every honest machine finished {round}: {views:?}"
        );
    }

    pub(super) fn bet_all(&mut self, kind: BetKind, amount: u64) {
        for m in &mut self.machines {
            m.queue(Action::Bet { kind, amount }, self.now);
        }
    }
}

/// A commit for `round` (attempt 0) at this table, signed by `key` at `now`.
fn commit_by(
    key: &SigningKey,
    now: u64,
    round: u64,
    commitment: [u8; 32],
    actions: Vec<Action>,
) -> (Message, SignedMessage) {
    let message = Message {
        version: bitcraps_wire::PROTOCOL_VERSION,
        origin: NodeId(key.verifying_key().to_bytes()),
        timestamp_ms: now,
        payload: Payload::Commit { table: TABLE, round, attempt: 0, commitment, actions },
    };
    let signed = SignedMessage::sign(&message, key);
    (message, signed)
}

#[test]
fn four_players_agree_on_every_roll_and_every_balance() {
    let mut sim = Sim::new(4);
    sim.run(1_000);
    assert_eq!(sim.machines[0].state().players.len(), 4, "everyone joined");
    for _ in 0..30 {
        sim.bet_all(BetKind::Field, 10);
        let round = sim.machines[0].state().round();
        sim.run(sim.now + 150);
        assert!(sim.machines[0].state().round() > round);
    }
    let hash = sim.machines[0].state().hash;
    assert!(sim.machines.iter().all(|m| m.state().hash == hash), "one state everywhere");
    assert!(sim.finals.iter().all(|f| f.len() == sim.finals[0].len()));
    let dice: Vec<_> = sim.finals[0].iter().map(|f| f.dice).collect();
    assert!(sim.finals.iter().all(|f| f.iter().map(|f| f.dice).collect::<Vec<_>>() == dice));
    let supply: i128 = sim.machines[0].state().book.balances().map(|(_, b)| i128::from(b)).sum();
    assert_eq!(supply, 0, "balances sum to zero (mint holds minus the buy-ins)");
    assert!(sim.finals[0].iter().any(|f| f.effects.outcome.as_ref().is_some_and(|o| !o.resolutions.is_empty())));
}

#[test]
fn a_player_who_withholds_a_reveal_forfeits_and_is_unseated() {
    let mut sim = Sim::new(4);
    sim.run(1_000);
    sim.bet_all(BetKind::Pass, 20);
    sim.run(sim.now + 150);
    let bad = sim.id(3);
    sim.withholding.push(3);
    let before = sim.machines[0].state().round();
    sim.run(sim.now + 3_000);
    let state = sim.machines[0].state();
    assert!(state.round() > before, "the honest players went on");
    assert!(!state.players.contains_key(&bad), "the withholder lost its seat");
    assert!(!state.engine.bets().iter().any(|b| b.player == crate::state::seat_id(&bad)));
    assert!(sim.finals[0].iter().any(|f| f.effects.forfeited == vec![bad]));
    for i in 1..3 {
        assert_eq!(sim.machines[i].state().hash, state.hash);
    }
}

#[test]
fn a_partition_without_a_quorum_stalls_then_resumes_after_healing() {
    let mut sim = Sim::new(4);
    sim.run(1_000);
    // 2 | 2: neither half has 3 of 4 signatures.
    sim.cut = vec![(0, 2), (0, 3), (1, 2), (1, 3)];
    let round = sim.machines[0].state().round();
    sim.run(sim.now + 10_000);
    assert!(sim.machines.iter().all(|m| m.state().round() == round), "no quorum, no roll");
    sim.cut.clear();
    // Healing: each side hands the other what it holds of the stalled round (as the service does on link-up).
    for i in 0..4 {
        for s in sim.machines[i].current_messages() {
            sim.queue.push_back((i, s));
        }
    }
    let healed_at = sim.now;
    while sim.machines.iter().any(|m| m.state().round() == round) && sim.now < healed_at + 5_000 {
        sim.run(sim.now + 50);
    }
    assert!(sim.machines.iter().all(|m| m.state().round() > round), "rolls again within 5 s of healing");
    let hash = sim.machines[0].state().hash;
    assert!(sim.machines.iter().all(|m| m.state().hash == hash));
}

#[test]
fn a_partition_with_a_quorum_proceeds_and_the_minority_catches_up() {
    let mut sim = Sim::new(4);
    sim.run(1_000);
    // 3 | 1: three signatures are a quorum of four.
    sim.cut = vec![(3, 0), (3, 1), (3, 2)];
    let round = sim.machines[0].state().round();
    sim.run(sim.now + 6_000);
    assert!(sim.machines[0].state().round() > round, "the majority rolls");
    assert_eq!(sim.machines[3].state().round(), round, "the minority waits");
}

#[test]
fn equivocation_is_reported_and_the_equivocator_withholds() {
    let mut sim = Sim::settled(4);
    let round = sim.machines[0].state().round();
    let bad = 3;
    // While the table bets, the bad player signs a commit for the coming round; its machine then commits again,
    // differently, when the round opens.
    assert_eq!(sim.machines[0].phase().name(), "betting");
    let bet = vec![Action::Bet { kind: BetKind::Field, amount: 5 }];
    let (_, twin) = commit_by(&sim.keys[bad], sim.now, round, [7; 32], bet);
    sim.queue.push_back((bad, twin));
    sim.run(sim.now + 3_000);
    assert!(sim.equivocations >= 3, "every honest machine saw it");
    let state = sim.machines[0].state();
    assert!(state.round() > round);
    assert!(!state.players.contains_key(&sim.id(bad)));
    assert_eq!(sim.machines[1].state().hash, state.hash);
}

#[test]
fn a_node_that_saw_an_equivocators_other_commit_first_still_follows_the_quorum() {
    let mut sim = Sim::settled(5);
    let round = sim.machines[0].state().round();
    let (bad, misled) = (4, 3);
    // Only one machine gets the bad player's second commit, and before the commit the bad player then opens: the
    // others never see the equivocation and sign a view naming it a revealer; with the bad player's own signature
    // that view has a quorum (4 of 5), which the misled machine must be able to recompute.
    let ((twin, signed), bad_id) = (sim.twin_commit(bad, round), sim.id(bad));
    let out = sim.machines[misled].on_message(&twin, &signed, bad_id, sim.now);
    sim.absorb(misled, out);
    let first_round_end = sim.now + 5_000;
    while sim.machines.iter().any(|m| m.state().round() == round) && sim.now < first_round_end {
        sim.run(sim.now + 1);
    }
    assert!(sim.equivocations >= 1, "the misled machine saw both commits");
    let views: Vec<_> = sim
        .finals
        .iter()
        .map(|f| f.iter().find(|d| d.round == round).map(|d| d.view.clone()).expect("every machine finished the round"))
        .collect();
    assert!(views.iter().all(|v| *v == views[0]), "one view everywhere");
    assert!(views[0].revealers.contains(&bad_id), "the quorum counted the bad player's reveal");
}

#[test]
fn a_node_missing_a_withholders_commit_finishes_the_round_once_a_sync_brings_it() {
    let mut sim = Sim::settled(7);
    let round = sim.machines[0].state().round();
    let (bad, blind) = (6, 3);
    // The withholder's commit never reaches one machine; the other five sign "withheld" (5 of 7 is a quorum), a view
    // the blind machine cannot recompute without that commit.
    sim.withholding.push(bad);
    sim.cut = vec![(bad, blind)];
    let started = sim.now;
    while sim.machines[0].state().round() == round && sim.now < started + 10_000 {
        sim.run(sim.now + 10);
    }
    assert!(sim.machines[0].state().round() > round, "the quorum went on");
    // Its commit phase times out without the commit; it reveals, then waits in the sign phase.
    while sim.machines[blind].phase().name() != "sign" && sim.now < started + 20_000 {
        sim.run(sim.now + 10);
    }
    assert_eq!(sim.machines[blind].state().round(), round, "the blind machine waits for the missing commit");
    assert_eq!(sim.machines[blind].phase().name(), "sign");
    // A neighbour's sync answer: the final round's commits, reveals and signatures (most already held).
    let done = sim.finals[0].iter().find(|f| f.round == round).expect("machine 0 finished the round");
    let (view, messages) = (done.view.clone(), done.messages.clone());
    assert!(view.withheld.contains(&sim.id(bad)));
    let from = sim.id(0);
    for signed in messages {
        let message = signed.verify().unwrap();
        let out = sim.machines[blind].on_message(&message, &signed, from, sim.now);
        sim.absorb(blind, out);
    }
    let caught_up = sim.finals[blind].iter().find(|f| f.round == round).expect("the blind machine finished the round");
    assert_eq!(caught_up.view, view);
}

#[test]
fn views_split_by_an_equivocation_still_end_in_one_final_view() {
    let mut sim = Sim::settled(7);
    let round = sim.machines[0].state().round();
    let bad = 6;
    // Four machines get a second commit of the bad player first: they see the equivocation, name it withheld, and
    // (having banned it) never get its signature. The other two name it a revealer. 4 + 2 (+ its own signature)
    // is no quorum of 5 on either view: the attempt dies and a later one agrees.
    let ((twin, signed), bad_id) = (sim.twin_commit(bad, round), sim.id(bad));
    for misled in 0..4 {
        let out = sim.machines[misled].on_message(&twin, &signed, bad_id, sim.now);
        sim.absorb(misled, out);
        sim.sigs_dropped.push((bad, misled));
    }
    sim.assert_one_final_view(round, 6);
}

#[test]
fn a_silent_equivocator_and_a_withholder_in_one_round_do_not_stall_the_table() {
    let mut sim = Sim::settled(8);
    let round = sim.machines[0].state().round();
    let (withholder, bad, witness) = (6, 7, 1);
    // As in the byzantine process test: both bad players misbehave in the same round and never sign. Only the
    // equivocator's neighbour sees its second commit; it names the equivocator withheld, the other five honest
    // machines name it a revealer. Neither view can reach 6 of 8 with honest signatures alone.
    sim.withholding.push(withholder);
    for to in 0..8 {
        sim.sigs_dropped.push((withholder, to));
        sim.sigs_dropped.push((bad, to));
    }
    let ((twin, signed), bad_id) = (sim.twin_commit(bad, round), sim.id(bad));
    let out = sim.machines[witness].on_message(&twin, &signed, bad_id, sim.now);
    sim.absorb(witness, out);
    sim.assert_one_final_view(round, 6);
}

#[test]
fn a_silent_joiner_whose_commit_reached_only_some_machines_does_not_split_their_views() {
    let mut sim = Sim::settled(7);
    let round = sim.machines[0].state().round();
    // A seated player that never signs (its signatures reach nobody), and an outsider that commits to join, to two
    // machines only (the others had banned it), and never reveals. If those two named it withheld, the views would
    // split 2 / 4 and, with the silent player counted as a possible signer, the attempt would neither finish nor die.
    let silent = 6;
    for to in 0..7 {
        sim.sigs_dropped.push((silent, to));
    }
    let outsider = SigningKey::from_bytes(&[99; 32]);
    let outsider_id = NodeId(outsider.verifying_key().to_bytes());
    let (commit, signed) = commit_by(&outsider, sim.now, round, [5; 32], vec![Action::Join { buy_in: 1_000 }]);
    for to in 0..2 {
        let out = sim.machines[to].on_message(&commit, &signed, outsider_id, sim.now);
        sim.absorb(to, out);
    }
    sim.assert_one_final_view(round, 6);
    let finals = (0..6).filter_map(|i| sim.finals[i].iter().find(|d| d.round == round));
    let joiners: Vec<_> = finals.map(|d| d.silent_joiners.clone()).collect();
    assert_eq!(joiners, [vec![outsider_id], vec![outsider_id], vec![], vec![], vec![], vec![]], "banned where seen");
}
