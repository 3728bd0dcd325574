//! The transport's shared state: its keys, settings, the registry of live links (one per peer), and the steps
//! every new connection goes through: handshake, ban check, self check, duplicate check, link.
//!
//! **One link per peer.** When a second link to a linked peer comes up, both ends keep the link dialled by the
//! smaller node id, and close the other: a link that loses is closed silently (it never was `Up`); a link that
//! wins over the live one is reported `Down` ("duplicate") before the new one is `Up`. When both links were
//! dialled by the same side (a redial while a dead link is not yet noticed) the newer one wins. Admissions take
//! turns, so that `Up` and `Down` of one link always reach the mesh in that order.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bitcraps_wire::NodeId;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};

use super::book::{PeerBook, PeerKey};
use super::handshake::{self, LocalKeys, Session};
use super::link::{self, LinkCtl, LinkParams, LinkSetup};
use crate::transport::{BanList, LinkHandle, LinkId, LinkInfo, PeerAddr, TransportEvent};

/// The name of this transport.
pub const NAME: &str = "lan";

/// Queue length of a link's writer.
pub const LINK_QUEUE: usize = 1024;

/// A live link in the registry.
#[derive(Debug)]
struct Entry {
    link: LinkId,
    /// The node id that dialled this link.
    dialler: NodeId,
    ctl: Arc<LinkCtl>,
}

/// What became of a finished handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// The link is up.
    Linked,
    /// The connection was closed (self, banned, or it lost to the peer's live link).
    Refused,
}

/// Shared by the accept loop, the dialers, mDNS and the links.
#[derive(Debug)]
pub struct Hub {
    pub me: NodeId,
    pub keys: LocalKeys,
    pub params: LinkParams,
    pub events: mpsc::Sender<TransportEvent>,
    pub bans: BanList,
    pub shutdown: watch::Receiver<bool>,
    links: Mutex<HashMap<NodeId, Entry>>,
    /// Held by one admission from its registry check until its `Up` is sent, so that a link replacing it cannot
    /// report it `Down` before it was reported `Up`.
    admitting: tokio::sync::Mutex<()>,
    /// The peers this node expects to reach (lock order: `book`, then `links`).
    book: Mutex<PeerBook>,
    next_link: AtomicU64,
    /// Bumped whenever a link comes up or goes down (dialers wait on it).
    changes: watch::Sender<u64>,
}

impl Hub {
    pub fn new(
        me: NodeId,
        keys: LocalKeys,
        params: LinkParams,
        events: mpsc::Sender<TransportEvent>,
        bans: BanList,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        Self {
            me,
            keys,
            params,
            events,
            bans,
            shutdown,
            links: Mutex::new(HashMap::new()),
            admitting: tokio::sync::Mutex::new(()),
            book: Mutex::new(PeerBook::default()),
            next_link: AtomicU64::new(1),
            changes: watch::Sender::new(0),
        }
    }

    /// Whether a link to `peer` is live.
    pub fn is_linked(&self, peer: &NodeId) -> bool {
        self.links.lock().map(|links| links.contains_key(peer)).unwrap_or(false)
    }

    /// How many links are live.
    pub fn link_count(&self) -> usize {
        self.links.lock().map(|links| links.len()).unwrap_or(0)
    }

    /// A receiver that wakes when the registry changes.
    pub fn watch_changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn bump(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
        self.report_reach();
    }

    /// Expects to reach `key` (a configured peer when `pinned`, else an announced one).
    pub fn expect(&self, key: PeerKey, pinned: bool) {
        if let Ok(mut book) = self.book.lock() {
            book.expect(key, pinned, Instant::now());
        }
        self.report_reach();
    }

    /// Stops expecting an announced peer.
    pub fn forget(&self, key: PeerKey) {
        if let Ok(mut book) = self.book.lock() {
            book.forget(key);
        }
        self.report_reach();
    }

    /// The static peer dialled at `addr` proved to be `id`.
    pub fn learned(&self, addr: SocketAddr, id: NodeId) {
        if let Ok(mut book) = self.book.lock() {
            book.learned(addr, id);
        }
        self.report_reach();
    }

    /// Tells the mesh how many expected peers there are and how many are linked. Best effort: when the event
    /// queue is full the report is dropped, and the next change sends a fresh one.
    fn report_reach(&self) {
        let Ok(book) = self.book.lock() else { return };
        let (known, linked) = book.reach(|id| self.is_linked(id));
        drop(book);
        let _ = self.events.try_send(TransportEvent::Reach { known, linked });
    }

    async fn report_attempt(&self, outbound: bool, started: Instant, ok: bool) {
        let event = TransportEvent::Attempt { outbound, took: started.elapsed(), ok };
        let _ = self.events.send(event).await;
    }

    /// Reports a refused connection.
    pub async fn reject(&self, addr: SocketAddr, peer: Option<NodeId>, reason: &'static str, detail: String) {
        tracing::debug!(%addr, reason, %detail, "lan: connection refused");
        let event = TransportEvent::Rejected { addr: PeerAddr::Tcp(addr), peer, reason, detail };
        let _ = self.events.send(event).await;
    }

