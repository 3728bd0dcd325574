//! What the decoder and verifier refuse, with the exact error each time.

use bitcraps_wire::message::{MAX_ACTIONS, MAX_SYNC_MESSAGES};
use bitcraps_wire::{Action, DecodeError, Envelope, MeshFrame, Message, Payload, SignedMessage};
use ed25519_dalek::Signer;

use crate::fixtures::{self, key, message};

fn commit_with(actions: usize) -> Payload {
    Payload::Commit {
        table: fixtures::table(),
        round: 1,
        attempt: 0,
        commitment: [9; 32],
        actions: vec![Action::Leave; actions],
    }
}

/// Signs `bytes` as they are (for messages `SignedMessage::sign` would never produce).
fn sign_raw(bytes: Vec<u8>, seed: u8) -> SignedMessage {
    let signature = key(seed).sign(&bytes);
    SignedMessage { bytes, signature }
}

fn is_trailing(error: &DecodeError) -> bool {
    matches!(error, DecodeError::Malformed(text) if text.contains("trailing"))
}

#[test]
fn a_message_signed_by_a_but_claiming_origin_b_is_refused() {
    let (a, b) = (key(1), key(2));
    let claims_b = message(&b, fixtures::reveal());
    let forged = SignedMessage::sign(&claims_b, &a);
    assert_eq!(forged.decode_unverified(), Ok(claims_b), "it decodes: only the signature tells");
    assert_eq!(forged.verify(), Err(DecodeError::BadSignature));
    assert_eq!(DecodeError::BadSignature.reason(), "bad_signature");
}

#[test]
fn an_origin_that_is_not_a_curve_point_is_a_bad_key() {
    // About half of all y coordinates have no point on the curve; take the first such encoding.
    let not_a_point = (0..=u8::MAX)
        .map(|y| {
            let mut bytes = [0u8; 32];
            bytes[0] = y;
            bytes
        })
        .find(|bytes| ed25519_dalek::VerifyingKey::from_bytes(bytes).is_err())
        .unwrap();
    let mut bad = message(&key(1), fixtures::reveal());
    bad.origin = bitcraps_wire::NodeId(not_a_point);
    assert_eq!(SignedMessage::sign(&bad, &key(1)).verify(), Err(DecodeError::BadKey));
}

#[test]
fn trailing_bytes_after_a_frame_are_refused() {
    for frame in fixtures::every_frame() {
        let mut bytes = frame.encode();
        bytes.push(0);
        let error = MeshFrame::decode(&bytes).unwrap_err();
        assert!(is_trailing(&error), "{error:?}");
        assert_eq!(error.reason(), "malformed");
    }
}

#[test]
fn trailing_bytes_after_signed_message_bytes_are_refused_even_when_signed() {
    let mut bytes = SignedMessage::sign(&message(&key(1), fixtures::reveal()), &key(1)).bytes;
    bytes.extend_from_slice(b"extra");
    let error = sign_raw(bytes, 1).verify().unwrap_err();
    assert!(is_trailing(&error), "{error:?}");
}

#[test]
fn truncated_frames_are_malformed() {
    for frame in fixtures::every_frame() {
        let bytes = frame.encode();
        for len in 0..bytes.len() {
            assert!(matches!(MeshFrame::decode(&bytes[..len]), Err(DecodeError::Malformed(_))), "{frame:?} at {len}");
        }
    }
}

#[test]
fn an_unknown_frame_tag_is_malformed() {
    let mut bytes = MeshFrame::SyncRequest { table: fixtures::table(), from_round: 3 }.encode();
    assert_eq!(bytes[0], 1, "SyncRequest is tag 1");
    bytes[0] = 3;
    assert!(matches!(MeshFrame::decode(&bytes), Err(DecodeError::Malformed(_))));
}

