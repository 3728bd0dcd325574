//! One table's round protocol as a pure state machine: messages and clock readings in, messages to send and
//! final rounds out. No I/O, no clock of its own: the service feeds it (and tests drive it directly).
//!
//! A round (one roll) goes: **betting** (the table's roll interval after the last final round) → **commit**
//! (each seated player, and anyone joining, sends H(nonce) with their actions; closes when every seated player
//! committed or after `round_timeout_ms`) → **reveal** (committers send their nonces; closes when all revealed
//! or after `validator_timeout_ms`; a committer without a reveal *withheld*) → **sign** (each seated player plays
//! the round — [`TableState::play_round`] — and signs the resulting state hash together with who revealed and
//! who withheld). The round is **final** once signatures from at least the quorum (`agreement_threshold` of the
//! players seated when the round began) agree on one (hash, revealers, withheld). A node whose own view lost
//! recomputes the winning view from the messages it holds.
//!
//! An attempt whose signatures can no longer reach a quorum (counting every seated player who has not signed as
//! a possible supporter) is *dead*; after `round_timeout_ms` in the sign phase the round restarts as the next
//! attempt with fresh nonces. Players seen committing or signing in a later attempt pull everyone to it. Two
//! different signed messages from one player for the same slot are equivocation: the pair is reported as proof
//! and the player counts as having withheld.

use std::collections::{BTreeMap, BTreeSet};

use bitcraps_wire::{Action, Message, NodeId, PROTOCOL_VERSION, Payload, SignedMessage};
use ed25519_dalek::SigningKey;

pub use crate::attempt::View;
use crate::attempt::{Attempt, Commit};
use crate::config::ConsensusConfig;
use crate::crypto;
pub use crate::phase::Phase;
use crate::state::{Revealed, RoundEffects, TableState};

/// Most messages of later rounds kept while this node catches up.
const MAX_FUTURE: usize = 4096;

/// A round that became final here.
#[derive(Debug)]
pub struct FinalRound {
    pub round: u64,
    pub attempt: u32,
    pub dice: bitcraps_rules::Dice,
    pub view: View,
    pub next: TableState,
    pub effects: RoundEffects,
    /// The commits and reveals of the view's players and the signatures that made it final.
    pub messages: Vec<SignedMessage>,
    /// Milliseconds from the round's first commit seen here to finality.
    pub latency_ms: u64,
    /// Players not seated who committed here (to join) and never revealed: not in the view (whether a node got
    /// their commit depends on timing, and a view must not), but this node bans them like withholders.
    pub silent_joiners: Vec<NodeId>,
}

/// What the machine asks of the node.
#[derive(Debug)]
pub enum Output {
    /// Flood this message (signed by this node).
    Broadcast(SignedMessage),
    /// A round is final: store it, then it is the table's state.
    Final(Box<FinalRound>),
    /// `origin` signed two different messages for one slot.
    Equivocation { origin: NodeId, first: SignedMessage, second: SignedMessage },
    /// `peer` knows later rounds than this node: ask it for them.
    Behind { peer: NodeId },
    /// An attempt died without a quorum and was restarted.
    AttemptFailed { round: u64, attempt: u32 },
}

/// One table's protocol state on this node.
#[derive(Debug)]
pub struct Machine {
    me: NodeId,
    key: SigningKey,
    config: ConsensusConfig,
    state: TableState,
    phase: Phase,
    /// The attempt in progress.
    attempt: Attempt,
    /// Earlier attempts of this round, kept so a quorum reached in one of them is still recognised (a node
    /// catching up after a partition receives the attempt that became final elsewhere).
    earlier: BTreeMap<u32, Attempt>,
    /// When this node first saw the current round's commits (latency).
    round_started_ms: Option<u64>,
    /// This node's actions waiting for its next commit.
    queued: Vec<Action>,
    /// The actions in this node's commit of the current attempt (queued again if the attempt dies).
    in_flight: Vec<Action>,
    future: Vec<(Message, SignedMessage, NodeId)>,
    /// The round reached when loaded at start-up: never committed in again (see [`Machine::restarted`]).
    sit_out: Option<u64>,
}

