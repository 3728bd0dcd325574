//! Properties over arbitrary input: decoding and verifying never panic, and no single bit of a signed message
//! can change without `verify` noticing.

use std::sync::LazyLock;

use bitcraps_wire::{DecodeError, MeshFrame, SignedMessage};
use ed25519_dalek::Signature;
use proptest::prelude::*;

use crate::fixtures;

/// Every frame variant, encoded once (signing them per case would dominate the run).
static ENCODED_FRAMES: LazyLock<Vec<Vec<u8>>> =
    LazyLock::new(|| fixtures::every_frame().iter().map(MeshFrame::encode).collect());

proptest! {
    // Cheap: no signing.
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_the_frame_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = MeshFrame::decode(&bytes);
    }

    #[test]
    fn mutated_real_frames_never_panic_the_decoder(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = pick.get(&ENCODED_FRAMES).clone();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        if let Ok(MeshFrame::Flood(envelope)) = MeshFrame::decode(&bytes) {
            let _ = envelope.message.verify();
        }
    }

    #[test]
    fn arbitrary_signed_messages_never_panic_verify(
        bytes in proptest::collection::vec(any::<u8>(), 0..1024),
        signature in proptest::collection::vec(any::<u8>(), 64),
    ) {
        let signature = Signature::from_slice(&signature).unwrap();
        let signed = SignedMessage { bytes, signature };
        prop_assert!(signed.verify().is_err(), "a random signature over random bytes cannot verify");
    }

}

proptest! {
    // Each case signs and verifies (slow in debug builds); every bit of one message is flipped below as well.
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn mutated_real_messages_never_panic_verify(
        (_, signed) in fixtures::arb_signed(),
        at in any::<prop::sample::Index>(),
        value in any::<u8>(),
    ) {
        let mut signed = signed;
        let i = at.index(signed.bytes.len());
        let changed = signed.bytes[i] != value;
        signed.bytes[i] = value;
        prop_assert_eq!(signed.verify().is_ok(), !changed);
    }

    #[test]
    fn any_single_bit_flip_in_the_signed_bytes_fails_verify(
        (_, signed) in fixtures::arb_signed(),
        bit in any::<prop::sample::Index>(),
    ) {
        let mut flipped = signed.clone();
        let bit = bit.index(flipped.bytes.len() * 8);
        flipped.bytes[bit / 8] ^= 1 << (bit % 8);
        let error = flipped.verify().unwrap_err();
        // When the flipped bytes still decode, only the signature can tell.
        if flipped.decode_unverified().is_ok() {
            prop_assert!(matches!(error, DecodeError::BadSignature | DecodeError::BadKey), "{error:?}");
        }
    }

    #[test]
    fn any_single_bit_flip_in_the_signature_fails_verify(
        (_, signed) in fixtures::arb_signed(),
        bit in 0usize..512,
    ) {
        let mut bytes = signed.signature.to_bytes();
        bytes[bit / 8] ^= 1 << (bit % 8);
        let flipped = SignedMessage { signature: Signature::from_bytes(&bytes), ..signed };
        prop_assert_eq!(flipped.verify(), Err(DecodeError::BadSignature));
    }
}

#[test]
fn every_byte_of_a_typical_commit_is_covered_by_its_signature() {
    let MeshFrame::Flood(envelope) = fixtures::flood(fixtures::commit_with_three_bets()) else { unreachable!() };
    let signed = envelope.message;
    // One bit in every byte (bit i % 8 of byte i): a verify costs milliseconds in a debug build.
    for bit in (0..signed.bytes.len() + 64).map(|byte| byte * 8 + byte % 8) {
        let mut flipped = signed.clone();
        if bit < signed.bytes.len() * 8 {
            flipped.bytes[bit / 8] ^= 1 << (bit % 8);
        } else {
            let b = bit - signed.bytes.len() * 8;
            let mut sig = signed.signature.to_bytes();
            sig[b / 8] ^= 1 << (b % 8);
            flipped.signature = Signature::from_bytes(&sig);
        }
        assert!(flipped.verify().is_err(), "bit {bit} flipped unnoticed");
    }
}
