//! Replaying a table from its signed messages alone: the proof that the journal (or any other record of the
//! messages) holds enough to recompute every final round — its dice and its state hash — without trusting the
//! node that wrote it.
//!
//! [`replay_table`] checks every signature of the table's messages, opens the state from the host's advert, then
//! for each round in order picks the view (attempt, state hash, revealers, withheld) signed by a quorum of the
//! players seated when the round began, checks each revealer's nonce against its commitment, draws the dice
//! from the nonces, plays the round with [`TableState::play_round`] and checks the hash the quorum signed.
//! Messages of other tables are skipped; a message journaled twice counts once.
//!
//! Pure: no I/O. The CLI (`bitcraps-cli journal replay`) feeds it the journal and compares the result with
//! SQLite.

use std::collections::{BTreeMap, BTreeSet};

use bitcraps_wire::{Action, Message, NodeId, Payload, SignedMessage, TableId};

use crate::config::ConsensusConfig;
use crate::crypto;
use crate::state::{Revealed, StateError, TableState};
use bitcraps_ledger::Account;

/// One round as the replay recomputed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayedRound {
    pub round: u64,
    /// The attempt whose view a quorum signed.
    pub attempt: u32,
    pub dice: (u8, u8),
    /// The state hash after the round (recomputed, and equal to the one the quorum signed).
    pub state_hash: [u8; 32],
    /// Players who committed and did not reveal (sorted).
    pub withheld: Vec<NodeId>,
    /// Resolutions of the roll (forfeited bets included), as the `rolls` row counts them.
    pub settlements: usize,
    /// Change of the house account in the table's book this round.
    pub house_delta: i64,
}

/// Why a table could not be replayed. Round-specific errors name the round.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("message {index} cannot be decoded: {reason}")]
    Undecodable { index: usize, reason: String },
    #[error("message {index} ({kind} from {origin}) has a bad signature: {reason}")]
    BadSignature { index: usize, kind: &'static str, origin: NodeId, reason: String },
    #[error("no advert of table {table} among the messages (was the journal's start cut by retention?)")]
    MissingAdvert { table: TableId },
    #[error("the advert of table {table} does not open a table: {source}")]
    BadAdvert { table: TableId, source: StateError },
    #[error("no quorum for round {round}: at most {best} of {seated} seated players signed one view, {needed} needed")]
    NoQuorum { round: u64, best: usize, needed: usize, seated: usize },
    #[error("round {round} (attempt {attempt}): no commit of revealer {player}")]
    MissingCommit { round: u64, attempt: u32, player: NodeId },
    #[error("round {round} (attempt {attempt}): no reveal of revealer {player}")]
    MissingReveal { round: u64, attempt: u32, player: NodeId },
    #[error("round {round} (attempt {attempt}): the reveal of {player} does not match its commit")]
    RevealMismatch { round: u64, attempt: u32, player: NodeId },
    #[error("round {round} cannot be played: {source}")]
    Play { round: u64, source: StateError },
    #[error("hash mismatch at round {round}: journal says {journal}, recomputed {recomputed}")]
    HashMismatch { round: u64, journal: String, recomputed: String },
    #[error("round {round} is missing: the messages skip from round {round} to round {next}")]
    MissingRound { round: u64, next: u64 },
}

/// What a quorum signed: the attempt and the view.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct SignedView {
    attempt: u32,
    hash: [u8; 32],
    revealers: Vec<NodeId>,
    withheld: Vec<NodeId>,
}

/// A commitment and the actions signed with it.
type Committed = ([u8; 32], Vec<Action>);

/// One round's messages, each kept once.
#[derive(Debug, Default)]
struct RoundMessages {
    /// (attempt, player) → every distinct (commitment, actions) that player committed to.
    commits: BTreeMap<(u32, NodeId), Vec<Committed>>,
    /// (attempt, player) → every distinct nonce that player revealed.
    reveals: BTreeMap<(u32, NodeId), BTreeSet<[u8; 32]>>,
    /// View → who signed it.
    sigs: BTreeMap<SignedView, BTreeSet<NodeId>>,
}