impl Machine {
    /// A machine for a table in `state`, whose next round opens at `opens_at`.
    pub fn new(key: SigningKey, config: ConsensusConfig, state: TableState, opens_at: u64) -> Self {
        Self {
            me: NodeId(key.verifying_key().to_bytes()),
            key,
            earlier: BTreeMap::new(),
            config,
            state,
            phase: Phase::Betting { opens_at },
            attempt: Attempt::default(),
            round_started_ms: None,
            queued: Vec::new(),
            in_flight: Vec::new(),
            future: Vec::new(),
            sit_out: None,
        }
    }

    /// A machine loaded at start-up sits out the round it had reached: it may have committed there before it
    /// stopped, with a nonce it no longer has, and a second commit would equivocate with its first (which the
    /// quorum's view keeps and the catch-up brings back).
    #[must_use]
    pub fn restarted(mut self) -> Self {
        self.sit_out = Some(self.state.round());
        self
    }

    /// The agreed state (after the last final round).
    pub const fn state(&self) -> &TableState {
        &self.state
    }

    pub const fn phase(&self) -> Phase {
        self.phase
    }

    pub const fn attempt(&self) -> u32 {
        self.attempt.number
    }

    /// This node's actions not yet final (queued and in its current commit).
    pub fn pending(&self) -> impl Iterator<Item = &Action> {
        self.in_flight.iter().chain(self.queued.iter())
    }

    /// The messages of the attempt in progress (sent to a neighbour that just linked, so that views converge).
    pub fn current_messages(&self) -> Vec<SignedMessage> {
        let a = &self.attempt;
        a.commits
            .values()
            .map(|c| c.signed.clone())
            .chain(a.reveals.values().map(|(_, s)| s.clone()))
            .chain(a.sigs.values().map(|(_, s)| s.clone()))
            .collect()
    }

    /// Queues an action for this node's next commit. A player joining commits at the next tick.
    pub fn queue(&mut self, action: Action, now: u64) {
        let joining = matches!(action, Action::Join { .. }) && !self.state.players.contains_key(&self.me);
        self.queued.push(action);
        if joining && let Phase::Betting { opens_at } = self.phase {
            self.phase = Phase::Betting { opens_at: opens_at.min(now) };
        }
    }

    /// When [`Machine::tick`] next has something to do.
    pub const fn next_deadline(&self) -> u64 {
        self.phase.deadline()
    }

    fn plays(&self) -> bool {
        self.state.players.contains_key(&self.me) || self.queued.iter().any(|a| matches!(a, Action::Join { .. }))
    }

    fn quorum(&self) -> usize {
        self.config.quorum(self.state.players.len())
    }

    /// Advances timers.
    pub fn tick(&mut self, now: u64) -> Vec<Output> {
        let mut out = Vec::new();
        if now < self.phase.deadline() {
            return out;
        }
        match self.phase {
            Phase::Betting { .. } => self.open(now, &mut out),
            Phase::Commit { .. } => self.close_commits(now, &mut out),
            Phase::Reveal { .. } => self.close_reveals(now, &mut out),
            Phase::Sign { .. } => {
                if self.is_dead() {
                    out.push(Output::AttemptFailed { round: self.state.round(), attempt: self.attempt.number });
                    self.start_attempt(self.attempt.number + 1, now, &mut out);
                } else {
                    self.phase = Phase::Sign { deadline: now + self.config.round_timeout_ms };
                }
            }
        }
        out
    }

    /// Takes a signature-checked message about this table.
    pub fn on_message(&mut self, message: &Message, signed: &SignedMessage, from: NodeId, now: u64) -> Vec<Output> {
        let mut out = Vec::new();
        self.handle(message, signed, from, now, &mut out);
        out
    }

