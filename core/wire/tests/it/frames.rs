//! Framing: `frame::encode` and `FrameReader` agree; oversized, empty and partial frames are handled.

use bitcraps_wire::frame::{self, ABSOLUTE_MAX_LEN, FrameError, FrameReader, HEADER_LEN};
use proptest::prelude::*;

fn encoded(bodies: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for body in bodies {
        frame::encode(body, &mut out).unwrap();
    }
    out
}

#[test]
fn a_header_above_max_is_refused_without_consuming_anything() {
    let bytes = encoded(&[&[1; 100]]);
    let mut reader = FrameReader::new(&bytes, 99);
    assert_eq!(reader.next_frame(), Err(FrameError::TooLarge { len: 100, max: 99 }));
    assert_eq!(reader.remaining(), &bytes[..], "nothing consumed");
    // Refused from the header alone: the body need not even be there.
    let mut header_only = FrameReader::new(&[0xff, 0xff], 16 * 1024);
    assert_eq!(header_only.next_frame(), Err(FrameError::TooLarge { len: 65_535, max: 16 * 1024 }));
    assert_eq!(header_only.remaining(), &[0xff, 0xff]);
}

#[test]
fn a_frame_of_exactly_max_is_accepted() {
    let bytes = encoded(&[&[1; 100]]);
    assert_eq!(FrameReader::new(&bytes, 100).next_frame(), Ok(Some(&[1u8; 100][..])));
}

#[test]
fn an_empty_frame_is_refused() {
    let mut reader = FrameReader::new(&[0, 0, 1], 10);
    assert_eq!(reader.next_frame(), Err(FrameError::Empty));
    assert_eq!(frame::encode(&[], &mut Vec::new()), Err(FrameError::Empty));
}

#[test]
fn encode_refuses_a_body_no_header_can_announce() {
    let mut out = Vec::new();
    assert_eq!(
        frame::encode(&vec![0; ABSOLUTE_MAX_LEN + 1], &mut out),
        Err(FrameError::TooLarge { len: ABSOLUTE_MAX_LEN + 1, max: ABSOLUTE_MAX_LEN })
    );
    assert!(out.is_empty(), "nothing written on refusal");
    frame::encode(&vec![0; ABSOLUTE_MAX_LEN], &mut out).unwrap();
    assert_eq!(&out[..HEADER_LEN], &[0xff, 0xff]);
}

#[test]
fn partial_frames_wait_for_more_bytes() {
    let bytes = encoded(&[b"hello", b"world!"]);
    // Every prefix yields the whole frames it holds and leaves the rest untouched.
    for cut in 0..=bytes.len() {
        let mut reader = FrameReader::new(&bytes[..cut], 64);
        let mut got = Vec::new();
        while let Some(body) = reader.next_frame().unwrap() {
            got.push(body);
        }
        let whole = match cut {
            0..7 => 0,
            7..15 => 1,
            _ => 2,
        };
        assert_eq!(got.len(), whole, "cut at {cut}");
        let consumed = [0, 7, 15][whole];
        assert_eq!(reader.remaining(), &bytes[consumed..cut], "cut at {cut}");
        assert_eq!(reader.next_frame(), Ok(None), "still waiting at {cut}");
    }
}

#[test]
fn the_header_is_big_endian() {
    let bytes = encoded(&[&[7; 0x0102]]);
    assert_eq!(&bytes[..2], &[0x01, 0x02]);
    assert_eq!(frame::body_len([0x01, 0x02]), 0x0102);
    assert_eq!(frame::check_len(0x0102, 0x0102), Ok(0x0102));
}

proptest! {
    #[test]
    fn encode_then_read_gives_the_bodies_back(
        bodies in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..300), 0..8),
    ) {
        let refs: Vec<&[u8]> = bodies.iter().map(Vec::as_slice).collect();
        let bytes = encoded(&refs);
        let mut reader = FrameReader::new(&bytes, 300);
        let mut got = Vec::new();
        while let Some(body) = reader.next_frame().unwrap() {
            got.push(body.to_vec());
        }
        prop_assert_eq!(got, bodies);
        prop_assert!(reader.remaining().is_empty());
    }

    #[test]
    fn the_reader_never_panics_and_only_moves_forward(
        bytes in proptest::collection::vec(any::<u8>(), 0..1024),
        max in 0usize..70_000,
    ) {
        let mut reader = FrameReader::new(&bytes, max);
        let mut consumed = 0;
        loop {
            let before = reader.remaining().len();
            match reader.next_frame() {
                Ok(Some(body)) => {
                    prop_assert!(!body.is_empty() && body.len() <= max);
                    prop_assert_eq!(before - reader.remaining().len(), HEADER_LEN + body.len());
                    consumed += HEADER_LEN + body.len();
                }
                Ok(None) | Err(_) => {
                    prop_assert_eq!(reader.remaining().len(), before, "a refusal or a wait consumes nothing");
                    break;
                }
            }
        }
        prop_assert_eq!(&bytes[consumed..], reader.remaining());
    }
}
