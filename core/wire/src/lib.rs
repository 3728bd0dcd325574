//! The BitCraps mesh wire format, shared by every transport (LAN today, BLE later). Pure: no I/O, no clock.
//!
//! - [`frame`]: how a byte stream is cut into frames (a 2-byte big-endian length, then that many bytes) and the
//!   hard maximum checked before a byte of the body is read or allocated.
//! - [`message`]: the mesh's messages. A [`message::SignedMessage`] is an Ed25519-signed, versioned
//!   [`message::Message`] (origin, timestamp, payload); [`message::MeshFrame`] is what one decrypted frame holds
//!   (a flooded envelope, or a state-sync request/response between two neighbours).
//!
//! Encoding is [postcard](https://postcard.jamesmunns.com/wire-format) (varints, enum tags as varints), which is
//! compact, stable and documented; `docs/protocol.md` describes the format field by field.

pub mod frame;
pub mod message;

pub use message::{
    Action, DecodeError, Envelope, MeshFrame, Message, MessageId, NodeId, PROTOCOL_VERSION, Payload, SignedMessage,
    TableId, TableParams,
};
