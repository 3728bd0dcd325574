//! The router: the mesh task's state and what it does with each transport event and command.
//!
//! One task owns it, so nothing here locks except [`NetStatus`]'s counters and windows. Frames are handled in
//! bursts (whatever the transports queued since the last wake-up): cheap checks first, in order (link known,
//! neighbour not banned, rate, frame decode, message decode, age, duplicate, origin not banned), the costly
//! signature check last, and only a verified message is marked as seen, delivered and forwarded. With batch
//! verification on, the signatures of a burst's messages are checked together
//! ([`ed25519_dalek::verify_batch`]); if the batch fails, each is checked alone (strict), so a bad signature only
//! costs its own message and its sender's reputation.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bitcraps_wire::{Envelope, MeshFrame, Message, MessageId, NodeId, SignedMessage};
use ed25519_dalek::VerifyingKey;
use lru::LruCache;
use tokio::sync::mpsc;
use tracing::{debug, warn};

use super::Delivery;
use super::MeshCommand;
use super::peer::{Peer, START_REPUTATION, TokenBucket, penalty};
use crate::config::NetConfig;
use crate::metrics::NetStatus;
use crate::transport::{BanList, LinkId, SendError, TransportEvent};

/// Messages from further in the future than this (by their origin's clock) are refused as stale.
pub const MAX_CLOCK_AHEAD_MS: u64 = 30_000;

/// The time, read once per burst and passed in.
#[derive(Debug, Clone, Copy)]
pub struct Now {
    /// Unix milliseconds.
    pub ms: u64,
    /// Unix microseconds.
    pub us: u64,
    /// The monotonic clock.
    pub at: Instant,
}

impl Now {
    /// The system clocks now.
    pub fn system() -> Self {
        let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Self {
            ms: u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX),
            us: u64::try_from(since_epoch.as_micros()).unwrap_or(u64::MAX),
            at: Instant::now(),
        }
    }
}

/// A flooded message that passed the cheap checks and waits for its signature check.
#[derive(Debug)]
struct Pending {
    from: NodeId,
    id: MessageId,
    ttl: u8,
    hop_sent_us: u64,
    signed: SignedMessage,
    message: Message,
    key: VerifyingKey,
}

/// The mesh's state.
#[derive(Debug)]
pub struct Router {
    ttl: u8,
    rate_per_sec: u32,
    rate_burst: u32,
    max_age_ms: u64,
    ban_threshold: i32,
    ban_for: Duration,
    batch_verify: bool,
    local: NodeId,
    bans: BanList,
    status: Arc<NetStatus>,
    deliveries: mpsc::Sender<Delivery>,
    seen: LruCache<MessageId, ()>,
    peers: HashMap<NodeId, Peer>,
    links: HashMap<LinkId, NodeId>,
    pending: Vec<Pending>,
    peers_changed: bool,
}

impl Router {
    /// A router with no links.
    pub fn new(
        config: &NetConfig,
        batch_verify: bool,
        local: NodeId,
        bans: BanList,
        status: Arc<NetStatus>,
        deliveries: mpsc::Sender<Delivery>,
    ) -> Self {
        let capacity = NonZeroUsize::new(config.dedup_capacity).unwrap_or(NonZeroUsize::MIN);
        Self {
            ttl: config.ttl,
            rate_per_sec: config.rate_per_sec,
            rate_burst: config.rate_burst,
            max_age_ms: config.max_message_age_ms,
            ban_threshold: config.ban_threshold,
            ban_for: Duration::from_secs(config.ban_secs),
            batch_verify,
            local,
            bans,
            status,
            deliveries,
            seen: LruCache::new(capacity),
            peers: HashMap::new(),
            links: HashMap::new(),
            pending: Vec::new(),
            peers_changed: false,
        }
    }

    /// Handles one burst of transport events, in order.
    pub fn handle_events(&mut self, events: impl IntoIterator<Item = TransportEvent>, now: &Now) {
        let mut frames = 0;
        for event in events {
            match event {
                TransportEvent::Frame { link, frame } => {
                    frames += 1;
                    self.frame(link, &frame, now);
                }
                other => {
                    // Link changes apply after the frames that came before them.
                    self.flush(now);
                    self.link_event(other, now);
                }
            }
        }
        self.flush(now);
        self.status.count_in(frames);
        self.publish_if_changed();
    }

