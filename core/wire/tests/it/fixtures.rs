//! Keys, typical messages, one value of every variant, and proptest strategies shared by the tests.

use bitcraps_rules::{BetKind, TableRules};
use bitcraps_wire::{Action, Envelope, MeshFrame, Message, NodeId, Payload, SignedMessage, TableId, TableParams};
use ed25519_dalek::SigningKey;
use proptest::prelude::*;

/// A deterministic key (tests must not depend on randomness they cannot replay).
pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// The node id of `key`.
pub fn id(key: &SigningKey) -> NodeId {
    NodeId(key.verifying_key().to_bytes())
}

/// A realistic origin timestamp (2026, Unix milliseconds).
pub const NOW_MS: u64 = 1_780_000_000_000;

/// A realistic hop send time (Unix microseconds).
pub const NOW_US: u64 = NOW_MS * 1000;

pub fn table() -> TableId {
    TableId::derive(&id(&key(1)), NOW_MS, &[7; 16])
}

pub fn params() -> TableParams {
    TableParams { rules: TableRules::default(), roll_interval_ms: 5_000, max_buy_in: 10_000, max_seats: 8 }
}

/// A message from `key` with `payload`, at [`NOW_MS`].
pub fn message(key: &SigningKey, payload: Payload) -> Message {
    Message { version: bitcraps_wire::PROTOCOL_VERSION, origin: id(key), timestamp_ms: NOW_MS, payload }
}

/// A typical commit: round 12, first attempt, three bets.
pub fn commit_with_three_bets() -> Payload {
    Payload::Commit {
        table: table(),
        round: 12,
        attempt: 0,
        commitment: [0xc0; 32],
        actions: vec![
            Action::Bet { kind: BetKind::Pass, amount: 25 },
            Action::Bet { kind: BetKind::PassOdds, amount: 50 },
            Action::Bet { kind: BetKind::Field, amount: 10 },
        ],
    }
}

/// A typical reveal.
pub fn reveal() -> Payload {
    Payload::Reveal { table: table(), round: 12, attempt: 0, nonce: [0x5e; 32] }
}

/// A typical state signature at a four-player table where everyone revealed.
pub fn state_sig() -> Payload {
    Payload::StateSig {
        table: table(),
        round: 12,
        attempt: 0,
        state_hash: [0xab; 32],
        revealers: (1..=4).map(|s| id(&key(s))).collect(),
        withheld: Vec::new(),
    }
}

/// A typical table advert.
pub fn table_advert() -> Payload {
    Payload::TableAdvert { table: table(), params: params(), host_buy_in: 1_000, created_ms: NOW_MS, round: 12 }
}

/// A flood frame of `payload` signed by key 1, as its origin sends it.
pub fn flood(payload: Payload) -> MeshFrame {
    let key = key(1);
    MeshFrame::Flood(Envelope {
        ttl: 7,
        hop_sent_us: NOW_US,
        message: SignedMessage::sign(&message(&key, payload), &key),
    })
}

/// Which variant an action is. Exhaustive on purpose: a new variant does not compile until it has a sample.
pub const fn action_variant(action: &Action) -> usize {
    match action {
        Action::Join { .. } => 0,
        Action::Leave => 1,
        Action::Bet { .. } => 2,
        Action::RemoveBet { .. } => 3,
    }
}
pub const ACTION_VARIANTS: usize = 4;

/// Which variant a payload is (exhaustive, as [`action_variant`]).
pub const fn payload_variant(payload: &Payload) -> usize {
    match payload {
        Payload::TableAdvert { .. } => 0,
        Payload::Commit { .. } => 1,
        Payload::Reveal { .. } => 2,
        Payload::StateSig { .. } => 3,
    }
}
pub const PAYLOAD_VARIANTS: usize = 4;

/// Which variant a frame is (exhaustive, as [`action_variant`]).
pub const fn frame_variant(frame: &MeshFrame) -> usize {
    match frame {
        MeshFrame::Flood(_) => 0,
        MeshFrame::SyncRequest { .. } => 1,
        MeshFrame::SyncResponse { .. } => 2,
    }
}
pub const FRAME_VARIANTS: usize = 3;

/// One action of every variant, bets of every kind.
pub fn every_action() -> Vec<Action> {
    let mut actions = vec![Action::Join { buy_in: 1_000 }, Action::Leave, Action::RemoveBet { bet_id: u64::MAX }];
    actions.extend(BetKind::all().into_iter().map(|kind| Action::Bet { kind, amount: 5 }));
    actions
}