/// Replays `table` from `messages` (any order; other tables' messages and duplicates are fine); returns its
/// rounds in order. `config` gives the quorum (`agreement_threshold`).
pub fn replay_table(
    table: TableId,
    messages: impl IntoIterator<Item = SignedMessage>,
    config: &ConsensusConfig,
) -> Result<Vec<ReplayedRound>, ReplayError> {
    let mut advert = None;
    let mut rounds: BTreeMap<u64, RoundMessages> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (index, signed) in messages.into_iter().enumerate() {
        let message =
            signed.decode_unverified().map_err(|e| ReplayError::Undecodable { index, reason: e.to_string() })?;
        if *message.payload.table() != table || !seen.insert(signed.id()) {
            continue;
        }
        let message = signed.verify().map_err(|e| ReplayError::BadSignature {
            index,
            kind: message.payload.kind(),
            origin: message.origin,
            reason: e.to_string(),
        })?;
        let Message { origin, payload, .. } = message;
        match payload {
            Payload::TableAdvert { params, host_buy_in, created_ms, .. } => {
                advert.get_or_insert((origin, params, host_buy_in, created_ms));
            }
            Payload::Commit { round, attempt, commitment, actions, .. } => {
                let slot = rounds.entry(round).or_default().commits.entry((attempt, origin)).or_default();
                if !slot.iter().any(|(c, a)| *c == commitment && *a == actions) {
                    slot.push((commitment, actions));
                }
            }
            Payload::Reveal { round, attempt, nonce, .. } => {
                rounds.entry(round).or_default().reveals.entry((attempt, origin)).or_default().insert(nonce);
            }
            Payload::StateSig { round, attempt, state_hash, revealers, withheld, .. } => {
                let view = SignedView { attempt, hash: state_hash, revealers, withheld };
                rounds.entry(round).or_default().sigs.entry(view).or_default().insert(origin);
            }
        }
    }
    let (host, params, host_buy_in, created_ms) = advert.ok_or(ReplayError::MissingAdvert { table })?;
    // The local row id only names the escrow account, which the hash names canonically.
    let (mut state, _) = TableState::open(table, bitcraps_ledger::TableId(0), host, params, created_ms, host_buy_in)
        .map_err(|source| ReplayError::BadAdvert { table, source })?;
    let mut out = Vec::with_capacity(rounds.len());
    for (number, messages) in rounds.range(state.round()..) {
        let round = state.round();
        if *number != round {
            return Err(ReplayError::MissingRound { round, next: *number });
        }
        let (replayed, next) = replay_round(&state, messages, config)?;
        out.push(replayed);
        state = next;
    }
    Ok(out)
}

/// Replays the round `state` is open for from its messages; returns it and the state after it.
fn replay_round(
    state: &TableState,
    messages: &RoundMessages,
    config: &ConsensusConfig,
) -> Result<(ReplayedRound, TableState), ReplayError> {
    let round = state.round();
    let view = quorum_view(state, messages, config)?;
    let attempt = view.attempt;
    let mut nonces = Vec::with_capacity(view.revealers.len());
    let mut revealed = Vec::with_capacity(view.revealers.len());
    for player in &view.revealers {
        let key = (attempt, *player);
        let reveals =
            messages.reveals.get(&key).ok_or(ReplayError::MissingReveal { round, attempt, player: *player })?;
        let commits =
            messages.commits.get(&key).ok_or(ReplayError::MissingCommit { round, attempt, player: *player })?;
        // The reveal and the commit that belong together (one of each unless the player equivocated).
        let matched = reveals.iter().find_map(|nonce| {
            let expected = crypto::commitment(&state.id, round, attempt, player, nonce);
            commits.iter().find(|(c, _)| *c == expected).map(|(_, actions)| (*nonce, actions.clone()))
        });
        let (nonce, actions) = matched.ok_or(ReplayError::RevealMismatch { round, attempt, player: *player })?;
        nonces.push((*player, nonce));
        revealed.push(Revealed { player: *player, nonce, actions });
    }
    let dice = crypto::dice(&state.id, round, attempt, &nonces);
    let (next, effects) = state
        .play_round(round, dice, &revealed, &view.withheld)
        .map_err(|source| ReplayError::Play { round, source })?;
    if next.hash != view.hash {
        return Err(ReplayError::HashMismatch {
            round,
            journal: hex::encode(view.hash),
            recomputed: hex::encode(next.hash),
        });
    }
    let house_delta = next.book.balance(&Account::House) - state.book.balance(&Account::House);
    let mut withheld = view.withheld.clone();
    withheld.sort();
    let replayed = ReplayedRound {
        round,
        attempt,
        dice: (dice.d1(), dice.d2()),
        state_hash: next.hash,
        withheld,
        settlements: effects.outcome.as_ref().map_or(0, |o| o.resolutions.len()),
        house_delta,
    };
    Ok((replayed, next))
}