    /// Carries out one command of the table protocol.
    pub fn handle_command(&mut self, command: MeshCommand, now: &Now) {
        match command {
            MeshCommand::Broadcast(signed) => {
                self.seen.put(signed.id(), ());
                // Another's message passed on again (an equivocation's proof) may be old by now: neighbours would
                // refuse it as stale and count that against this node. Those that lack it could not take it anyway.
                let old = signed
                    .decode_unverified()
                    .is_ok_and(|m| m.timestamp_ms.saturating_add(self.max_age_ms / 2) < now.ms);
                if old {
                    debug!("not flooding an old message again");
                    return;
                }
                let frame = MeshFrame::Flood(Envelope { ttl: self.ttl, hop_sent_us: now.us, message: signed });
                self.send_all(&frame.encode(), None);
            }
            MeshCommand::Send { peer, frame } => {
                let link =
                    self.peers.get_mut(&peer).filter(|p| !p.banned).and_then(|p| Some((p.links.first()?.1.clone(), p)));
                match link {
                    Some((handle, p)) => match handle.send(frame.encode()) {
                        Ok(()) => {
                            p.messages_out += 1;
                            self.status.count_out(1);
                        }
                        Err(e) => self.status.count_dropped(send_error_reason(e), 1),
                    },
                    None => self.status.count_dropped("not_linked", 1),
                }
            }
            MeshCommand::Ban { origin, reason } => self.ban(origin, reason),
        }
        self.publish_if_changed();
    }

    /// Once a second: reputations recover, forgotten neighbours are dropped, the peer table and rates are
    /// published.
    pub fn tick(&mut self, now: &Now) {
        for peer in self.peers.values_mut() {
            peer.recover(now.at);
        }
        let bans = &self.bans;
        self.peers.retain(|id, p| {
            !p.links.is_empty() || (p.reputation < START_REPUTATION && (!p.banned || bans.is_banned(id)))
        });
        self.publish_peers();
        self.status.sample_rates(now.ms);
    }

    /// Publishes an empty peer table (the mesh stopped).
    pub fn clear(&mut self) {
        self.peers.clear();
        self.links.clear();
        self.publish_peers();
    }

    fn frame(&mut self, link: LinkId, bytes: &[u8], now: &Now) {
        let Some((from, peer)) = self.links.get(&link).and_then(|id| Some((*id, self.peers.get_mut(id)?))) else {
            self.status.count_dropped("unknown_link", 1);
            return;
        };
        peer.messages_in += 1;
        if peer.banned {
            self.status.count_dropped("banned", 1);
            return;
        }
        if !peer.bucket.take(now.at) {
            self.status.count_dropped("rate_limited", 1);
            if let Some(points) = peer.rate_penalty(now.at) {
                self.penalize(from, points, now);
            }
            return;
        }
        match MeshFrame::decode(bytes) {
            Ok(MeshFrame::Flood(envelope)) => self.flood(from, envelope, now),
            Ok(MeshFrame::SyncRequest { table, from_round }) => {
                self.deliver(Delivery::SyncRequest { from, table, from_round });
            }
            Ok(MeshFrame::SyncResponse { table, messages }) => {
                self.deliver(Delivery::SyncResponse { from, table, messages });
            }
            Err(e) => self.refuse(from, e.reason(), now),
        }
    }

    fn flood(&mut self, from: NodeId, envelope: Envelope, now: &Now) {
        let message = match envelope.message.decode_unverified() {
            Ok(message) => message,
            Err(e) => return self.refuse(from, e.reason(), now),
        };
        // Age before de-duplication: a replayed old message costs its sender even while its id is remembered.
        if message.timestamp_ms.saturating_add(self.max_age_ms) < now.ms
            || message.timestamp_ms > now.ms.saturating_add(MAX_CLOCK_AHEAD_MS)
        {
            return self.refuse(from, "stale", now);
        }
        let id = envelope.message.id();
        if self.seen.contains(&id) {
            self.status.count_duplicate();
            return;
        }
        if self.bans.is_banned(&message.origin) {
            self.status.count_dropped("banned", 1);
            return;
        }
        let key = match message.origin.verifying_key() {
            Ok(key) => key,
            Err(e) => return self.refuse(from, e.reason(), now),
        };
        let pending = Pending {
            from,
            id,
            ttl: envelope.ttl,
            hop_sent_us: envelope.hop_sent_us,
            signed: envelope.message,
            message,
            key,
        };
        if self.batch_verify {
            self.pending.push(pending);
        } else {
            let ok = self.verify_one(&pending, now);
            self.finish(pending, ok, now);
        }
    }