/// One payload of every variant (and commits carrying every action, at most `MAX_ACTIONS` each).
pub fn every_payload() -> Vec<Payload> {
    let mut payloads = vec![table_advert(), commit_with_three_bets(), reveal(), state_sig()];
    payloads.extend(every_action().chunks(bitcraps_wire::message::MAX_ACTIONS).map(|actions| Payload::Commit {
        table: table(),
        round: 0,
        attempt: 3,
        commitment: [1; 32],
        actions: actions.to_vec(),
    }));
    payloads
}

/// One frame of every variant (floods of every payload; a sync response carrying one of each).
pub fn every_frame() -> Vec<MeshFrame> {
    let key = key(2);
    let signed: Vec<SignedMessage> =
        every_payload().into_iter().map(|p| SignedMessage::sign(&message(&key, p), &key)).collect();
    let mut frames: Vec<MeshFrame> = every_payload().into_iter().map(flood).collect();
    frames.push(MeshFrame::SyncRequest { table: table(), from_round: 0 });
    frames.push(MeshFrame::SyncRequest { table: table(), from_round: u64::MAX });
    frames.push(MeshFrame::SyncResponse { table: table(), messages: Vec::new() });
    frames.push(MeshFrame::SyncResponse { table: table(), messages: signed });
    frames
}

pub fn arb_table() -> impl Strategy<Value = TableId> {
    any::<[u8; 16]>().prop_map(TableId)
}

/// Any 32 bytes (deriving real keys is slow in debug builds, and a listed node need not be a valid point).
pub fn arb_node() -> impl Strategy<Value = NodeId> {
    any::<[u8; 32]>().prop_map(NodeId)
}

pub fn arb_action() -> impl Strategy<Value = Action> {
    let kinds = BetKind::all();
    prop_oneof![
        any::<u64>().prop_map(|buy_in| Action::Join { buy_in }),
        Just(Action::Leave),
        (proptest::sample::select(kinds), any::<u64>()).prop_map(|(kind, amount)| Action::Bet { kind, amount }),
        any::<u64>().prop_map(|bet_id| Action::RemoveBet { bet_id }),
    ]
}

pub fn arb_payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        (arb_table(), any::<u32>(), any::<u64>(), any::<u8>(), any::<u64>(), any::<u64>(), any::<u64>()).prop_map(
            |(table, roll_interval_ms, max_buy_in, max_seats, host_buy_in, created_ms, round)| Payload::TableAdvert {
                table,
                params: TableParams { rules: TableRules::default(), roll_interval_ms, max_buy_in, max_seats },
                host_buy_in,
                created_ms,
                round,
            }
        ),
        (
            arb_table(),
            any::<u64>(),
            any::<u32>(),
            any::<[u8; 32]>(),
            proptest::collection::vec(arb_action(), 0..=bitcraps_wire::message::MAX_ACTIONS)
        )
            .prop_map(|(table, round, attempt, commitment, actions)| Payload::Commit {
                table,
                round,
                attempt,
                commitment,
                actions
            }),
        (arb_table(), any::<u64>(), any::<u32>(), any::<[u8; 32]>())
            .prop_map(|(table, round, attempt, nonce)| Payload::Reveal { table, round, attempt, nonce }),
        (
            arb_table(),
            any::<u64>(),
            any::<u32>(),
            any::<[u8; 32]>(),
            proptest::collection::vec(arb_node(), 0..8),
            proptest::collection::vec(arb_node(), 0..8)
        )
            .prop_map(|(table, round, attempt, state_hash, revealers, withheld)| Payload::StateSig {
                table,
                round,
                attempt,
                state_hash,
                revealers,
                withheld
            }),
    ]
}

/// A signing key seed and a message whose origin is that key, at any time.
pub fn arb_signed() -> impl Strategy<Value = (Message, SignedMessage)> {
    (any::<u8>(), any::<u64>(), arb_payload()).prop_map(|(seed, timestamp_ms, payload)| {
        let key = key(seed);
        let message = Message { timestamp_ms, ..message(&key, payload) };
        let signed = SignedMessage::sign(&message, &key);
        (message, signed)
    })
}

pub fn arb_frame() -> impl Strategy<Value = MeshFrame> {
    prop_oneof![
        (1..=u8::MAX, any::<u64>(), arb_signed())
            .prop_map(|(ttl, hop_sent_us, (_, message))| MeshFrame::Flood(Envelope { ttl, hop_sent_us, message })),
        (arb_table(), any::<u64>()).prop_map(|(table, from_round)| MeshFrame::SyncRequest { table, from_round }),
        (arb_table(), proptest::collection::vec(arb_signed().prop_map(|(_, s)| s), 0..4))
            .prop_map(|(table, messages)| MeshFrame::SyncResponse { table, messages }),
    ]
}