    /// Dials `addr` and runs the handshake (expecting `expected` if known), then admits the link. `Err` carries
    /// the peer id if the handshake proved one.
    pub async fn dial(self: &Arc<Self>, addr: SocketAddr, expected: Option<NodeId>) -> Result<(NodeId, Admission), ()> {
        let started = Instant::now();
        let connect = tokio::time::timeout(self.params.io_timeout, TcpStream::connect(addr)).await;
        let mut stream = match connect {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => {
                tracing::debug!(%addr, error = %e, "lan: dial failed");
                self.report_attempt(true, started, false).await;
                return Err(());
            }
            Err(_) => {
                tracing::debug!(%addr, "lan: dial timed out");
                self.report_attempt(true, started, false).await;
                return Err(());
            }
        };
        let _ = stream.set_nodelay(true);
        match handshake::initiate(&mut stream, &self.keys, expected, self.params.io_timeout).await {
            Ok(session) => {
                self.report_attempt(true, started, true).await;
                let peer = session.peer;
                Ok((peer, self.admit(stream, addr, session, true).await))
            }
            Err(e) => {
                self.report_attempt(true, started, false).await;
                self.reject(addr, expected, e.reason(), e.to_string()).await;
                Err(())
            }
        }
    }

    /// Runs the responder's handshake on an accepted connection, then admits the link.
    /// `started` is when the connection was accepted.
    pub async fn accept(self: &Arc<Self>, mut stream: TcpStream, addr: SocketAddr, started: Instant) {
        let _ = stream.set_nodelay(true);
        match handshake::respond(&mut stream, &self.keys, self.params.io_timeout).await {
            Ok(session) => {
                self.report_attempt(false, started, true).await;
                self.admit(stream, addr, session, false).await;
            }
            Err(e) => {
                self.report_attempt(false, started, false).await;
                self.reject(addr, None, e.reason(), e.to_string()).await;
            }
        }
    }

    /// Applies the self, ban and one-link-per-peer rules to a finished handshake; starts the link if it stays.
    async fn admit(
        self: &Arc<Self>,
        stream: TcpStream,
        addr: SocketAddr,
        session: Session,
        outbound: bool,
    ) -> Admission {
        let Session { peer, noise } = session;
        if *self.shutdown.borrow() {
            return Admission::Refused;
        }
        if peer == self.me {
            tracing::debug!(%addr, "lan: closed a link to ourselves");
            return Admission::Refused;
        }
        if self.bans.is_banned(&peer) {
            self.reject(addr, Some(peer), "banned", format!("{} is banned", peer.to_hex())).await;
            return Admission::Refused;
        }
        let admitting = self.admitting.lock().await;
        let dialler = if outbound { self.me } else { peer };
        let link = LinkId(self.next_link.fetch_add(1, Ordering::Relaxed));
        let ctl = Arc::new(LinkCtl::default());
        let replaced = {
            let Ok(mut links) = self.links.lock() else { return Admission::Refused };
            if let Some(live) = links.get(&peer)
                && !new_link_wins(live.dialler, dialler)
            {
                tracing::debug!(%addr, peer = %peer.to_hex(), "lan: closed a duplicate link");
                return Admission::Refused;
            }
            links.insert(peer, Entry { link, dialler, ctl: Arc::clone(&ctl) })
        };
        if let Some(old) = replaced {
            old.ctl.kill();
            if old.ctl.claim_down() {
                let _ = self.events.send(TransportEvent::Down { link: old.link, reason: "duplicate".to_owned() }).await;
            }
        }
        let discovered =
            self.book.lock().ok().and_then(|mut book| book.link_up(peer, outbound.then_some(addr), Instant::now()));
        if let Some(took) = discovered {
            let _ = self.events.send(TransportEvent::Discovered { peer, took }).await;
        }
        self.bump();
        let (handle, outgoing) = LinkHandle::channel(LINK_QUEUE);
        let info = LinkInfo { peer, addr: PeerAddr::Tcp(addr), transport: NAME, outbound };
        tracing::debug!(link = link.0, peer = %peer.to_hex(), %addr, outbound, "lan link up");
        let _ = self.events.send(TransportEvent::Up { link, info, handle }).await;
        drop(admitting);
        let setup = LinkSetup {
            link,
            peer,
            addr: PeerAddr::Tcp(addr),
            params: self.params,
            events: self.events.clone(),
            ctl,
            shutdown: self.shutdown.clone(),
        };
        let hub = Arc::clone(self);
        tokio::spawn(async move {
            link::run(setup, stream, noise, outgoing).await;
            hub.remove(&peer, link);
        });
        Admission::Linked
    }

    fn remove(&self, peer: &NodeId, link: LinkId) {
        if let Ok(mut links) = self.links.lock()
            && links.get(peer).is_some_and(|e| e.link == link)
        {
            links.remove(peer);
        }
        self.bump();
    }
}

/// Whether a new link dialled by `new` replaces the live one dialled by `live` (see the module docs).
pub fn new_link_wins(live: NodeId, new: NodeId) -> bool {
    new <= live
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ends_keep_the_link_dialled_by_the_smaller_id() {
        let (small, big) = (NodeId([1; 32]), NodeId([2; 32]));
        // Whichever came first, the link dialled by `small` stays.
        assert!(new_link_wins(big, small));
        assert!(!new_link_wins(small, big));
        // Same dialler: the newer link replaces a stale one.
        assert!(new_link_wins(small, small) && new_link_wins(big, big));
    }
}
