//! Every frame, payload and action variant survives encode → decode → verify unchanged.

use bitcraps_wire::{MeshFrame, SignedMessage};
use proptest::prelude::*;

use crate::fixtures::{self, key, message};

#[test]
fn the_samples_cover_every_variant() {
    let mut actions = vec![false; fixtures::ACTION_VARIANTS];
    fixtures::every_action().iter().for_each(|a| actions[fixtures::action_variant(a)] = true);
    let mut payloads = vec![false; fixtures::PAYLOAD_VARIANTS];
    fixtures::every_payload().iter().for_each(|p| payloads[fixtures::payload_variant(p)] = true);
    let mut frames = vec![false; fixtures::FRAME_VARIANTS];
    fixtures::every_frame().iter().for_each(|f| frames[fixtures::frame_variant(f)] = true);
    assert!(actions.iter().all(|&seen| seen), "actions seen: {actions:?}");
    assert!(payloads.iter().all(|&seen| seen), "payloads seen: {payloads:?}");
    assert!(frames.iter().all(|&seen| seen), "frames seen: {frames:?}");
}

#[test]
fn every_frame_variant_round_trips() {
    for frame in fixtures::every_frame() {
        let bytes = frame.encode();
        assert_eq!(MeshFrame::decode(&bytes), Ok(frame.clone()), "{frame:?}");
    }
}

#[test]
fn every_payload_variant_round_trips_through_signing() {
    let key = key(3);
    for payload in fixtures::every_payload() {
        let sent = message(&key, payload);
        let signed = SignedMessage::sign(&sent, &key);
        assert_eq!(signed.verify(), Ok(sent.clone()));
        assert_eq!(signed.decode_unverified(), Ok(sent));
    }
}

#[test]
fn messages_inside_a_sync_response_verify_after_the_trip() {
    let frame = fixtures::every_frame().pop().unwrap();
    let MeshFrame::SyncResponse { messages, .. } = MeshFrame::decode(&frame.encode()).unwrap() else {
        panic!("not a sync response");
    };
    assert_eq!(messages.len(), fixtures::every_payload().len());
    for (signed, payload) in messages.iter().zip(fixtures::every_payload()) {
        assert_eq!(signed.verify().unwrap().payload, payload);
    }
}

#[test]
fn the_id_is_the_sha256_of_the_signed_bytes_and_survives_relaying() {
    let MeshFrame::Flood(sent) = fixtures::flood(fixtures::reveal()) else { unreachable!() };
    let MeshFrame::Flood(relayed) = MeshFrame::decode(&MeshFrame::Flood(sent.clone()).encode()).unwrap() else {
        panic!("not a flood");
    };
    assert_eq!(relayed.message.id(), sent.message.id());
    use sha2::Digest;
    assert_eq!(relayed.message.id().0, <[u8; 32]>::from(sha2::Sha256::digest(&sent.message.bytes)));
    // Another signature over other bytes is another id.
    let other = SignedMessage::sign(&message(&key(1), fixtures::state_sig()), &key(1));
    assert_ne!(other.id(), sent.message.id());
}

proptest! {
    #[test]
    fn any_frame_round_trips(frame in fixtures::arb_frame()) {
        prop_assert_eq!(MeshFrame::decode(&frame.encode()), Ok(frame));
    }

    #[test]
    fn any_signed_message_verifies_as_itself((sent, signed) in fixtures::arb_signed()) {
        prop_assert_eq!(signed.verify(), Ok(sent));
    }
}
