//! Fuzz target `message`: arbitrary bytes as one decrypted frame's `MeshFrame`. Decoding must not panic; a frame
//! that decodes must re-encode to bytes that decode to the same value; a flooded (or synced) message goes
//! through signature verification, and one that verifies must agree with its unverified decoding.

#![no_main]

use bitcraps_wire::{MeshFrame, SignedMessage};
use libfuzzer_sys::fuzz_target;

fn check(signed: &SignedMessage) {
    if let Ok(message) = signed.verify() {
        assert_eq!(signed.decode_unverified().ok(), Some(message));
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(frame) = MeshFrame::decode(data) else { return };
    let again = MeshFrame::decode(&frame.encode());
    assert_eq!(again.as_ref(), Ok(&frame), "re-encoding changed the frame");
    match &frame {
        MeshFrame::Flood(envelope) => check(&envelope.message),
        MeshFrame::SyncResponse { messages, .. } => messages.iter().for_each(check),
        MeshFrame::SyncRequest { .. } => {}
    }
});
