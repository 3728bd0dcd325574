//! The mesh router driven through a fake transport: links are `LinkHandle::channel` pairs, frames are pushed as
//! `TransportEvent`s, and what the mesh sends comes out of each link's `Outgoing` receiver and the deliveries.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bitcraps_net::NetConfig;
use bitcraps_net::mesh::{self, Delivery, MeshHandle, MeshOptions};
use bitcraps_net::metrics::NetStatus;
use bitcraps_net::transport::{BanList, LinkHandle, LinkId, LinkInfo, Outgoing, PeerAddr, TransportEvent};
use bitcraps_wire::{Envelope, MeshFrame, Message, NodeId, PROTOCOL_VERSION, Payload, SignedMessage, TableId};
use ed25519_dalek::SigningKey;
use tokio::sync::{mpsc, watch};

const WAIT: Duration = Duration::from_secs(5);

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn node(key: &SigningKey) -> NodeId {
    NodeId(key.verifying_key().to_bytes())
}

/// A message of `origin`, made unique by `n`.
fn signed(origin: &SigningKey, n: u64, timestamp_ms: u64) -> SignedMessage {
    let message = Message {
        version: PROTOCOL_VERSION,
        origin: node(origin),
        timestamp_ms,
        payload: Payload::Reveal { table: TableId([7; 16]), round: n, attempt: 0, nonce: [3; 32] },
    };
    SignedMessage::sign(&message, origin)
}

fn flood(message: SignedMessage, ttl: u8) -> Vec<u8> {
    MeshFrame::Flood(Envelope { ttl, hop_sent_us: now_ms() * 1000, message }).encode()
}

fn test_config() -> NetConfig {
    NetConfig { dedup_capacity: 1024, rate_per_sec: 10_000, rate_burst: 10_000, ..NetConfig::default() }
}

struct Link {
    peer: NodeId,
    out: mpsc::Receiver<Outgoing>,
}

struct Harness {
    events: mpsc::Sender<TransportEvent>,
    deliveries: mpsc::Receiver<Delivery>,
    mesh: MeshHandle,
    status: Arc<NetStatus>,
    bans: BanList,
    links: Vec<Link>,
    origin: SigningKey,
    barriers: u64,
    _shutdown: watch::Sender<bool>,
}

impl Harness {
    /// A mesh with `n` links up (peers with keys 1..=n).
    async fn start(config: NetConfig, n: u8, batch_verify: bool) -> Self {
        let (events, events_rx) = mpsc::channel(1024);
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (status, bans) = (Arc::new(NetStatus::new()), BanList::default());
        let options = MeshOptions { batch_verify, ..MeshOptions::default() };
        let (mesh, deliveries, _task) =
            mesh::spawn_with(&config, options, node(&key(100)), events_rx, bans.clone(), status.clone(), shutdown_rx);
        let mut h = Self {
            events,
            deliveries,
            mesh,
            status,
            bans,
            links: Vec::new(),
            origin: key(200),
            barriers: 0,
            _shutdown: shutdown,
        };
        for i in 0..n {
            let (handle, out) = LinkHandle::channel(256);
            let peer = node(&key(i + 1));
            let addr = PeerAddr::Tcp(([127, 0, 0, 1], 7000 + u16::from(i)).into());
            let info = LinkInfo { peer, addr, transport: "lan", outbound: i % 2 == 0 };
            h.events.send(TransportEvent::Up { link: LinkId(u64::from(i)), info, handle }).await.unwrap();
            h.links.push(Link { peer, out });
            match h.next().await {
                Delivery::PeerUp { peer: up } => assert_eq!(up, peer),
                other => panic!("expected PeerUp, got {other:?}"),
            }
        }
        h
    }

    async fn push(&self, link: usize, frame: Vec<u8>) {
        self.events.send(TransportEvent::Frame { link: LinkId(link as u64), frame }).await.unwrap();
    }