    fn handle(&mut self, message: &Message, signed: &SignedMessage, from: NodeId, now: u64, out: &mut Vec<Output>) {
        let (round, attempt) = match &message.payload {
            Payload::Commit { round, attempt, .. }
            | Payload::Reveal { round, attempt, .. }
            | Payload::StateSig { round, attempt, .. } => (*round, *attempt),
            Payload::TableAdvert { .. } => return,
        };
        let current = self.state.round();
        if round < current {
            return;
        }
        if round > current {
            if self.future.len() < MAX_FUTURE {
                self.future.push((message.clone(), signed.clone(), from));
            }
            out.push(Output::Behind { peer: from });
            return;
        }
        if attempt < self.attempt.number {
            self.record_earlier(attempt, message, signed, now, out);
            return;
        }
        if attempt > self.attempt.number {
            self.start_attempt(attempt, now, out);
        }
        let origin = message.origin;
        match &message.payload {
            Payload::Commit { commitment, actions, .. } => {
                self.on_commit(origin, *commitment, actions, signed, now, out);
            }
            Payload::Reveal { nonce, .. } => self.on_reveal(origin, *nonce, signed, now, out),
            Payload::StateSig { state_hash, revealers, withheld, .. } => {
                let view = View { hash: *state_hash, revealers: revealers.clone(), withheld: withheld.clone() };
                self.on_sig(origin, view, signed, now, out);
            }
            Payload::TableAdvert { .. } => {}
        }
    }

    /// A message of an earlier attempt of this round: kept, in case that attempt reached a quorum elsewhere.
    fn record_earlier(
        &mut self,
        number: u32,
        message: &Message,
        signed: &SignedMessage,
        now: u64,
        out: &mut Vec<Output>,
    ) {
        let (table, round, seated) =
            (self.state.id, self.state.round(), self.state.players.contains_key(&message.origin));
        self.earlier
            .entry(number)
            .or_insert_with(|| Attempt { number, ..Attempt::default() })
            .record(&table, round, seated, message, signed);
        self.try_finalize(now, out);
    }

    #[allow(clippy::too_many_arguments)]
    fn on_commit(
        &mut self,
        origin: NodeId,
        commitment: [u8; 32],
        actions: &[Action],
        signed: &SignedMessage,
        now: u64,
        out: &mut Vec<Output>,
    ) {
        let commit = Commit { commitment, actions: actions.to_vec(), signed: signed.clone() };
        if self.attempt.commits.contains_key(&origin) {
            if let Some(first) = self.attempt.add_commit(origin, commit) {
                // Reported once: every node passes the proof on, so copies keep arriving.
                if self.attempt.equivocators.insert(origin) {
                    out.push(Output::Equivocation { origin, first, second: signed.clone() });
                }
                // A reveal that opened neither commit seen before may open this one.
                if let Some((nonce, reveal)) = self.attempt.early_reveals.remove(&origin) {
                    self.on_reveal(origin, nonce, &reveal, now, out);
                }
            }
            return;
        }
        let seated = self.state.players.contains_key(&origin);
        if !seated && !actions.iter().any(|a| matches!(a, Action::Join { .. })) {
            return;
        }
        self.attempt.add_commit(origin, commit);
        self.round_started_ms.get_or_insert(now);
        if let Some((nonce, reveal)) = self.attempt.early_reveals.remove(&origin) {
            self.on_reveal(origin, nonce, &reveal, now, out);
        }
        match self.phase {
            // A seated player's commit opens the round; so does a joiner's at a table nobody sits at.
            Phase::Betting { .. } if seated || self.state.players.is_empty() => self.open(now, out),
            Phase::Commit { .. } if self.all_seated_committed() => self.close_commits(now, out),
            // A quorum may already have signed a view naming this player withheld: the commit was what this node
            // lacked to recompute it (a sync answer delivers it after the signatures it already holds).
            Phase::Sign { .. } => self.try_finalize(now, out),
            _ => {}
        }
    }

