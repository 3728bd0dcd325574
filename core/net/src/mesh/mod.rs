//! The flooding mesh: every frame a neighbour sends is decoded ([`bitcraps_wire::MeshFrame`]), rate-limited,
//! checked for age, de-duplicated and signature-checked; a new message is delivered to the table protocol and
//! forwarded to every other neighbour while its TTL lasts. Misbehaviour lowers the sending neighbour's
//! reputation; at the threshold the neighbour is banned for a while.
//!
//! [`spawn`] starts the mesh task: it owns the [`router::Router`] (no shared state but
//! [`crate::metrics::NetStatus`]), takes [`TransportEvent`]s in bursts, [`MeshCommand`]s from the
//! [`MeshHandle`]s, and hands new messages to the table protocol as [`Delivery`]s.
//!
//! - [`peer`]: one neighbour: links, token bucket, reputation, counters.
//! - [`router`]: the checks, de-duplication, signature verification (optionally batched) and flooding.

pub mod peer;
pub mod router;

use std::sync::Arc;
use std::time::Duration;

use bitcraps_wire::{MeshFrame, Message, NodeId, SignedMessage, TableId};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use self::router::{Now, Router};
use crate::config::NetConfig;
use crate::metrics::NetStatus;
use crate::transport::{BanList, TransportEvent};

/// How often reputations recover and the peer table and rates are published.
pub const TICK: Duration = Duration::from_secs(1);

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

    /// Floods a signed message: one this node signed, or another's passed on again (an equivocation's proof).
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

/// How the mesh task runs (beyond `[net]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeshOptions {
    /// Check the signatures of a burst of frames together (`ed25519_dalek::verify_batch`), falling back to one
    /// strict check each when the batch fails. Off by default: the batch equation is cofactored, so a message an
    /// origin crafted with a mixed-order signature could pass here and fail on a node with strict checks.
    pub batch_verify: bool,
    /// Most transport events handled in one burst.
    pub max_burst: usize,
    /// Commands queued from the table protocol.
    pub command_capacity: usize,
    /// Deliveries queued for the table protocol; when full, further ones are dropped ("delivery_full") and the
    /// table protocol catches up by sync.
    pub delivery_capacity: usize,
}

impl Default for MeshOptions {
    fn default() -> Self {
        Self { batch_verify: false, max_burst: 64, command_capacity: 1024, delivery_capacity: 4096 }
    }
}

/// Starts the mesh task with the default [`MeshOptions`]; it runs until `shutdown` turns true (or the
/// transports' event channel closes).
pub fn spawn(
    config: &NetConfig,
    local: NodeId,
    events: mpsc::Receiver<TransportEvent>,
    bans: BanList,
    status: Arc<NetStatus>,
    shutdown: watch::Receiver<bool>,
) -> (MeshHandle, mpsc::Receiver<Delivery>, JoinHandle<()>) {
    spawn_with(config, MeshOptions::default(), local, events, bans, status, shutdown)
}

/// Starts the mesh task with `options`.
pub fn spawn_with(
    config: &NetConfig,
    options: MeshOptions,
    local: NodeId,
    events: mpsc::Receiver<TransportEvent>,
    bans: BanList,
    status: Arc<NetStatus>,
    shutdown: watch::Receiver<bool>,
) -> (MeshHandle, mpsc::Receiver<Delivery>, JoinHandle<()>) {
    let (command_tx, commands) = mpsc::channel(options.command_capacity.max(1));
    let (delivery_tx, deliveries) = mpsc::channel(options.delivery_capacity.max(1));
    status.set_enabled(config.enabled);
    status.set_bans(bans.clone());
    let router = Router::new(config, options.batch_verify, local, bans, status, delivery_tx);
    let task = tokio::spawn(run(router, options.max_burst.max(1), events, commands, shutdown));
    (MeshHandle::new(command_tx), deliveries, task)
}

async fn run(
    mut router: Router,
    max_burst: usize,
    mut events: mpsc::Receiver<TransportEvent>,
    mut commands: mpsc::Receiver<MeshCommand>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut burst = Vec::with_capacity(max_burst);
    loop {
        if *shutdown.borrow() {
            break;
        }
        tokio::select! {
            biased;
            changed = shutdown.changed() => {
                if changed.is_err() {
                    break;
                }
            }
            Some(command) = commands.recv() => router.handle_command(command, &Now::system()),
            received = events.recv_many(&mut burst, max_burst) => {
                if received == 0 {
                    break;
                }
                router.handle_events(burst.drain(..), &Now::system());
            }
            _ = tick.tick() => router.tick(&Now::system()),
        }
    }
    tracing::debug!("mesh stopped");
    router.clear();
}