    async fn next(&mut self) -> Delivery {
        tokio::time::timeout(WAIT, self.deliveries.recv()).await.unwrap().unwrap()
    }

    /// Waits until the mesh handled every event pushed so far: a fresh TTL-1 message through `link` comes back.
    async fn barrier(&mut self, link: usize) {
        self.barriers += 1;
        let message = signed(&self.origin, 1_000_000 + self.barriers, now_ms());
        self.push(link, flood(message.clone(), 1)).await;
        match self.next().await {
            Delivery::Message { signed, .. } => assert_eq!(signed, message, "a delivery before the barrier"),
            other => panic!("expected the barrier, got {other:?}"),
        }
    }

    /// Frames queued on a link so far (envelopes), and whether it was asked to close.
    fn drain(&mut self, link: usize) -> (Vec<Envelope>, bool) {
        let (mut frames, mut closed) = (Vec::new(), false);
        while let Ok(out) = self.links[link].out.try_recv() {
            match out {
                Outgoing::Frame(bytes) => match MeshFrame::decode(&bytes).unwrap() {
                    MeshFrame::Flood(envelope) => frames.push(envelope),
                    other => panic!("unexpected frame {other:?}"),
                },
                Outgoing::Close { .. } => closed = true,
            }
        }
        (frames, closed)
    }

    fn reputation(&self, link: usize) -> i32 {
        let id = self.links[link].peer.to_hex();
        let summary = self.status.summary(now_ms());
        summary.peers.iter().find(|p| p.node_id == id).map_or(i32::MIN, |p| p.reputation)
    }

    fn dropped(&self, reason: &str) -> u64 {
        self.status.dropped(reason)
    }
}

#[tokio::test]
async fn flood_is_delivered_once_and_forwarded_to_the_other_links_with_ttl_minus_one() {
    for batch in [false, true] {
        let mut h = Harness::start(test_config(), 3, batch).await;
        let message = signed(&h.origin, 1, now_ms());
        h.push(0, flood(message.clone(), 5)).await;
        match h.next().await {
            Delivery::Message { signed, from, message: m } => {
                assert_eq!((signed, from, m.origin), (message.clone(), h.links[0].peer, node(&h.origin)));
            }
            other => panic!("expected the message, got {other:?}"),
        }
        // The same message again, from another neighbour: a duplicate, no penalty.
        h.push(1, flood(message.clone(), 4)).await;
        h.barrier(2).await;
        assert!(h.drain(0).0.is_empty(), "not sent back to its sender");
        for link in [1, 2] {
            let (frames, closed) = h.drain(link);
            assert!(!closed);
            assert_eq!(frames.len(), 1, "link {link}: {frames:?}");
            assert_eq!((frames[0].ttl, &frames[0].message), (4, &message));
        }
        assert_eq!(h.status.summary(now_ms()).stats.duplicates, 1);
        assert_eq!(h.reputation(1), 100);
        assert_eq!(h.status.summary(now_ms()).stats.relayed, 1);
    }
}

#[tokio::test]
async fn ttl_one_is_delivered_but_not_forwarded() {
    let mut h = Harness::start(test_config(), 2, false).await;
    h.barrier(0).await;
    assert!(h.drain(1).0.is_empty());
    assert_eq!(h.status.summary(now_ms()).stats.relayed, 0);
}

