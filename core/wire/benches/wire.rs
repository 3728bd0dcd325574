//! The wire format's hot paths: an origin signing and encoding a commit, a receiver decoding and verifying it, and
//! a relay parsing the flood frame it arrives in. `cargo bench -p bitcraps-wire --bench wire`.

use std::hint::black_box;

use bitcraps_rules::{BetKind, Point};
use bitcraps_wire::{Action, Envelope, MeshFrame, Message, NodeId, Payload, SignedMessage, TableId};
use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::SigningKey;

fn commit(key: &SigningKey) -> Message {
    Message {
        version: bitcraps_wire::PROTOCOL_VERSION,
        origin: NodeId(key.verifying_key().to_bytes()),
        timestamp_ms: 1_780_000_000_000,
        payload: Payload::Commit {
            table: TableId([7; 16]),
            round: 12,
            attempt: 0,
            commitment: [0xc0; 32],
            actions: vec![
                Action::Bet { kind: BetKind::Pass, amount: 25 },
                Action::Bet { kind: BetKind::PassOdds, amount: 50 },
                Action::Bet { kind: BetKind::Place(Point::Six), amount: 30 },
            ],
        },
    }
}

fn wire(c: &mut Criterion) {
    let key = SigningKey::from_bytes(&[1; 32]);
    let message = commit(&key);
    let signed = SignedMessage::sign(&message, &key);
    let frame =
        MeshFrame::Flood(Envelope { ttl: 7, hop_sent_us: 1_780_000_000_000_000, message: signed.clone() }).encode();

    c.bench_function("sign+encode commit (3 bets)", |b| b.iter(|| SignedMessage::sign(black_box(&message), &key)));
    c.bench_function("decode+verify commit (3 bets)", |b| b.iter(|| black_box(&signed).verify()));
    c.bench_function("MeshFrame::decode flood", |b| b.iter(|| MeshFrame::decode(black_box(&frame))));
}

criterion_group!(benches, wire);
criterion_main!(benches);
