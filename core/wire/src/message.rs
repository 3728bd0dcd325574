//! The mesh's messages.
//!
//! Every message a player or host originates is a [`Message`] (protocol version, origin, origin timestamp,
//! [`Payload`]) encoded once and signed with the origin's Ed25519 key: a [`SignedMessage`] carries those exact
//! bytes and the signature, so relays never re-encode what was signed. Its [`MessageId`] is the SHA-256 of the
//! signed bytes. Flooding wraps it in an [`Envelope`] whose hop fields (TTL, send time of this hop) are not
//! signed: they change at every hop. One decrypted link frame holds one [`MeshFrame`].

use bitcraps_rules::{BetKind, TableRules};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The version in every [`Message`]; a node refuses messages of any other version.
pub const PROTOCOL_VERSION: u8 = 1;

/// Most actions one commit may carry.
pub const MAX_ACTIONS: usize = 64;

/// Most messages one sync response may carry.
pub const MAX_SYNC_MESSAGES: usize = 256;

/// A node: its Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NodeId(pub [u8; 32]);

impl NodeId {
    /// Lower-case hex, as the API and logs show it.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        parse_hex(text).map(Self)
    }

    /// The public key, if the bytes are a valid Ed25519 point.
    pub fn verifying_key(&self) -> Result<VerifyingKey, DecodeError> {
        VerifyingKey::from_bytes(&self.0).map_err(|_| DecodeError::BadKey)
    }
}

impl std::fmt::Debug for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeId({})", &self.to_hex()[..16])
    }
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// A table on the mesh: the first 16 bytes of SHA-256(host, creation time, host nonce).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TableId(pub [u8; 16]);

impl TableId {
    /// Derives a new table's id.
    pub fn derive(host: &NodeId, created_ms: u64, nonce: &[u8; 16]) -> Self {
        let digest = Sha256::new()
            .chain_update(b"bitcraps-table-v1")
            .chain_update(host.0)
            .chain_update(created_ms.to_be_bytes())
            .chain_update(nonce)
            .finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        Self(id)
    }

    /// Lower-case hex, as the API shows it.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Parses 32 hex digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        parse_hex(text).map(Self)
    }
}

impl std::fmt::Debug for TableId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TableId({})", self.to_hex())
    }
}

impl std::fmt::Display for TableId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// SHA-256 of a message's signed bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MessageId(pub [u8; 32]);

impl std::fmt::Debug for MessageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MessageId({})", &hex(&self.0)[..16])
    }
}

/// What a host fixes when it opens a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableParams {
    /// Limits, odds multiple, field variant, commission policy.
    pub rules: TableRules,
    /// Pause between one roll's finality and the next round's commits (time to bet), in milliseconds.
    pub roll_interval_ms: u32,
    /// Largest buy-in a player may bring.
    pub max_buy_in: u64,
    /// Most players seated at once (the host included).
    pub max_seats: u8,
}

/// One thing a player does at a table, carried in their [`Payload::Commit`] and applied in the order given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Take a seat with `buy_in` chips.
    Join { buy_in: u64 },
    /// Leave after this round's roll.
    Leave,
    /// Place a bet for this round's roll.
    Bet { kind: BetKind, amount: u64 },
    /// Take a bet down before this round's roll.
    RemoveBet { bet_id: u64 },
}

/// What a message says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Payload {
    /// A host opened a table and sits at it with `host_buy_in`; re-sent while the table plays, so peers that
    /// arrive later learn it.
    TableAdvert { table: TableId, params: TableParams, host_buy_in: u64, created_ms: u64, round: u64 },
    /// A player's move in one attempt of a round: the actions for this roll and a commitment to a secret nonce.
    Commit { table: TableId, round: u64, attempt: u32, commitment: [u8; 32], actions: Vec<Action> },
    /// The nonce behind the player's commitment.
    Reveal { table: TableId, round: u64, attempt: u32, nonce: [u8; 32] },
    /// The player's signature on the table state after the round: whose reveals made the dice and who withheld.
    StateSig {
        table: TableId,
        round: u64,
        attempt: u32,
        state_hash: [u8; 32],
        revealers: Vec<NodeId>,
        withheld: Vec<NodeId>,
    },
}