/// The view signed by a quorum of the players seated at the round's start (the best supported one, then the
/// earliest attempt, if a byzantine minority managed two).
fn quorum_view(
    state: &TableState,
    messages: &RoundMessages,
    config: &ConsensusConfig,
) -> Result<SignedView, ReplayError> {
    let seated = state.players.len();
    let needed = config.quorum(seated);
    let support = |signers: &BTreeSet<NodeId>| signers.iter().filter(|s| state.players.contains_key(s)).count();
    let best = messages
        .sigs
        .iter()
        .map(|(view, signers)| (support(signers), view))
        .max_by(|(a, va), (b, vb)| a.cmp(b).then_with(|| vb.attempt.cmp(&va.attempt)));
    match best {
        Some((count, view)) if count >= needed => Ok(view.clone()),
        _ => Err(ReplayError::NoQuorum {
            round: state.round(),
            best: best.map_or(0, |(count, _)| count),
            needed,
            seated,
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use bitcraps_rules::BetKind;

    use super::*;
    use crate::machine::FinalRound;
    use crate::sim_tests::{Sim, TABLE};

    /// Four players, everyone joined, then `rounds` rounds of field and pass bets.
    fn played(rounds: usize) -> Sim {
        let mut sim = Sim::new(4);
        sim.run(1_000);
        for i in 0..rounds {
            sim.bet_all(if i % 2 == 0 { BetKind::Field } else { BetKind::Pass }, 10);
            sim.run(sim.now + 150);
        }
        sim
    }

    /// What node 0 would journal: the advert, then every final round's messages.
    fn journal(sim: &Sim) -> Vec<SignedMessage> {
        std::iter::once(sim.advert()).chain(sim.finals[0].iter().flat_map(|f| f.messages.clone())).collect()
    }

    fn kind_and_round(signed: &SignedMessage) -> (&'static str, u64) {
        match signed.decode_unverified().unwrap().payload {
            Payload::Commit { round, .. } => ("commit", round),
            Payload::Reveal { round, .. } => ("reveal", round),
            Payload::StateSig { round, .. } => ("state_sig", round),
            Payload::TableAdvert { .. } => ("table_advert", 0),
        }
    }

    fn assert_matches(replayed: &[ReplayedRound], finals: &[FinalRound]) {
        assert_eq!(replayed.len(), finals.len());
        for (r, f) in replayed.iter().zip(finals) {
            assert_eq!((r.round, r.attempt), (f.round, f.attempt));
            assert_eq!(r.dice, (f.dice.d1(), f.dice.d2()), "round {}", r.round);
            assert_eq!(r.state_hash, f.next.hash, "round {}", r.round);
            assert_eq!(r.withheld, f.view.withheld);
            assert_eq!(r.settlements, f.effects.outcome.as_ref().map_or(0, |o| o.resolutions.len()));
        }
    }

    #[test]
    fn twenty_rounds_replay_to_the_same_dice_and_hashes() {
        let sim = played(20);
        assert!(sim.finals[0].len() >= 20, "{} rounds", sim.finals[0].len());
        let replayed = replay_table(TABLE, journal(&sim), &ConsensusConfig::default()).unwrap();
        assert_matches(&replayed, &sim.finals[0]);
        assert!(replayed.iter().any(|r| r.settlements > 0), "bets were settled");
        let house: i64 = replayed.iter().map(|r| r.house_delta).sum();
        assert_eq!(house, sim.machines[0].state().book.balance(&Account::House));
    }

    #[test]
    fn duplicates_other_tables_and_any_order_change_nothing() {
        let sim = played(5);
        let messages = journal(&sim);
        let expected = replay_table(TABLE, messages.clone(), &ConsensusConfig::default()).unwrap();
        let mut shuffled: Vec<SignedMessage> = messages.iter().rev().chain(messages.iter()).cloned().collect();
        // Another table's advert, with a signature that would not even verify: skipped unread.
        let mut foreign = sim.advert().decode_unverified().unwrap();
        if let Payload::TableAdvert { table, .. } = &mut foreign.payload {
            *table = TableId([1; 16]);
        }
        shuffled.insert(0, SignedMessage::sign(&foreign, &sim.keys[1]));
        let replayed = replay_table(TABLE, shuffled, &ConsensusConfig::default()).unwrap();
        assert_eq!(replayed, expected);
    }

    #[test]
    fn a_withholder_is_replayed_as_withheld() {
        let mut sim = played(1);
        sim.withholding.push(3);
        sim.run(sim.now + 3_000);
        let bad = sim.id(3);
        let replayed = replay_table(TABLE, journal(&sim), &ConsensusConfig::default()).unwrap();
        assert_matches(&replayed, &sim.finals[0]);
        assert!(replayed.iter().any(|r| r.withheld == vec![bad]));
    }

    #[test]
    fn a_tampered_reveal_is_named_with_its_round() {
        let sim = played(6);
        let mut messages = journal(&sim);
        let at = messages.iter().position(|m| kind_and_round(m) == ("reveal", 4)).unwrap();
        let mut message = messages[at].decode_unverified().unwrap();
        let Payload::Reveal { nonce, .. } = &mut message.payload else { unreachable!() };
        nonce[0] ^= 1;
        let signer = sim.keys.iter().find(|k| k.verifying_key().to_bytes() == message.origin.0).unwrap();
        messages[at] = SignedMessage::sign(&message, signer);
        let err = replay_table(TABLE, messages.clone(), &ConsensusConfig::default()).unwrap_err();
        assert!(matches!(err, ReplayError::RevealMismatch { round: 4, .. }), "{err}");
        assert!(err.to_string().contains("round 4"), "{err}");
        // Changed without re-signing, it fails the signature check.
        messages[at].bytes = postcard::to_stdvec(&message).unwrap();
        messages[at].signature = sim.finals[0][0].messages[0].signature;
        let err = replay_table(TABLE, messages, &ConsensusConfig::default()).unwrap_err();
        assert!(matches!(err, ReplayError::BadSignature { kind: "reveal", .. }), "{err}");
    }

    #[test]
    fn dropped_state_signatures_leave_a_round_without_quorum() {
        let sim = played(6);
        let mut messages = journal(&sim);
        // Four seated players need three signatures: keep two of round 3's.
        let mut kept = 0;
        messages.retain(|m| {
            if kind_and_round(m) != ("state_sig", 3) {
                return true;
            }
            kept += 1;
            kept <= 2
        });
        let err = replay_table(TABLE, messages, &ConsensusConfig::default()).unwrap_err();
        assert!(matches!(err, ReplayError::NoQuorum { round: 3, best: 2, needed: 3, seated: 4 }), "{err}");
    }

    #[test]
    fn a_missing_advert_a_wrong_hash_and_a_gap_are_named() {
        let sim = played(4);
        let messages = journal(&sim);
        let err = replay_table(TABLE, messages[1..].to_vec(), &ConsensusConfig::default()).unwrap_err();
        assert!(matches!(err, ReplayError::MissingAdvert { .. }), "{err}");
        let gap: Vec<SignedMessage> = messages.iter().filter(|m| kind_and_round(m).1 != 2).cloned().collect();
        let err = replay_table(TABLE, gap, &ConsensusConfig::default()).unwrap_err();
        assert!(matches!(err, ReplayError::MissingRound { round: 2, next: 3 }), "{err}");
        // Every signature of round 1 re-signed on another hash: a quorum signed a state the rules do not give.
        let forged: Vec<SignedMessage> = messages
            .iter()
            .map(|m| {
                let mut message = m.decode_unverified().unwrap();
                match &mut message.payload {
                    Payload::StateSig { round: 1, state_hash, .. } => state_hash[0] ^= 1,
                    _ => return m.clone(),
                }
                let signer = sim.keys.iter().find(|k| k.verifying_key().to_bytes() == message.origin.0).unwrap();
                SignedMessage::sign(&message, signer)
            })
            .collect();
        let err = replay_table(TABLE, forged, &ConsensusConfig::default()).unwrap_err();
        assert!(matches!(err, ReplayError::HashMismatch { round: 1, .. }), "{err}");
        assert!(err.to_string().starts_with("hash mismatch at round 1: journal says "), "{err}");
    }
}