    fn on_reveal(&mut self, origin: NodeId, nonce: [u8; 32], signed: &SignedMessage, now: u64, out: &mut Vec<Output>) {
        if self.attempt.reveals.contains_key(&origin) {
            return;
        }
        let (table, round) = (self.state.id, self.state.round());
        if !self.attempt.opens(&table, round, &origin, &nonce) {
            // Its commit (or, for an equivocator, the commit it opens) has not arrived yet.
            self.attempt.early_reveals.insert(origin, (nonce, signed.clone()));
            return;
        }
        self.attempt.reveals.insert(origin, (nonce, signed.clone()));
        if let (Phase::Reveal { .. }, Some(closed)) = (self.phase, &self.attempt.closed)
            && closed.iter().all(|c| self.attempt.reveals.contains_key(c) || self.attempt.equivocators.contains(c))
        {
            self.close_reveals(now, out);
        }
        self.try_finalize(now, out);
    }

    fn on_sig(&mut self, origin: NodeId, view: View, signed: &SignedMessage, now: u64, out: &mut Vec<Output>) {
        if !self.state.players.contains_key(&origin) {
            return;
        }
        if let Some((first_view, first)) = self.attempt.sigs.get(&origin) {
            if *first_view != view && self.attempt.equivocators.insert(origin) {
                out.push(Output::Equivocation { origin, first: first.clone(), second: signed.clone() });
            }
            return;
        }
        self.attempt.sigs.insert(origin, (view, signed.clone()));
        self.try_finalize(now, out);
    }

    fn all_seated_committed(&self) -> bool {
        self.state.players.keys().all(|p| self.attempt.commits.contains_key(p) || self.attempt.equivocators.contains(p))
    }

    /// Opens the round (or a new attempt of it): commits if this node plays.
    fn open(&mut self, now: u64, out: &mut Vec<Output>) {
        if self.state.players.is_empty() && !self.plays() && self.attempt.commits.is_empty() {
            // Nobody sits here: idle until a joiner commits.
            self.phase = Phase::Betting { opens_at: u64::MAX };
            return;
        }
        self.phase = Phase::Commit { closes_at: now + self.config.round_timeout_ms };
        if self.plays() && !self.attempt.commits.contains_key(&self.me) && self.sit_out != Some(self.state.round()) {
            let mut nonce = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
            self.in_flight.append(&mut self.queued);
            let (table, round, attempt) = (self.state.id, self.state.round(), self.attempt.number);
            let commitment = crypto::commitment(&table, round, attempt, &self.me, &nonce);
            let actions = self.in_flight.clone();
            let signed = self.sign(Payload::Commit { table, round, attempt, commitment, actions }, now);
            self.attempt.my_nonce = Some(nonce);
            out.push(Output::Broadcast(signed.clone()));
            let message = signed.decode_unverified();
            if let Ok(Message { payload: Payload::Commit { actions, .. }, .. }) = message {
                self.on_commit(self.me, commitment, &actions, &signed, now, out);
            }
        } else if self.all_seated_committed() && !self.attempt.commits.is_empty() {
            self.close_commits(now, out);
        }
    }

    fn close_commits(&mut self, now: u64, out: &mut Vec<Output>) {
        if !matches!(self.phase, Phase::Commit { .. }) {
            return;
        }
        let closed: BTreeSet<NodeId> = self.attempt.commits.keys().copied().collect();
        self.phase = Phase::Reveal { closes_at: now + self.config.validator_timeout_ms };
        let revealing = closed.contains(&self.me);
        self.attempt.closed = Some(closed);
        if revealing && let Some(nonce) = self.attempt.my_nonce {
            let (table, round, attempt) = (self.state.id, self.state.round(), self.attempt.number);
            let signed = self.sign(Payload::Reveal { table, round, attempt, nonce }, now);
            out.push(Output::Broadcast(signed.clone()));
            self.on_reveal(self.me, nonce, &signed, now, out);
        } else if self.all_revealed() {
            self.close_reveals(now, out);
        }
    }

    fn all_revealed(&self) -> bool {
        let a = &self.attempt;
        a.closed.as_ref().is_some_and(|c| c.iter().all(|p| a.reveals.contains_key(p) || a.equivocators.contains(p)))
    }

