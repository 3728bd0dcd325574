//! The on-disk format: segment headers and record frames, and the hash chain that links records.
//!
//! A segment file starts with a header: magic (8 bytes), the sequence number of its first record (u64 LE), the
//! chain hash before that record (32 bytes), and a CRC32 of those 48 bytes. Records follow back to back, each
//! framed as: payload length (u32 LE), CRC32 of everything after the CRC (u32 LE), sequence number (u64 LE),
//! chain hash (32 bytes), payload. The chain hash of a record is `SHA-256(previous hash ‖ seq LE ‖ payload)`;
//! the journal's first record follows the all-zero hash.

use sha2::{Digest, Sha256};

/// A chain hash.
pub type Hash = [u8; 32];

/// The hash before the journal's first record.
pub const GENESIS_HASH: Hash = [0; 32];

const MAGIC: &[u8; 8] = b"BCJRNL\x00\x01";

/// Bytes of a segment header.
pub const HEADER_LEN: usize = 8 + 8 + 32 + 4;

/// Bytes a record's frame adds to its payload.
pub const FRAME_OVERHEAD: usize = 4 + 4 + 8 + 32;

/// The largest payload a record may carry (16 MiB); a larger length field marks a damaged frame.
pub const MAX_PAYLOAD: usize = 16 << 20;

/// Where the chain stands: the next record's sequence number and the hash it must follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    /// Sequence number of the next record.
    pub next_seq: u64,
    /// Chain hash of the last record (or of the anchor before the first one).
    pub last_hash: Hash,
}

impl ChainHead {
    /// The head of an empty journal.
    pub const GENESIS: ChainHead = ChainHead { next_seq: 0, last_hash: GENESIS_HASH };
}

/// The chain hash of the record `seq` carrying `payload`, following `prev`.
pub fn chain_hash(prev: &Hash, seq: u64, payload: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(seq.to_le_bytes());
    hasher.update(payload);
    hasher.finalize().into()
}

/// Encodes a segment header that starts the chain at `head`.
pub fn encode_header(head: &ChainHead) -> [u8; HEADER_LEN] {
    let mut out = [0u8; HEADER_LEN];
    out[..8].copy_from_slice(MAGIC);
    out[8..16].copy_from_slice(&head.next_seq.to_le_bytes());
    out[16..48].copy_from_slice(&head.last_hash);
    let crc = crc32fast::hash(&out[..48]);
    out[48..].copy_from_slice(&crc.to_le_bytes());
    out
}

/// Decodes a segment header; `None` if it is short or damaged.
pub fn decode_header(bytes: &[u8]) -> Option<ChainHead> {
    let header = bytes.get(..HEADER_LEN)?;
    if &header[..8] != MAGIC || crc32fast::hash(&header[..48]).to_le_bytes() != header[48..52] {
        return None;
    }
    let next_seq = u64::from_le_bytes(header[8..16].try_into().ok()?);
    let last_hash: Hash = header[16..48].try_into().ok()?;
    Some(ChainHead { next_seq, last_hash })
}

/// Appends the frame of the next record to `out` and advances `head`; returns the record's (seq, hash).
pub fn encode_record(out: &mut Vec<u8>, head: &mut ChainHead, payload: &[u8]) -> (u64, Hash) {
    let seq = head.next_seq;
    let hash = chain_hash(&head.last_hash, seq, payload);
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let mut crc = crc32fast::Hasher::new();
    crc.update(&seq.to_le_bytes());
    crc.update(&hash);
    crc.update(payload);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&hash);
    out.extend_from_slice(payload);
    head.next_seq = seq + 1;
    head.last_hash = hash;
    (seq, hash)
}

/// One frame read back from bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A frame whose CRC matches: sequence number, chain hash, payload, and bytes used.
    Valid { seq: u64, hash: Hash, payload: &'a [u8], len: usize },
    /// The bytes end before the frame does.
    Incomplete,
    /// The frame is complete but damaged (bad length or CRC); `len` is how many bytes it claims.
    Damaged { reason: &'static str, len: usize },
}

/// Reads the frame at the start of `bytes`.
pub fn decode_record(bytes: &[u8]) -> Frame<'_> {
    let Some(fixed) = bytes.get(..FRAME_OVERHEAD) else {
        return Frame::Incomplete;
    };
    let mut word = [0u8; 4];
    word.copy_from_slice(&fixed[..4]);
    let payload_len = u32::from_le_bytes(word) as usize;
    if payload_len > MAX_PAYLOAD {
        return Frame::Damaged { reason: "length field out of range", len: FRAME_OVERHEAD };
    }
    let len = FRAME_OVERHEAD + payload_len;
    let Some(frame) = bytes.get(..len) else {
        return Frame::Incomplete;
    };
    word.copy_from_slice(&frame[4..8]);
    if crc32fast::hash(&frame[8..]) != u32::from_le_bytes(word) {
        return Frame::Damaged { reason: "CRC mismatch", len };
    }
    let mut seq = [0u8; 8];
    seq.copy_from_slice(&frame[8..16]);
    let mut hash = [0u8; 32];
    hash.copy_from_slice(&frame[16..48]);
    Frame::Valid { seq: u64::from_le_bytes(seq), hash, payload: &frame[FRAME_OVERHEAD..], len }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_detect_damage() {
        let mut head = ChainHead::GENESIS;
        let mut buf = Vec::new();
        let (seq, hash) = encode_record(&mut buf, &mut head, b"bet 5 pass");
        assert_eq!((seq, head.next_seq), (0, 1));
        assert_eq!(hash, chain_hash(&GENESIS_HASH, 0, b"bet 5 pass"));
        assert_eq!(decode_record(&buf), Frame::Valid { seq: 0, hash, payload: b"bet 5 pass", len: buf.len() });
        assert_eq!(decode_record(&buf[..buf.len() - 1]), Frame::Incomplete);
        let last = buf.len() - 1;
        buf[last] ^= 1;
        assert!(matches!(decode_record(&buf), Frame::Damaged { reason: "CRC mismatch", .. }));
        assert_eq!(decode_header(&encode_header(&head)), Some(head));
    }
}