impl Payload {
    /// The table the payload is about.
    pub const fn table(&self) -> &TableId {
        match self {
            Payload::TableAdvert { table, .. }
            | Payload::Commit { table, .. }
            | Payload::Reveal { table, .. }
            | Payload::StateSig { table, .. } => table,
        }
    }

    /// A short name for logs and metrics labels.
    pub const fn kind(&self) -> &'static str {
        match self {
            Payload::TableAdvert { .. } => "table_advert",
            Payload::Commit { .. } => "commit",
            Payload::Reveal { .. } => "reveal",
            Payload::StateSig { .. } => "state_sig",
        }
    }
}

/// A message as its origin signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// [`PROTOCOL_VERSION`].
    pub version: u8,
    /// Who wrote and signed it.
    pub origin: NodeId,
    /// The origin's clock when it was written (Unix milliseconds): ages and propagation latency.
    pub timestamp_ms: u64,
    /// What it says.
    pub payload: Payload,
}

/// The signed bytes of a [`Message`] and their Ed25519 signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedMessage {
    /// `postcard(Message)`, exactly as signed.
    pub bytes: Vec<u8>,
    /// The origin's signature over `bytes`.
    pub signature: Signature,
}

impl SignedMessage {
    /// Encodes and signs `message` (whose origin must be `key`'s public key).
    pub fn sign(message: &Message, key: &SigningKey) -> Self {
        let bytes = encode(message);
        let signature = key.sign(&bytes);
        Self { bytes, signature }
    }

    /// The message's id: SHA-256 of the signed bytes.
    pub fn id(&self) -> MessageId {
        MessageId(Sha256::digest(&self.bytes).into())
    }

    /// Decodes the message without checking the signature (for cheap checks before the costly one).
    ///
    /// The version is checked first, on the first byte alone (postcard writes a `u8` as one raw byte and
    /// `version` is the first field), so a message of another version is refused as
    /// [`DecodeError::UnsupportedVersion`] even when the rest of it is laid out differently.
    pub fn decode_unverified(&self) -> Result<Message, DecodeError> {
        match self.bytes.first() {
            None => return Err(DecodeError::Malformed("empty message".into())),
            Some(&version) if version != PROTOCOL_VERSION => return Err(DecodeError::UnsupportedVersion(version)),
            Some(_) => {}
        }
        let message: Message = decode(&self.bytes)?;
        if let Payload::Commit { actions, .. } = &message.payload
            && actions.len() > MAX_ACTIONS
        {
            return Err(DecodeError::TooMany { what: "actions", count: actions.len(), max: MAX_ACTIONS });
        }
        Ok(message)
    }

    /// Decodes the message and checks its origin's signature (strict Ed25519: no malleable signatures).
    pub fn verify(&self) -> Result<Message, DecodeError> {
        let message = self.decode_unverified()?;
        let key = message.origin.verifying_key()?;
        key.verify_strict(&self.bytes, &self.signature).map_err(|_| DecodeError::BadSignature)?;
        Ok(message)
    }
}

/// A flooded message and its hop fields (not signed: they change at every hop).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Hops left, at least 1: a node that receives an envelope with `ttl` t delivers the message and forwards it
    /// with t - 1 if that is above zero ([`Envelope::forward_ttl`]). A frame with ttl 0 is malformed.
    pub ttl: u8,
    /// When this hop sent it (Unix microseconds): per-hop latency.
    pub hop_sent_us: u64,
    /// The message.
    pub message: SignedMessage,
}

impl Envelope {
    /// The TTL to forward this envelope with, or `None` when it must not travel further.
    pub const fn forward_ttl(&self) -> Option<u8> {
        match self.ttl {
            0 | 1 => None,
            t => Some(t - 1),
        }
    }
}

/// What one decrypted link frame holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeshFrame {
    /// A message flooded through the mesh.
    Flood(Envelope),
    /// "Send me what finalized the rounds of `table` from `from_round` on" (to one neighbour, not flooded).
    SyncRequest { table: TableId, from_round: u64 },
    /// The signed messages (advert, commits, reveals, state signatures) of finalized rounds, oldest first.
    SyncResponse { table: TableId, messages: Vec<SignedMessage> },
}