    /// Checks the signatures of the messages waiting for it and finishes them.
    fn flush(&mut self, now: &Now) {
        if self.pending.is_empty() {
            return;
        }
        let mut pending = std::mem::take(&mut self.pending);
        let started = Instant::now();
        // Batch verification is cofactored and does not refuse weak keys; a weak key fails the batch path and is
        // checked alone, strictly, like any other failure.
        let batch_ok = pending.len() > 1 && pending.iter().all(|p| !p.key.is_weak()) && {
            let messages: Vec<&[u8]> = pending.iter().map(|p| p.signed.bytes.as_slice()).collect();
            let signatures: Vec<_> = pending.iter().map(|p| p.signed.signature).collect();
            let keys: Vec<_> = pending.iter().map(|p| p.key).collect();
            ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
        };
        if batch_ok {
            let each = started.elapsed() / u32::try_from(pending.len()).unwrap_or(u32::MAX);
            for p in pending.drain(..) {
                self.status.observe_signature_verify(each, now.ms);
                self.finish(p, true, now);
            }
        } else {
            for p in pending.drain(..) {
                let ok = self.verify_one(&p, now);
                self.finish(p, ok, now);
            }
        }
        // Keep the allocation for the next burst.
        self.pending = pending;
    }

    fn verify_one(&self, p: &Pending, now: &Now) -> bool {
        let started = Instant::now();
        let ok = p.key.verify_strict(&p.signed.bytes, &p.signed.signature).is_ok();
        self.status.observe_signature_verify(started.elapsed(), now.ms);
        ok
    }

    /// Marks a verified message as seen, records its latencies, forwards and delivers it.
    fn finish(&mut self, p: Pending, verified: bool, now: &Now) {
        if !verified {
            return self.refuse(p.from, "bad_signature", now);
        }
        // Its sender may have been banned since, for an earlier message of the same burst.
        if self.peers.get(&p.from).is_some_and(|peer| peer.banned) {
            self.status.count_dropped("banned", 1);
            return;
        }
        // A copy may have been verified earlier in the same burst.
        if self.seen.put(p.id, ()).is_some() {
            self.status.count_duplicate();
            return;
        }
        let propagation = Duration::from_millis(now.ms.saturating_sub(p.message.timestamp_ms));
        self.status.observe_propagation(propagation, now.ms);
        self.status.observe_hop(Duration::from_micros(now.us.saturating_sub(p.hop_sent_us)), now.ms);
        if p.ttl > 1 {
            let sent_us = Now::system().us;
            let frame = MeshFrame::Flood(Envelope { ttl: p.ttl - 1, hop_sent_us: sent_us, message: p.signed.clone() });
            if self.send_all(&frame.encode(), Some(p.from)) > 0 {
                self.status.count_relayed();
            }
        }
        self.deliver(Delivery::Message { message: p.message, signed: p.signed, from: p.from });
    }

    /// Sends the same bytes to every linked neighbour but `except`; returns how many took them.
    fn send_all(&mut self, frame: &[u8], except: Option<NodeId>) -> u64 {
        let mut sent = 0;
        for (id, peer) in &mut self.peers {
            if Some(*id) == except || peer.banned {
                continue;
            }
            let Some((_, handle)) = peer.links.first() else { continue };
            match handle.send(frame.to_vec()) {
                Ok(()) => {
                    peer.messages_out += 1;
                    sent += 1;
                }
                Err(e) => self.status.count_dropped(send_error_reason(e), 1),
            }
        }
        self.status.count_out(sent);
        sent
    }

    fn deliver(&self, delivery: Delivery) {
        match self.deliveries.try_send(delivery) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                debug!("the table protocol is behind: a mesh delivery was dropped");
                self.status.count_dropped("delivery_full", 1);
            }
            // Nobody listens any more (shutting down).
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    /// Counts a refused message and lowers its sender's reputation.
    fn refuse(&mut self, from: NodeId, reason: &'static str, now: &Now) {
        debug!(peer = %from, reason, "refused a mesh frame");
        self.status.count_dropped(reason, 1);
        self.penalize(from, penalty::for_reason(reason), now);
    }

