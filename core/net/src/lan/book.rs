//! The peers the LAN transport expects to reach, for the discovery time and the partition state.
//!
//! A peer is *expected* from the moment this node learns of it: a static peer (`net.peers`) when the transport
//! starts, an mDNS peer when its announcement resolves. Its **discovery time** is measured once, from that moment
//! to its first link coming up (whoever dialled); a peer that reached us by an inbound link before we learned of it
//! is never measured (there was nothing to discover). mDNS peers are forgotten when their announcement is
//! withdrawn (and measured again if they come back); static peers stay expected for the node's lifetime. A static
//! peer configured without an id is keyed by its address until a handshake proves who it is.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bitcraps_wire::NodeId;

/// How an expected peer is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerKey {
    /// By its proven or announced id.
    Id(NodeId),
    /// A static peer without an id, by the address it is dialled at.
    Addr(SocketAddr),
}

#[derive(Debug, Clone, Copy)]
struct Expected {
    since: Instant,
    /// Configured: never forgotten.
    pinned: bool,
    /// The discovery time was measured already.
    measured: bool,
}

/// The expected peers (see the module docs).
#[derive(Debug, Default)]
pub struct PeerBook {
    expected: HashMap<PeerKey, Expected>,
}

impl PeerBook {
    /// Expects `key` from `now` on (no change if it is expected already); `pinned` for a configured peer.
    pub fn expect(&mut self, key: PeerKey, pinned: bool, now: Instant) {
        let entry = self.expected.entry(key).or_insert(Expected { since: now, pinned, measured: false });
        entry.pinned |= pinned;
    }

    /// Stops expecting an announced peer (its announcement was withdrawn); configured peers stay.
    pub fn forget(&mut self, key: PeerKey) {
        if self.expected.get(&key).is_some_and(|e| !e.pinned) {
            self.expected.remove(&key);
        }
    }

    /// A handshake with the static peer dialled at `addr` proved it is `id`: key it by id from now on.
    pub fn learned(&mut self, addr: SocketAddr, id: NodeId) {
        if let Some(entry) = self.expected.remove(&PeerKey::Addr(addr)) {
            let slot = self.expected.entry(PeerKey::Id(id)).or_insert(entry);
            slot.pinned |= entry.pinned;
            slot.since = slot.since.min(entry.since);
        }
    }

    /// A link with `id` came up at `now` (`dialled`: the address this node dialled). Returns the discovery time
    /// if this is the first link with an expected peer.
    pub fn link_up(&mut self, id: NodeId, dialled: Option<SocketAddr>, now: Instant) -> Option<Duration> {
        if let Some(addr) = dialled {
            self.learned(addr, id);
        }
        let entry = self.expected.get_mut(&PeerKey::Id(id))?;
        if entry.measured {
            return None;
        }
        entry.measured = true;
        Some(now.saturating_duration_since(entry.since))
    }

    /// How many peers are expected, and how many of them `is_linked` says are linked.
    pub fn reach(&self, is_linked: impl Fn(&NodeId) -> bool) -> (usize, usize) {
        let linked = self.expected.keys().filter(|k| matches!(k, PeerKey::Id(id) if is_linked(id))).count();
        (self.expected.len(), linked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn discovery_is_measured_once_from_when_the_peer_was_learned() {
        let t0 = Instant::now();
        let (a, b) = (NodeId([1; 32]), NodeId([2; 32]));
        let mut book = PeerBook::default();
        book.expect(PeerKey::Id(a), false, t0);
        // Announced again later: still measured from the first time.
        book.expect(PeerKey::Id(a), false, t0 + Duration::from_secs(5));
        assert_eq!(book.link_up(a, None, t0 + Duration::from_millis(1_500)), Some(Duration::from_millis(1_500)));
        assert_eq!(book.link_up(a, None, t0 + Duration::from_secs(9)), None, "a relink is not a discovery");
        assert_eq!(book.link_up(b, None, t0), None, "an inbound stranger was not discovered");
    }

    #[test]
    fn a_static_peer_without_an_id_is_keyed_by_address_until_its_handshake() {
        let t0 = Instant::now();
        let id = NodeId([3; 32]);
        let mut book = PeerBook::default();
        book.expect(PeerKey::Addr(addr(7000)), true, t0);
        assert_eq!(book.reach(|_| true), (1, 0), "not linkable before its id is known");
        let took = book.link_up(id, Some(addr(7000)), t0 + Duration::from_millis(20));
        assert_eq!(took, Some(Duration::from_millis(20)));
        assert_eq!(book.reach(|p| *p == id), (1, 1));
        book.forget(PeerKey::Id(id));
        assert_eq!(book.reach(|_| false), (1, 0), "a configured peer is never forgotten");
    }

    #[test]
    fn withdrawn_announcements_are_forgotten_and_measured_again() {
        let t0 = Instant::now();
        let id = NodeId([4; 32]);
        let mut book = PeerBook::default();
        book.expect(PeerKey::Id(id), false, t0);
        assert!(book.link_up(id, None, t0).is_some());
        book.forget(PeerKey::Id(id));
        assert_eq!(book.reach(|_| true), (0, 0));
        book.expect(PeerKey::Id(id), false, t0 + Duration::from_secs(1));
        assert_eq!(book.link_up(id, None, t0 + Duration::from_secs(3)), Some(Duration::from_secs(2)));
    }
}
