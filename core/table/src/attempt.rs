//! One attempt of a round: the commits, reveals and state signatures seen for it, and what they add up to.

use std::collections::{BTreeMap, BTreeSet};

use bitcraps_wire::{Action, Message, NodeId, Payload, SignedMessage, TableId};

use crate::crypto;
use crate::state::{RoundEffects, TableState};

/// What a set of signatures agrees on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct View {
    pub hash: [u8; 32],
    pub revealers: Vec<NodeId>,
    pub withheld: Vec<NodeId>,
}

/// A player's commit in an attempt.
#[derive(Debug, Clone)]
pub(crate) struct Commit {
    pub(crate) commitment: [u8; 32],
    pub(crate) actions: Vec<Action>,
    pub(crate) signed: SignedMessage,
}

/// Everything seen of one attempt.
#[derive(Debug, Default)]
pub(crate) struct Attempt {
    pub(crate) number: u32,
    pub(crate) commits: BTreeMap<NodeId, Commit>,
    /// An equivocator's second, different commit. Which of the two counts is decided by the reveal: nodes that saw
    /// the commits in different orders must still agree on a quorum's view that names the equivocator a revealer.
    pub(crate) conflicting: BTreeMap<NodeId, Commit>,
    pub(crate) reveals: BTreeMap<NodeId, ([u8; 32], SignedMessage)>,
    /// Reveals that arrived before their commit.
    pub(crate) early_reveals: BTreeMap<NodeId, ([u8; 32], SignedMessage)>,
    pub(crate) sigs: BTreeMap<NodeId, (View, SignedMessage)>,
    pub(crate) equivocators: BTreeSet<NodeId>,
    /// The committers when this node closed the commit phase.
    pub(crate) closed: Option<BTreeSet<NodeId>>,
    pub(crate) my_nonce: Option<[u8; 32]>,
    pub(crate) my_view: Option<(View, bitcraps_rules::Dice, Box<TableState>, RoundEffects)>,
}

impl Attempt {
    /// Keeps `commit` of `origin`: the first one, or else a different one as the conflicting commit. Returns the
    /// first commit's signed message when `commit` differs from it (an equivocation).
    pub(crate) fn add_commit(&mut self, origin: NodeId, commit: Commit) -> Option<SignedMessage> {
        match self.commits.get(&origin) {
            None => {
                self.commits.insert(origin, commit);
                None
            }
            Some(first) if first.signed == commit.signed => None,
            Some(first) => {
                let first = first.signed.clone();
                self.conflicting.entry(origin).or_insert(commit);
                Some(first)
            }
        }
    }

    /// Whether `nonce` opens a commit of `origin`; if it opens the conflicting one, that one becomes the commit
    /// (the reveal shows which commitment the origin stands by).
    pub(crate) fn opens(&mut self, table: &TableId, round: u64, origin: &NodeId, nonce: &[u8; 32]) -> bool {
        let expected = crypto::commitment(table, round, self.number, origin, nonce);
        if self.commits.get(origin).is_some_and(|c| c.commitment == expected) {
            return true;
        }
        if self.conflicting.get(origin).is_some_and(|c| c.commitment == expected)
            && let (Some(first), Some(second)) = (self.commits.remove(origin), self.conflicting.remove(origin))
        {
            self.commits.insert(*origin, second);
            self.conflicting.insert(*origin, first);
            return true;
        }
        false
    }

    /// How many signatures each view has.
    pub(crate) fn tally(&self) -> BTreeMap<&View, usize> {
        let mut counts = BTreeMap::new();
        for (view, _) in self.sigs.values() {
            *counts.entry(view).or_insert(0) += 1;
        }
        counts
    }

    /// Keeps a message of this attempt without acting on it (an earlier attempt: in case it reached a quorum
    /// elsewhere). Reveals wait for their commit; signatures count only from players `seated` at the round.
    pub(crate) fn record(
        &mut self,
        table: &TableId,
        round: u64,
        seated: bool,
        message: &Message,
        signed: &SignedMessage,
    ) {
        let table = *table;
        let (origin, a) = (message.origin, self);
        match &message.payload {
            Payload::Commit { commitment, actions, .. } => {
                let commit = Commit { commitment: *commitment, actions: actions.clone(), signed: signed.clone() };
                if a.add_commit(origin, commit).is_some() {
                    a.equivocators.insert(origin);
                }
            }
            Payload::Reveal { nonce, .. } => {
                if a.opens(&table, round, &origin, nonce) {
                    a.reveals.entry(origin).or_insert((*nonce, signed.clone()));
                } else {
                    a.early_reveals.insert(origin, (*nonce, signed.clone()));
                }
            }
            Payload::StateSig { state_hash, revealers, withheld, .. } if seated => {
                let view = View { hash: *state_hash, revealers: revealers.clone(), withheld: withheld.clone() };
                a.sigs.entry(origin).or_insert((view, signed.clone()));
            }
            _ => {}
        }
        let early: Vec<(NodeId, ([u8; 32], SignedMessage))> =
            std::mem::take(&mut a.early_reveals).into_iter().collect();
        for (origin, (nonce, reveal)) in early {
            if a.opens(&table, round, &origin, &nonce) {
                a.reveals.entry(origin).or_insert((nonce, reveal));
            } else {
                a.early_reveals.insert(origin, (nonce, reveal));
            }
        }
    }
}
