//! Fuzz target `frame`: the first two bytes (big-endian) are the link's maximum frame size, the rest a byte
//! stream. `FrameReader` must cut it without panicking, never yield a frame above the maximum or an empty one,
//! refuse without consuming, and account for every byte; each frame it yields goes through `MeshFrame::decode`.

#![no_main]

use bitcraps_wire::MeshFrame;
use bitcraps_wire::frame::{FrameReader, HEADER_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((max, stream)) = data.split_first_chunk::<2>() else { return };
    let max = usize::from(u16::from_be_bytes(*max));
    let mut reader = FrameReader::new(stream, max);
    let mut consumed = 0;
    loop {
        let before = reader.remaining().len();
        match reader.next_frame() {
            Ok(Some(body)) => {
                assert!(!body.is_empty() && body.len() <= max, "frame of {} bytes with max {max}", body.len());
                assert_eq!(before - reader.remaining().len(), HEADER_LEN + body.len());
                consumed += HEADER_LEN + body.len();
                let _ = MeshFrame::decode(body);
            }
            Ok(None) | Err(_) => {
                assert_eq!(reader.remaining().len(), before, "a wait or a refusal consumed bytes");
                break;
            }
        }
    }
    assert_eq!(&stream[consumed..], reader.remaining());
});
