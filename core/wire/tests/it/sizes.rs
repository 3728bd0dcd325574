//! Encoded sizes of typical messages, pinned so `docs/protocol.md` (section 3.6) stays true. Run with
//! `--nocapture` to print them.

use bitcraps_wire::MeshFrame;

use crate::fixtures;

/// (what, signed message bytes, whole flood frame bytes) as documented.
const DOCUMENTED: [(&str, usize, usize); 4] = [
    ("table_advert", 76, 151),
    ("commit (3 bets)", 100, 175),
    ("reveal", 90, 165),
    ("state_sig (4 revealers)", 220, 296),
];

#[test]
fn typical_sizes_are_the_documented_ones() {
    let payloads =
        [fixtures::table_advert(), fixtures::commit_with_three_bets(), fixtures::reveal(), fixtures::state_sig()];
    let mut measured = Vec::new();
    for ((what, _, _), payload) in DOCUMENTED.iter().zip(payloads) {
        let frame = fixtures::flood(payload);
        let MeshFrame::Flood(envelope) = &frame else { unreachable!() };
        let (message, whole) = (envelope.message.bytes.len(), frame.encode().len());
        println!("{what:<24} signed message {message:>4} B, flood frame {whole:>4} B");
        measured.push((*what, message, whole));
    }
    let request = MeshFrame::SyncRequest { table: fixtures::table(), from_round: 12 }.encode().len();
    println!("{:<24} {request:>4} B", "sync_request");
    assert_eq!(measured, DOCUMENTED);
    assert_eq!(request, 18);
}