    fn penalize(&mut self, from: NodeId, points: i32, now: &Now) {
        let Some(peer) = self.peers.get_mut(&from) else { return };
        if peer.banned {
            return;
        }
        self.peers_changed = true;
        if peer.penalize(points, self.ban_threshold, now.at) {
            self.ban(from, "banned");
        }
    }

    /// Bans `node` for `ban_secs`, closes its links and counts `reason`.
    fn ban(&mut self, node: NodeId, reason: &'static str) {
        warn!(peer = %node, reason, secs = self.ban_for.as_secs(), "banned a peer");
        self.bans.ban(node, self.ban_for);
        self.status.count_dropped(reason, 1);
        if let Some(peer) = self.peers.get_mut(&node) {
            peer.banned = true;
            for (_, handle) in &peer.links {
                handle.close(reason);
            }
        }
        self.peers_changed = true;
    }

    fn link_event(&mut self, event: TransportEvent, now: &Now) {
        match event {
            TransportEvent::Up { link, info, handle } => {
                if info.peer == self.local || self.bans.is_banned(&info.peer) {
                    handle.close("banned");
                    self.status.count_dropped("banned", 1);
                    return;
                }
                let (rate, burst) = (self.rate_per_sec, self.rate_burst);
                let peer = self
                    .peers
                    .entry(info.peer)
                    .or_insert_with(|| Peer::new(TokenBucket::new(rate, burst, now.at), now.at));
                if peer.banned {
                    // The ban ran out: a fresh start.
                    peer.banned = false;
                    peer.reputation = START_REPUTATION;
                }
                let first = peer.links.is_empty();
                if first {
                    peer.connected_since_ms = now.ms;
                    peer.info = Some(info.clone());
                }
                peer.links.push((link, handle));
                self.links.insert(link, info.peer);
                self.peers_changed = true;
                if first {
                    self.deliver(Delivery::PeerUp { peer: info.peer });
                }
            }
            TransportEvent::Down { link, reason } => {
                let Some(node) = self.links.remove(&link) else { return };
                debug!(peer = %node, reason, "link down");
                if let Some(peer) = self.peers.get_mut(&node) {
                    peer.links.retain(|(id, _)| *id != link);
                    if peer.links.is_empty() && peer.reputation >= START_REPUTATION && !peer.banned {
                        self.peers.remove(&node);
                    }
                }
                self.peers_changed = true;
            }
            TransportEvent::Rtt { link, rtt } => {
                self.status.observe_rtt(rtt, now.ms);
                if let Some(peer) = self.links.get(&link).and_then(|id| self.peers.get_mut(id)) {
                    peer.rtt_ms = rtt.as_secs_f64() * 1000.0;
                }
            }
            TransportEvent::Traffic { link, bytes_in, bytes_out } => {
                if let Some(peer) = self.links.get(&link).and_then(|id| self.peers.get_mut(id)) {
                    peer.bytes_in += bytes_in;
                    peer.bytes_out += bytes_out;
                }
            }
            TransportEvent::Rejected { addr, peer, reason, detail } => {
                debug!(%addr, reason, detail, "transport refused a peer");
                self.status.count_dropped(reason, 1);
                if let (Some(peer), Some(points)) = (peer, penalty::for_transport(reason)) {
                    self.penalize(peer, points, now);
                }
            }
            TransportEvent::Attempt { took, ok, .. } => self.status.observe_attempt(took, ok, now.ms),
            TransportEvent::Discovered { peer, took } => {
                debug!(%peer, ms = took.as_millis(), "peer discovered");
                self.status.observe_discovery(took, now.ms);
            }
            TransportEvent::Reach { known, linked } => self.status.set_reach(known, linked),
            TransportEvent::Frame { .. } => {}
        }
    }

    fn publish_if_changed(&mut self) {
        if self.peers_changed {
            self.publish_peers();
        }
    }

    fn publish_peers(&mut self) {
        let mut table: Vec<_> = self.peers.values().filter_map(Peer::summary).collect();
        table.sort_by(|a, b| a.node_id.cmp(&b.node_id));
        self.status.set_peers(table);
        self.peers_changed = false;
    }
}

const fn send_error_reason(e: SendError) -> &'static str {
    match e {
        SendError::Full => "queue_full",
        SendError::Closed => "link_closed",
    }
}