#[tokio::test]
async fn bad_signatures_lower_reputation_until_the_neighbour_is_banned() {
    for batch in [false, true] {
        let mut h = Harness::start(test_config(), 2, batch).await;
        let forged = |n: u64| {
            let mut message = signed(&key(200), n, now_ms());
            message.signature = key(201).sign_message(&message.bytes);
            flood(message, 3)
        };
        h.push(0, forged(1)).await;
        h.barrier(1).await;
        assert_eq!((h.dropped("bad_signature"), h.reputation(0)), (1, 75));
        for n in 2..=4 {
            h.push(0, forged(n)).await;
        }
        // Queued behind the ban: dropped, even though it is valid.
        h.push(0, flood(signed(&h.origin, 50, now_ms()), 3)).await;
        h.barrier(1).await;
        let (frames, closed) = h.drain(0);
        assert!(closed && frames.is_empty(), "the banned neighbour's link is closed");
        assert!(h.drain(1).0.is_empty(), "nothing forged or banned was forwarded");
        assert!(h.bans.is_banned(&h.links[0].peer));
        assert_eq!(h.dropped("bad_signature"), 4);
        assert_eq!(h.dropped("banned"), 2, "the ban itself and the message after it");
        assert!(h.status.summary(now_ms()).banned.contains(&h.links[0].peer.to_hex()));
    }
}

trait SignExt {
    fn sign_message(&self, bytes: &[u8]) -> ed25519_dalek::Signature;
}

impl SignExt for SigningKey {
    fn sign_message(&self, bytes: &[u8]) -> ed25519_dalek::Signature {
        use ed25519_dalek::Signer;
        self.sign(bytes)
    }
}

#[tokio::test]
async fn stale_and_future_messages_are_refused() {
    let mut h = Harness::start(test_config(), 2, false).await;
    h.push(0, flood(signed(&h.origin, 1, now_ms() - 120_000), 3)).await;
    h.push(0, flood(signed(&h.origin, 2, now_ms() + 120_000), 3)).await;
    h.barrier(1).await;
    assert_eq!((h.dropped("stale"), h.reputation(0)), (2, 80));
    assert!(h.drain(1).0.is_empty());
}

#[tokio::test]
async fn malformed_frames_are_refused() {
    let mut h = Harness::start(test_config(), 2, false).await;
    h.push(0, vec![0xff, 0x00, 0x13]).await;
    let mut trailing = flood(signed(&h.origin, 1, now_ms()), 3);
    trailing.push(0);
    h.push(0, trailing).await;
    h.barrier(1).await;
    assert_eq!((h.dropped("malformed"), h.reputation(0)), (2, 60));
}

#[tokio::test]
async fn a_neighbour_over_its_rate_is_limited_and_slightly_penalized() {
    let config = NetConfig { rate_per_sec: 1, rate_burst: 3, ..test_config() };
    let mut h = Harness::start(config, 2, false).await;
    for n in 0..6 {
        h.push(0, flood(signed(&h.origin, n, now_ms()), 1)).await;
    }
    for _ in 0..3 {
        assert!(matches!(h.next().await, Delivery::Message { .. }));
    }
    h.barrier(1).await;
    assert_eq!(h.dropped("rate_limited"), 3);
    assert_eq!(h.reputation(0), 98, "one penalty for the second of excess, not one per message");
}

#[tokio::test]
async fn ban_command_closes_the_links_and_drops_the_origins_messages() {
    let mut h = Harness::start(test_config(), 3, false).await;
    let banned = key(2);
    h.mesh.ban(h.links[1].peer, "equivocation").await;
    match tokio::time::timeout(WAIT, h.links[1].out.recv()).await.unwrap() {
        Some(Outgoing::Close { reason }) => assert_eq!(reason, "equivocation"),
        other => panic!("expected a close, got {other:?}"),
    }
    h.push(0, flood(signed(&banned, 1, now_ms()), 3)).await;
    h.barrier(2).await;
    assert_eq!((h.dropped("equivocation"), h.dropped("banned")), (1, 1));
    assert!(h.drain(2).0.is_empty());
    assert_eq!(h.reputation(0), 100, "relaying a banned origin is no fault of the neighbour");
}