#[test]
fn another_version_is_refused_as_unsupported() {
    let k = key(1);
    for version in [0, 2, u8::MAX] {
        let other = Message { version, ..message(&k, fixtures::reveal()) };
        let signed = SignedMessage::sign(&other, &k);
        assert_eq!(signed.verify(), Err(DecodeError::UnsupportedVersion(version)));
        assert_eq!(signed.decode_unverified(), Err(DecodeError::UnsupportedVersion(version)));
    }
    assert_eq!(DecodeError::UnsupportedVersion(2).reason(), "version");
}

#[test]
fn another_version_is_recognised_even_when_its_layout_differs() {
    // A future version may lay its fields out differently: the version byte alone decides.
    let signed = sign_raw(vec![2, 0xff, 0xff, 0xff], 1);
    assert_eq!(signed.verify(), Err(DecodeError::UnsupportedVersion(2)));
    let empty = sign_raw(Vec::new(), 1);
    assert!(matches!(empty.verify(), Err(DecodeError::Malformed(_))));
}

#[test]
fn a_commit_with_more_than_max_actions_is_refused() {
    let k = key(1);
    let at_max = SignedMessage::sign(&message(&k, commit_with(MAX_ACTIONS)), &k);
    assert!(at_max.verify().is_ok());
    let over = SignedMessage::sign(&message(&k, commit_with(MAX_ACTIONS + 1)), &k);
    let expected = DecodeError::TooMany { what: "actions", count: MAX_ACTIONS + 1, max: MAX_ACTIONS };
    assert_eq!(over.verify(), Err(expected.clone()));
    assert_eq!(over.decode_unverified(), Err(expected));
}

#[test]
fn a_sync_response_with_more_than_max_messages_is_refused() {
    let k = key(1);
    let one = SignedMessage::sign(&message(&k, fixtures::reveal()), &k);
    let response = |n: usize| MeshFrame::SyncResponse { table: fixtures::table(), messages: vec![one.clone(); n] };
    let at_max = response(MAX_SYNC_MESSAGES);
    assert_eq!(MeshFrame::decode(&at_max.encode()), Ok(at_max));
    assert_eq!(
        MeshFrame::decode(&response(MAX_SYNC_MESSAGES + 1).encode()),
        Err(DecodeError::TooMany { what: "sync messages", count: MAX_SYNC_MESSAGES + 1, max: MAX_SYNC_MESSAGES })
    );
}

#[test]
fn a_flood_with_ttl_zero_is_malformed() {
    let MeshFrame::Flood(envelope) = fixtures::flood(fixtures::reveal()) else { unreachable!() };
    let dead = MeshFrame::Flood(Envelope { ttl: 0, ..envelope.clone() });
    assert!(matches!(MeshFrame::decode(&dead.encode()), Err(DecodeError::Malformed(text)) if text.contains("ttl")));
    let last_hop = MeshFrame::Flood(Envelope { ttl: 1, ..envelope });
    assert!(MeshFrame::decode(&last_hop.encode()).is_ok());
}

#[test]
fn forwarding_decrements_the_ttl_and_stops_at_one() {
    let MeshFrame::Flood(envelope) = fixtures::flood(fixtures::reveal()) else { unreachable!() };
    let with = |ttl| Envelope { ttl, ..envelope.clone() };
    assert_eq!(with(7).forward_ttl(), Some(6));
    assert_eq!(with(2).forward_ttl(), Some(1));
    assert_eq!(with(1).forward_ttl(), None);
    assert_eq!(with(0).forward_ttl(), None);
}

#[test]
fn the_signature_covers_the_origin_timestamp_and_payload() {
    let k = key(1);
    let signed = SignedMessage::sign(&message(&k, fixtures::commit_with_three_bets()), &k);
    let other_bytes = SignedMessage::sign(&Message { timestamp_ms: 1, ..message(&k, fixtures::reveal()) }, &k).bytes;
    let swapped = SignedMessage { bytes: other_bytes, signature: signed.signature };
    assert_eq!(swapped.verify(), Err(DecodeError::BadSignature));
}
