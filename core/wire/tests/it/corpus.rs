//! Writes the fuzz targets' seed corpus (real encoded frames) into `core/wire/fuzz/corpus/<target>/`:
//! `cargo test -p bitcraps-wire --test it -- --ignored write_fuzz_corpus`.

use std::path::PathBuf;

use bitcraps_wire::frame;
use bitcraps_wire::{Envelope, MeshFrame, Message, SignedMessage};

use crate::fixtures::{self, key, message};

/// The `frame` target reads its maximum from the first two bytes (big-endian), then frames.
fn frame_seed(max: u16, bodies: &[Vec<u8>]) -> Vec<u8> {
    let mut out = max.to_be_bytes().to_vec();
    for body in bodies {
        frame::encode(body, &mut out).unwrap();
    }
    out
}

fn named_frames() -> Vec<(String, MeshFrame)> {
    fixtures::every_frame()
        .into_iter()
        .enumerate()
        .map(|(i, frame)| {
            let what = match &frame {
                MeshFrame::Flood(envelope) => envelope.message.decode_unverified().unwrap().payload.kind(),
                MeshFrame::SyncRequest { .. } => "sync_request",
                MeshFrame::SyncResponse { .. } => "sync_response",
            };
            (format!("{i:02}-{what}"), frame)
        })
        .collect()
}

fn write(target: &str, seeds: Vec<(String, Vec<u8>)>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in seeds {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

#[test]
#[ignore = "writes files: run by hand to refresh the fuzz seed corpus"]
fn write_fuzz_corpus() {
    let frames = named_frames();
    let k = key(4);

    let mut message_seeds: Vec<(String, Vec<u8>)> = frames.iter().map(|(n, f)| (n.clone(), f.encode())).collect();
    let other_version = SignedMessage::sign(&Message { version: 2, ..message(&k, fixtures::reveal()) }, &k);
    let forged = SignedMessage::sign(&message(&key(5), fixtures::reveal()), &k);
    for (name, signed, ttl) in [("flood-version-2", other_version, 3), ("flood-forged", forged, 1)] {
        message_seeds.push((name.into(), MeshFrame::Flood(Envelope { ttl, hop_sent_us: 1, message: signed }).encode()));
    }
    let mut trailing = frames[2].1.encode();
    trailing.push(0);
    message_seeds.push(("flood-trailing".into(), trailing));
    write("message", message_seeds);

    let body = |i: usize| frames[i].1.encode();
    let mut frame_seeds: Vec<(String, Vec<u8>)> =
        frames.iter().map(|(n, f)| (n.clone(), frame_seed(16 * 1024, &[f.encode()]))).collect();
    frame_seeds.push(("stream-commit-reveal-sig".into(), frame_seed(16 * 1024, &[body(1), body(2), body(3)])));
    frame_seeds.push(("stream-too-large".into(), frame_seed(64, &[body(2), body(1)])));
    let mut partial = frame_seed(16 * 1024, &[body(2), body(1)]);
    partial.truncate(partial.len() - 10);
    frame_seeds.push(("stream-partial".into(), partial));
    frame_seeds.push(("stream-empty-frame".into(), vec![0x40, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01]));
    write("frame", frame_seeds);
}