#[tokio::test]
async fn broadcast_goes_to_every_link_with_the_configured_ttl() {
    let config = test_config();
    let ttl = config.ttl;
    let mut h = Harness::start(config, 3, false).await;
    let mine = signed(&key(100), 1, now_ms());
    h.mesh.broadcast(mine.clone()).await;
    for link in 0..3 {
        match tokio::time::timeout(WAIT, h.links[link].out.recv()).await.unwrap() {
            Some(Outgoing::Frame(bytes)) => match MeshFrame::decode(&bytes).unwrap() {
                MeshFrame::Flood(envelope) => assert_eq!((envelope.ttl, envelope.message), (ttl, mine.clone())),
                other => panic!("unexpected {other:?}"),
            },
            other => panic!("expected a frame, got {other:?}"),
        }
    }
    // Our own message coming back is a duplicate.
    h.push(0, flood(mine, ttl - 1)).await;
    h.barrier(1).await;
    assert_eq!(h.status.summary(now_ms()).stats.duplicates, 1);
}

#[tokio::test]
async fn an_old_message_is_not_flooded_again() {
    let config = test_config();
    let max_age = config.max_message_age_ms;
    let mut h = Harness::start(config, 2, false).await;
    // An equivocation's proof passed on after half the allowed age: neighbours would refuse it as stale.
    h.mesh.broadcast(signed(&key(100), 1, now_ms() - max_age / 2 - 1_000)).await;
    let fresh = signed(&key(100), 2, now_ms() - max_age / 4);
    h.mesh.broadcast(fresh.clone()).await;
    h.barrier(1).await;
    let sent: Vec<_> = h.drain(0).0.into_iter().map(|e| e.message).collect();
    assert_eq!(sent, [fresh]);
}

#[tokio::test]
async fn transport_rejections_and_link_changes_reach_the_summary() {
    let mut h = Harness::start(test_config(), 3, false).await;
    for n in 0..4 {
        h.push(0, flood(signed(&h.origin, n, now_ms()), 3)).await;
    }
    for _ in 0..4 {
        h.next().await;
    }
    let addr = PeerAddr::Tcp(([127, 0, 0, 1], 7002).into());
    let rejected =
        TransportEvent::Rejected { addr, peer: Some(h.links[2].peer), reason: "decrypt", detail: "bad tag".into() };
    h.events.send(rejected).await.unwrap();
    h.events.send(TransportEvent::Rtt { link: LinkId(1), rtt: Duration::from_millis(3) }).await.unwrap();
    h.events.send(TransportEvent::Traffic { link: LinkId(1), bytes_in: 1000, bytes_out: 2000 }).await.unwrap();
    h.barrier(1).await;
    assert_eq!((h.dropped("decrypt"), h.reputation(2)), (1, 50));
    // Peer counters are published once a second.
    let mut summary = h.status.summary(now_ms());
    for _ in 0..100 {
        if summary.peers.iter().any(|p| p.bytes_in == 1000) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        summary = h.status.summary(now_ms());
    }
    assert_eq!(summary.peers.len(), 3);
    let peer = |link: usize| summary.peers.iter().find(|p| p.node_id == h.links[link].peer.to_hex()).unwrap();
    assert_eq!((peer(0).messages_in, peer(0).address.as_str(), peer(0).outbound), (4, "127.0.0.1:7000", true));
    assert_eq!((peer(1).messages_out, peer(2).messages_out), (4, 4));
    assert_eq!((peer(1).bytes_in, peer(1).bytes_out, peer(1).rtt_ms), (1000, 2000, 3.0));
    assert!(peer(0).connected_since_ms > 0 && peer(0).transport == "lan");
    let stats = &summary.stats;
    assert_eq!((stats.messages_in, stats.messages_out, stats.relayed), (5, 8, 4));
    assert!(stats.signature_verify.count == 5 && stats.per_hop.count == 5 && stats.propagation.count == 5);
    assert_eq!(stats.link_rtt.count, 1);
    assert!(summary.enabled);

    h.events.send(TransportEvent::Down { link: LinkId(0), reason: "eof".into() }).await.unwrap();
    h.barrier(1).await;
    assert_eq!(h.status.summary(now_ms()).peers.len(), 2);
}