impl MeshFrame {
    /// The frame's bytes.
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }

    /// Parses a frame; trailing bytes, unknown tags, over-long lists and a flood with ttl 0 are refused. The
    /// signed messages inside are not decoded here: see [`SignedMessage::verify`].
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let frame: Self = decode(bytes)?;
        match &frame {
            MeshFrame::Flood(envelope) if envelope.ttl == 0 => {
                return Err(DecodeError::Malformed("flood with ttl 0".into()));
            }
            MeshFrame::SyncResponse { messages, .. } if messages.len() > MAX_SYNC_MESSAGES => {
                return Err(DecodeError::TooMany {
                    what: "sync messages",
                    count: messages.len(),
                    max: MAX_SYNC_MESSAGES,
                });
            }
            _ => {}
        }
        Ok(frame)
    }
}

/// Why bytes were not a valid message or frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not the format (truncated, unknown tag, bad varint, trailing bytes).
    #[error("malformed: {0}")]
    Malformed(String),
    /// A message of another protocol version.
    #[error("unsupported protocol version {0} (this node speaks {PROTOCOL_VERSION})")]
    UnsupportedVersion(u8),
    /// A list longer than the protocol allows.
    #[error("{count} {what} (at most {max})")]
    TooMany { what: &'static str, count: usize, max: usize },
    /// The origin is not a valid Ed25519 key.
    #[error("origin is not a valid Ed25519 public key")]
    BadKey,
    /// The signature does not match the origin and the bytes.
    #[error("invalid signature")]
    BadSignature,
}

impl DecodeError {
    /// A metrics label for the reason.
    pub const fn reason(&self) -> &'static str {
        match self {
            DecodeError::Malformed(_) | DecodeError::TooMany { .. } => "malformed",
            DecodeError::UnsupportedVersion(_) => "version",
            DecodeError::BadKey | DecodeError::BadSignature => "bad_signature",
        }
    }
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Serializing these plain types into a Vec cannot fail.
    postcard::to_stdvec(value).unwrap_or_default()
}

fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, DecodeError> {
    let (value, rest) = postcard::take_from_bytes(bytes).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if rest.is_empty() { Ok(value) } else { Err(DecodeError::Malformed(format!("{} trailing bytes", rest.len()))) }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn parse_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != N * 2 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

    use super::*;

    #[test]
    fn ids_print_and_parse_as_hex() {
        let node = NodeId([0xa5; 32]);
        assert_eq!(node.to_hex(), "a5".repeat(32));
        assert_eq!(NodeId::from_hex(&node.to_hex()), Some(node));
        assert_eq!(format!("{node:?}"), format!("NodeId({})", "a5".repeat(8)));
        let table = TableId([0x0f; 16]);
        assert_eq!(TableId::from_hex(&table.to_string()), Some(table));
        assert_eq!(TableId::from_hex(&"0f".repeat(15)), None, "too short");
        assert_eq!(NodeId::from_hex(&"zz".repeat(32)), None, "not hex");
        assert_eq!(NodeId::from_hex(&"é".repeat(32)), None, "not ascii");
    }

    #[test]
    fn table_ids_depend_on_host_time_and_nonce() {
        let host = NodeId([1; 32]);
        let id = TableId::derive(&host, 5, &[0; 16]);
        assert_eq!(id, TableId::derive(&host, 5, &[0; 16]));
        assert_ne!(id, TableId::derive(&NodeId([2; 32]), 5, &[0; 16]));
        assert_ne!(id, TableId::derive(&host, 6, &[0; 16]));
        assert_ne!(id, TableId::derive(&host, 5, &[1; 16]));
    }

    #[test]
    fn the_version_is_the_first_byte_of_the_signed_bytes() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let message = Message {
            version: PROTOCOL_VERSION,
            origin: NodeId(key.verifying_key().to_bytes()),
            timestamp_ms: 0,
            payload: Payload::Reveal { table: TableId([0; 16]), round: 0, attempt: 0, nonce: [0; 32] },
        };
        assert_eq!(SignedMessage::sign(&message, &key).bytes[0], PROTOCOL_VERSION);
    }
}
