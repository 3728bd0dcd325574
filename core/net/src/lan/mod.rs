//! The LAN transport: TCP links secured by Noise XX bound to the node identity, mDNS discovery, static peers.
//!
//! ```text
//!  listener ─► accept ─► handshake (responder) ─┐
//!  static peers ─► dial (backoff) ─► handshake ─┼─► Hub::admit: self? banned? duplicate? ─► link (reader + writer)
//!  mDNS browse ─► dial (id from TXT) ─┘         │                                          │
//!                                                └──────── TransportEvent (Up, Frame, Rtt, Traffic, Down, Rejected)
//! ```
//!
//! - [`handshake`]: the Noise XX handshake and the identity proof it carries.
//! - `hub`: shared state, the registry of links (one per peer) and admission.
//! - `link`: a link's reader and writer (framing, keepalive, traffic reports).
//! - `book`: the peers the node expects to reach (discovery time, reach for the partition state).
//! - `dial`: static peers and their reconnect backoff.
//! - `mdns`: announcing and discovering nodes on the LAN.
//! - `testing` (feature `testing`, for tests only): a raw Noise client for tests of the link's defences.

mod book;
mod dial;
pub mod handshake;
mod hub;
mod link;
mod mdns;
#[doc(hidden)]
#[cfg(feature = "testing")]
pub mod testing;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bitcraps_wire::NodeId;
use ed25519_dalek::SigningKey;
use futures_util::future::BoxFuture;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use crate::config::{NetConfig, StaticPeer};
use crate::transport::{BanList, Transport, TransportEvent};
use book::PeerKey;
use dial::Backoff;
use handshake::LocalKeys;
use hub::Hub;
use link::LinkParams;

/// How long a shutdown waits for links to report themselves down before it stops waiting.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// The LAN transport, bound and ready to [`Transport::run`].
#[derive(Debug)]
pub struct LanTransport {
    config: NetConfig,
    key: SigningKey,
    peers: Vec<StaticPeer>,
    listener: std::net::TcpListener,
    local_addr: SocketAddr,
}

impl LanTransport {
    /// Binds the listener on `config.listen` now (so [`Self::local_addr`] is known before `run`) and parses the
    /// static peers.
    pub fn bind(config: &NetConfig, key: SigningKey) -> io::Result<LanTransport> {
        let peers = config.static_peers().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        let listener = std::net::TcpListener::bind(config.listen)?;
        listener.set_nonblocking(true)?;
        let local_addr = listener.local_addr()?;
        Ok(Self { config: config.clone(), key, peers, listener, local_addr })
    }

    /// Where the listener is bound (the real port when `listen` asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// This node's id (the Ed25519 public key).
    pub fn node_id(&self) -> NodeId {
        NodeId(self.key.verifying_key().to_bytes())
    }

    async fn serve(self, events: mpsc::Sender<TransportEvent>, bans: BanList, mut shutdown: watch::Receiver<bool>) {
        let keys = match LocalKeys::generate(&self.key) {
            Ok(keys) => keys,
            Err(e) => {
                tracing::warn!(error = %e, "lan: no Noise key; the LAN transport is off");
                return;
            }
        };
        let listener = match TcpListener::from_std(self.listener) {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!(error = %e, "lan: listener unusable; the LAN transport is off");
                return;
            }
        };
        let params = LinkParams {
            max_frame: self.config.max_frame_bytes,
            keepalive: Duration::from_millis(self.config.keepalive_ms),
            idle_timeout: Duration::from_millis(self.config.idle_timeout_ms),
            io_timeout: Duration::from_millis(self.config.io_timeout_ms),
        };
        let me = NodeId(self.key.verifying_key().to_bytes());
        let hub = Arc::new(Hub::new(me, keys, params, events, bans, shutdown.clone()));
        tracing::info!(addr = %self.local_addr, id = %me.to_hex(), "lan transport listening");
        let mut tasks = JoinSet::new();
        for peer in &self.peers {
            hub.expect(peer.id.map_or(PeerKey::Addr(peer.addr), PeerKey::Id), true);
        }
        for peer in self.peers {
            let backoff = Backoff::new(self.config.reconnect_min_ms, self.config.reconnect_max_ms);
            tasks.spawn(dial::keep_linked(Arc::clone(&hub), peer, backoff));
        }
        if self.config.mdns {
            let retry = Duration::from_millis(self.config.reconnect_max_ms);
            tasks.spawn(mdns::run(Arc::clone(&hub), self.local_addr.port(), retry));
        }
        loop {
            tokio::select! {
                () = stopped(&mut shutdown) => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, addr)) => {
                        let hub = Arc::clone(&hub);
                        let started = std::time::Instant::now();
                        tasks.spawn(async move { hub.accept(stream, addr, started).await });
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little rather than spin.
                        tracing::warn!(error = %e, "lan: accept failed");
                        if dial::pause(&mut hub.shutdown.clone(), Duration::from_millis(100)).await {
                            break;
                        }
                    }
                },
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            }
        }
        drop(listener);
        // Dialers, mDNS and links all watch `shutdown`: give them a moment to finish, then stop the rest.
        let mut changes = hub.watch_changes();
        let finish = async {
            while tasks.join_next().await.is_some() {}
            while hub.link_count() > 0 {
                if changes.changed().await.is_err() {
                    break;
                }
            }
        };
        if tokio::time::timeout(SHUTDOWN_GRACE, finish).await.is_err() {
            tracing::warn!("lan: shutdown grace elapsed; stopping what is left");
        }
        tasks.abort_all();
    }
}

/// Resolves once `shutdown` turns true (or its sender is gone).
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

impl Transport for LanTransport {
    fn name(&self) -> &'static str {
        hub::NAME
    }

    fn run(
        self: Box<Self>,
        events: mpsc::Sender<TransportEvent>,
        bans: BanList,
        shutdown: watch::Receiver<bool>,
    ) -> BoxFuture<'static, ()> {
        Box::pin(self.serve(events, bans, shutdown))
    }
}