    fn close_reveals(&mut self, now: u64, out: &mut Vec<Output>) {
        if !matches!(self.phase, Phase::Reveal { .. }) {
            return;
        }
        self.phase = Phase::Sign { deadline: now + self.config.round_timeout_ms };
        let closed = self.attempt.closed.clone().unwrap_or_default();
        let (revealers, absent): (Vec<NodeId>, Vec<NodeId>) =
            closed.iter().partition(|p| self.attempt.reveals.contains_key(p) && !self.attempt.equivocators.contains(p));
        // Only a seated player can withhold: a joiner without a reveal just does not join. Naming it would split
        // views between nodes that got its commit and nodes that did not (for example, had banned it already).
        let withheld: Vec<NodeId> = absent.into_iter().filter(|p| self.state.players.contains_key(p)).collect();
        if revealers.is_empty() {
            return;
        }
        let Some((view, dice, next, effects)) = self.compute(&self.attempt, &revealers, &withheld) else { return };
        let (table, round, attempt) = (self.state.id, self.state.round(), self.attempt.number);
        if self.state.players.contains_key(&self.me) {
            let payload = Payload::StateSig {
                table,
                round,
                attempt,
                state_hash: view.hash,
                revealers: view.revealers.clone(),
                withheld: view.withheld.clone(),
            };
            let signed = self.sign(payload, now);
            out.push(Output::Broadcast(signed.clone()));
            self.attempt.sigs.insert(self.me, (view.clone(), signed));
        }
        self.attempt.my_view = Some((view, dice, Box::new(next), effects));
        self.try_finalize(now, out);
    }

    /// Plays the round as `revealers` and `withheld` say, if this node holds their commits and reveals.
    fn compute(
        &self,
        a: &Attempt,
        revealers: &[NodeId],
        withheld: &[NodeId],
    ) -> Option<(View, bitcraps_rules::Dice, TableState, RoundEffects)> {
        let mut nonces = Vec::with_capacity(revealers.len());
        let mut revealed = Vec::with_capacity(revealers.len());
        for p in revealers {
            let (nonce, _) = a.reveals.get(p)?;
            let commit = a.commits.get(p)?;
            nonces.push((*p, *nonce));
            revealed.push(Revealed { player: *p, nonce: *nonce, actions: commit.actions.clone() });
        }
        if withheld.iter().any(|p| !a.commits.contains_key(p)) {
            return None;
        }
        let round = self.state.round();
        let dice = crypto::dice(&self.state.id, round, a.number, &nonces);
        let (next, effects) = match self.state.play_round(round, dice, &revealed, withheld) {
            Ok(played) => played,
            Err(e) => {
                tracing::warn!(table = %self.state.id, round, error = %e, "cannot play the round");
                return None;
            }
        };
        let mut revealers = revealers.to_vec();
        revealers.sort();
        let mut withheld = withheld.to_vec();
        withheld.sort();
        Some((View { hash: next.hash, revealers, withheld }, dice, next, effects))
    }

    fn is_dead(&self) -> bool {
        let unsigned = self.state.players.keys().filter(|p| !self.attempt.sigs.contains_key(p)).count();
        let q = self.quorum();
        self.attempt.tally().values().all(|n| n + unsigned < q) && (unsigned < q || !self.attempt.sigs.is_empty())
    }

