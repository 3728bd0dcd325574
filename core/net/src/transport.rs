//! The boundary between the mesh and the radios and sockets that carry it.
//!
//! A [`Transport`] (the LAN transport today, BLE later) finds peers, sets up authenticated, encrypted links
//! (Noise XX bound to each node's Ed25519 identity), keeps them alive, measures their round-trip time and
//! reconnects with backoff. It reports everything that happens as [`TransportEvent`]s; the mesh answers
//! through each link's [`LinkHandle`]. Frames crossing this boundary are decrypted plaintext, at most the
//! configured maximum; what they mean is the mesh's business.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bitcraps_wire::NodeId;
use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, watch};

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PeerAddr {
    /// A TCP socket address (the LAN transport).
    Tcp(SocketAddr),
    /// A BLE device (the BLE transport, later).
    Ble(String),
}

impl fmt::Display for PeerAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeerAddr::Tcp(addr) => write!(f, "{addr}"),
            PeerAddr::Ble(device) => write!(f, "ble:{device}"),
        }
    }
}

/// A link's number, unique for the node's lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkId(pub u64);

/// What the mesh asks a link to do.
#[derive(Debug)]
pub enum Outgoing {
    /// Send one frame (plaintext; the link encrypts it).
    Frame(Vec<u8>),
    /// Close the link (for example, the peer was banned).
    Close { reason: String },
}

/// The mesh's side of one link: a bounded queue to its writer.
#[derive(Debug, Clone)]
pub struct LinkHandle {
    tx: mpsc::Sender<Outgoing>,
}

/// A frame could not be queued on a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The link's queue is full (a slow peer); the frame was dropped.
    #[error("link queue full")]
    Full,
    /// The link is gone.
    #[error("link closed")]
    Closed,
}

impl LinkHandle {
    /// A handle and the receiving end its link's writer drains.
    pub fn channel(capacity: usize) -> (Self, mpsc::Receiver<Outgoing>) {
        let (tx, rx) = mpsc::channel(capacity);
        (Self { tx }, rx)
    }

    /// Queues a frame without waiting; a full queue drops it.
    pub fn send(&self, frame: Vec<u8>) -> Result<(), SendError> {
        self.tx.try_send(Outgoing::Frame(frame)).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => SendError::Full,
            mpsc::error::TrySendError::Closed(_) => SendError::Closed,
        })
    }

    /// Asks the link to close.
    pub fn close(&self, reason: impl Into<String>) {
        let _ = self.tx.try_send(Outgoing::Close { reason: reason.into() });
    }
}

/// Who is at the other end of a link, as its handshake proved.
#[derive(Debug, Clone)]
pub struct LinkInfo {
    /// The peer's identity (its Ed25519 key, bound to the Noise static key in the handshake).
    pub peer: NodeId,
    /// Where the link goes.
    pub addr: PeerAddr,
    /// The transport's name ("lan", "ble").
    pub transport: &'static str,
    /// Whether this node dialled.
    pub outbound: bool,
}

/// Something that happened on a transport.
#[derive(Debug)]
pub enum TransportEvent {
    /// A link finished its handshake.
    Up { link: LinkId, info: LinkInfo, handle: LinkHandle },
    /// A decrypted frame arrived.
    Frame { link: LinkId, frame: Vec<u8> },
    /// A keepalive answer measured the link's round trip.
    Rtt { link: LinkId, rtt: Duration },
    /// Bytes moved on a link since its last report (ciphertext, headers included).
    Traffic { link: LinkId, bytes_in: u64, bytes_out: u64 },
    /// A link ended.
    Down { link: LinkId, reason: String },
    /// A connection was refused before or during its handshake, or a frame broke the link's rules
    /// (`reason`: "handshake", "identity", "oversized", "decrypt", "timeout", "banned").
    Rejected { addr: PeerAddr, peer: Option<NodeId>, reason: &'static str, detail: String },
    /// A connection attempt ended: `took` from the dial (or accept) starting to the handshake finishing, or to
    /// the attempt failing (`ok` false: connect refused or timed out, handshake failed).
    Attempt { outbound: bool, took: Duration, ok: bool },
    /// The first link with `peer` came up `took` after this node learned of the peer (see
    /// [`crate::lan`]'s peer book: configured at start, or announced by mDNS).
    Discovered { peer: NodeId, took: Duration },
    /// Of the peers this transport expects to reach (configured or announced), how many are `known` and how many
    /// of them are `linked` now. Sent whenever either changes.
    Reach { known: usize, linked: usize },
}

/// Peers the node will not talk to until a time (kept by the mesh, honoured by every transport).
#[derive(Debug, Clone, Default)]
pub struct BanList {
    until: Arc<Mutex<HashMap<NodeId, Instant>>>,
}

impl BanList {
    /// Bans `peer` for `duration`.
    pub fn ban(&self, peer: NodeId, duration: Duration) {
        if let Ok(mut until) = self.until.lock() {
            until.insert(peer, Instant::now() + duration);
        }
    }

    /// Whether `peer` is banned now.
    pub fn is_banned(&self, peer: &NodeId) -> bool {
        let Ok(mut until) = self.until.lock() else { return false };
        match until.get(peer) {
            Some(t) if *t > Instant::now() => true,
            Some(_) => {
                until.remove(peer);
                false
            }
            None => false,
        }
    }

    /// Peers banned now.
    pub fn banned(&self) -> Vec<NodeId> {
        let now = Instant::now();
        self.until.lock().map(|u| u.iter().filter(|(_, t)| **t > now).map(|(p, _)| *p).collect()).unwrap_or_default()
    }
}

/// A way to reach peers.
pub trait Transport: Send + 'static {
    /// A short name for the peers table ("lan", "ble").
    fn name(&self) -> &'static str;

    /// Runs until `shutdown` turns true: listens, dials, discovers, reconnects; reports through `events`;
    /// refuses peers on `bans` after their handshake (and does not redial them).
    fn run(
        self: Box<Self>,
        events: mpsc::Sender<TransportEvent>,
        bans: BanList,
        shutdown: watch::Receiver<bool>,
    ) -> BoxFuture<'static, ()>;
}
