//! The flooding mesh: every frame a neighbour sends is decoded ([`bitcraps_wire::MeshFrame`]), rate-limited,
//! checked for age, de-duplicated and signature-checked; a new message is delivered to the table protocol and
//! forwarded to every other neighbour while its TTL lasts. Misbehaviour lowers the sending neighbour's
//! reputation; at the threshold the neighbour is banned for a while.

use bitcraps_wire::{MeshFrame, Message, NodeId, SignedMessage, TableId};
use tokio::sync::mpsc;

/// What the mesh hands to the table protocol.
#[derive(Debug)]
pub enum Delivery {
    /// A new, signature-checked message (flooded), and the neighbour it came from.
    Message { message: Message, signed: SignedMessage, from: NodeId },
    /// A neighbour asks for the finalized rounds of `table` from `from_round` on.
    SyncRequest { from: NodeId, table: TableId, from_round: u64 },
    /// A neighbour's answer to a sync request (messages not yet checked).
    SyncResponse { from: NodeId, table: TableId, messages: Vec<SignedMessage> },
    /// A link to `peer` came up (the table protocol may want to sync with it).
    PeerUp { peer: NodeId },
}

/// What the table protocol asks of the mesh.
#[derive(Debug)]
pub enum MeshCommand {
    /// Flood a message this node signed (TTL `net.ttl`); it is also marked as seen.
    Broadcast(SignedMessage),
    /// Send a frame to one neighbour (sync requests and responses).
    Send { peer: NodeId, frame: MeshFrame },
    /// `origin` misbehaved beyond doubt (for example equivocation, with proof kept): ban it and close its links.
    Ban { origin: NodeId, reason: &'static str },
}

/// The table protocol's handle on the mesh.
#[derive(Debug, Clone)]
pub struct MeshHandle {
    commands: mpsc::Sender<MeshCommand>,
}

impl MeshHandle {
    /// A handle that sends to `commands`.
    pub const fn new(commands: mpsc::Sender<MeshCommand>) -> Self {
        Self { commands }
    }

    /// Floods a message this node signed.
    pub async fn broadcast(&self, message: SignedMessage) {
        let _ = self.commands.send(MeshCommand::Broadcast(message)).await;
    }

    /// Sends a frame to one neighbour.
    pub async fn send(&self, peer: NodeId, frame: MeshFrame) {
        let _ = self.commands.send(MeshCommand::Send { peer, frame }).await;
    }

    /// Bans a peer for proven misbehaviour.
    pub async fn ban(&self, origin: NodeId, reason: &'static str) {
        let _ = self.commands.send(MeshCommand::Ban { origin, reason }).await;
    }
}