    fn try_finalize(&mut self, now: u64, out: &mut Vec<Output>) {
        let q = self.quorum();
        let numbers: Vec<u32> = std::iter::once(self.attempt.number).chain(self.earlier.keys().copied()).collect();
        for number in numbers {
            let a = if number == self.attempt.number { &self.attempt } else { &self.earlier[&number] };
            let Some(view) = a.tally().into_iter().find(|(_, n)| *n >= q).map(|(v, _)| v.clone()) else {
                continue;
            };
            let computed = match &a.my_view {
                Some((my_view, dice, next, effects)) if *my_view == view => {
                    Some((view.clone(), *dice, (**next).clone(), effects.clone()))
                }
                _ => self.compute(a, &view.revealers, &view.withheld),
            };
            match computed {
                Some((v, dice, next, effects)) if v == view => {
                    self.finalize(number, view, dice, next, effects, now, out);
                    return;
                }
                Some(_) => {
                    tracing::error!(table = %self.state.id, "a quorum signed a state this node computes differently");
                }
                // Messages missing here: they arrive by flooding or from a neighbour's resend.
                None => tracing::debug!(
                    table = %self.state.id,
                    round = self.state.round(),
                    attempt = number,
                    no_reveal = ?view.revealers.iter().filter(|p| !a.reveals.contains_key(p)).collect::<Vec<_>>(),
                    no_commit = ?view.revealers.iter().chain(&view.withheld).filter(|p| !a.commits.contains_key(p)).collect::<Vec<_>>(),
                    "a quorum's view lacks messages here"
                ),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn finalize(
        &mut self,
        number: u32,
        view: View,
        dice: bitcraps_rules::Dice,
        next: TableState,
        effects: RoundEffects,
        now: u64,
        out: &mut Vec<Output>,
    ) {
        let a = if number == self.attempt.number { &self.attempt } else { &self.earlier[&number] };
        let players: BTreeSet<&NodeId> = view.revealers.iter().chain(view.withheld.iter()).collect();
        let mut messages: Vec<SignedMessage> =
            players.iter().filter_map(|p| a.commits.get(p)).map(|c| c.signed.clone()).collect();
        messages.extend(view.revealers.iter().filter_map(|p| a.reveals.get(p)).map(|(_, s)| s.clone()));
        messages.extend(a.sigs.values().filter(|(v, _)| *v == view).map(|(_, s)| s.clone()));
        let round = self.state.round();
        let latency_ms = now.saturating_sub(self.round_started_ms.unwrap_or(now));
        let silent_joiners: Vec<NodeId> = a
            .closed
            .iter()
            .flatten()
            .filter(|p| {
                !self.state.players.contains_key(p) && !view.revealers.contains(p) && !a.reveals.contains_key(p)
            })
            .copied()
            .collect();
        // This node's actions made it into the round only if its commit is in the view.
        if !players.contains(&self.me) {
            let mut requeue = std::mem::take(&mut self.in_flight);
            requeue.append(&mut self.queued);
            self.queued = requeue;
        }
        self.in_flight.clear();
        self.state = next.clone();
        self.attempt = Attempt::default();
        self.earlier.clear();
        self.round_started_ms = None;
        self.phase = Phase::Betting { opens_at: now + u64::from(self.state.params.roll_interval_ms) };
        if !self.state.players.contains_key(&self.me) && self.plays() {
            // A joining player commits at once, so its commit is in before the seated players close theirs.
            self.phase = Phase::Betting { opens_at: now };
        }
        let attempt = number;
        out.push(Output::Final(Box::new(FinalRound {
            round,
            attempt,
            dice,
            view,
            next,
            effects,
            messages,
            latency_ms,
            silent_joiners,
        })));
        self.replay_future(now, out);
    }

    fn replay_future(&mut self, now: u64, out: &mut Vec<Output>) {
        let pending = std::mem::take(&mut self.future);
        for (message, signed, from) in pending {
            self.handle(&message, &signed, from, now, out);
        }
    }

    fn start_attempt(&mut self, number: u32, now: u64, out: &mut Vec<Output>) {
        let mut requeue = std::mem::take(&mut self.in_flight);
        requeue.append(&mut self.queued);
        self.queued = requeue;
        let previous = std::mem::replace(&mut self.attempt, Attempt { number, ..Attempt::default() });
        self.earlier.insert(previous.number, previous);
        self.open(now, out);
    }

    fn sign(&self, payload: Payload, now: u64) -> SignedMessage {
        let message = Message { version: PROTOCOL_VERSION, origin: self.me, timestamp_ms: now, payload };
        SignedMessage::sign(&message, &self.key)
    }
}
