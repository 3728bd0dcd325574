//! The LAN transport over real sockets on 127.0.0.1 (mDNS off): handshake and identity, the link's defences,
//! keepalive, reconnect, bans, one link per peer, and a throughput measurement.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bitcraps_net::NetConfig;
use bitcraps_net::lan::LanTransport;
use bitcraps_net::lan::testing::RawClient;
use bitcraps_net::transport::{BanList, LinkHandle, LinkId, SendError, Transport, TransportEvent};
use bitcraps_wire::NodeId;
use ed25519_dalek::SigningKey;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(5);

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn id(key: &SigningKey) -> NodeId {
    NodeId(key.verifying_key().to_bytes())
}

fn config(peers: Vec<String>) -> NetConfig {
    NetConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        peers,
        mdns: false,
        reconnect_min_ms: 50,
        reconnect_max_ms: 400,
        io_timeout_ms: 2_000,
        ..NetConfig::default()
    }
}

fn peer_entry(node: &TestNode) -> String {
    format!("{}@{}", node.id.to_hex(), node.addr)
}

/// A running transport and everything a test watches of it.
struct TestNode {
    addr: SocketAddr,
    id: NodeId,
    events: mpsc::Receiver<TransportEvent>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    /// Live links (from Up minus Down) and their handles.
    live: HashMap<LinkId, (NodeId, LinkHandle)>,
}

impl TestNode {
    fn start(config: &NetConfig, key: SigningKey, bans: BanList) -> TestNode {
        let transport = LanTransport::bind(config, key).unwrap();
        assert_eq!(transport.name(), "lan");
        let (addr, id) = (transport.local_addr(), transport.node_id());
        let (tx, events) = mpsc::channel(4096);
        let (stop, shutdown) = watch::channel(false);
        let task = tokio::spawn(Box::new(transport).run(tx, bans, shutdown));
        TestNode { addr, id, events, stop, task, live: HashMap::new() }
    }

    /// The next event that `pick` accepts, within `within` (every event seen updates `live`).
    async fn wait_for<T>(&mut self, within: Duration, mut pick: impl FnMut(&TransportEvent) -> Option<T>) -> Option<T> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let event = tokio::time::timeout_at(deadline, self.events.recv()).await.ok()??;
            let picked = pick(&event);
            match event {
                TransportEvent::Up { link, info, handle } => {
                    self.live.insert(link, (info.peer, handle));
                }
                TransportEvent::Down { link, .. } => {
                    self.live.remove(&link);
                }
                _ => {}
            }
            if picked.is_some() {
                return picked;
            }
        }
    }

    async fn up(&mut self) -> (LinkId, NodeId, bool) {
        let up = self.wait_for(WAIT, |e| match e {
            TransportEvent::Up { link, info, .. } => Some((*link, info.peer, info.outbound)),
            _ => None,
        });
        up.await.expect("a link comes up")
    }

    async fn rejected(&mut self) -> (&'static str, Option<NodeId>, bool) {
        let mut saw_up = false;
        let rejected = self.wait_for(WAIT, |e| match e {
            TransportEvent::Rejected { reason, peer, .. } => Some((*reason, *peer)),
            TransportEvent::Up { .. } => {
                saw_up = true;
                None
            }
            _ => None,
        });
        let (reason, peer) = rejected.await.expect("a rejection");
        (reason, peer, saw_up)
    }

    async fn frame(&mut self) -> (LinkId, Vec<u8>) {
        self.frame_within(WAIT).await.expect("a frame arrives")
    }

    async fn frame_within(&mut self, within: Duration) -> Option<(LinkId, Vec<u8>)> {
        self.wait_for(within, |e| match e {
            TransportEvent::Frame { link, frame } => Some((*link, frame.clone())),
            _ => None,
        })
        .await
    }

    fn handle(&self, link: LinkId) -> LinkHandle {
        self.live.get(&link).expect("live link").1.clone()
    }

    async fn stop(self) {
        let _ = self.stop.send(true);
        tokio::time::timeout(WAIT, self.task).await.expect("transport stops promptly").unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_transports_link_and_exchange_frames() {
    let (ka, kb) = (key(1), key(2));
    let mut b = TestNode::start(&config(vec![]), kb, BanList::default());
    let mut a = TestNode::start(&config(vec![peer_entry(&b)]), ka, BanList::default());
    let (la, peer_a, out_a) = a.up().await;
    let (lb, peer_b, out_b) = b.up().await;
    assert_eq!((peer_a, out_a), (b.id, true));
    assert_eq!((peer_b, out_b), (a.id, false));
    a.handle(la).send(b"hello b".to_vec()).unwrap();
    assert_eq!(b.frame().await, (lb, b"hello b".to_vec()));
    b.handle(lb).send(b"hello a".to_vec()).unwrap();
    assert_eq!(a.frame().await, (la, b"hello a".to_vec()));
    a.stop().await;
    let down = b.wait_for(WAIT, |e| matches!(e, TransportEvent::Down { link, .. } if *link == lb).then_some(()));
    assert!(down.await.is_some(), "b sees the link go down");
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linking_reports_the_attempt_the_discovery_and_the_reach() {
    let (ka, kb) = (key(1), key(2));
    let mut b = TestNode::start(&config(vec![]), kb, BanList::default());
    let mut a = TestNode::start(&config(vec![peer_entry(&b)]), ka, BanList::default());
    let dialled = a.wait_for(WAIT, |e| match e {
        TransportEvent::Attempt { outbound: true, ok, .. } => Some(*ok),
        _ => None,
    });
    assert_eq!(dialled.await, Some(true), "the dial is one successful attempt");
    let discovered = a.wait_for(WAIT, |e| match e {
        TransportEvent::Discovered { peer, took } => Some((*peer, *took)),
        _ => None,
    });
    let (peer, took) = discovered.await.expect("the configured peer is discovered");
    assert_eq!(peer, b.id);
    assert!(took > Duration::ZERO, "{took:?}");
    let reach = a.wait_for(WAIT, |e| match e {
        TransportEvent::Reach { known: 1, linked: 1 } => Some(()),
        _ => None,
    });
    assert!(reach.await.is_some(), "the one configured peer is linked");
    let accepted = b.wait_for(WAIT, |e| match e {
        TransportEvent::Attempt { outbound: false, ok, .. } => Some(*ok),
        _ => None,
    });
    assert_eq!(accepted.await, Some(true), "the accept is one successful attempt");
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_static_peer_with_the_wrong_id_is_rejected() {
    let b = TestNode::start(&config(vec![]), key(2), BanList::default());
    let wrong = format!("{}@{}", NodeId([9; 32]).to_hex(), b.addr);
    let mut a = TestNode::start(&config(vec![wrong]), key(1), BanList::default());
    let (reason, _, saw_up) = a.rejected().await;
    assert_eq!(reason, "identity");
    assert!(!saw_up && a.live.is_empty(), "no link to an impostor");
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proof_signing_another_static_key_is_rejected() {
    let mut b = TestNode::start(&config(vec![]), key(2), BanList::default());
    let mut client = RawClient::connect(b.addr, &key(3), Some([7; 32])).await.unwrap();
    let (reason, _, saw_up) = b.rejected().await;
    assert_eq!(reason, "identity");
    assert!(!saw_up);
    assert!(client.closed_within(WAIT).await, "the socket is closed");
    b.stop().await;
}

/// A link from a raw client that completed a valid handshake: (client, b's link id).
async fn raw_link(b: &mut TestNode, seed: u8) -> (RawClient, LinkId) {
    let client = RawClient::connect(b.addr, &key(seed), None).await.unwrap();
    assert_eq!(client.peer, b.id);
    let (link, peer, outbound) = b.up().await;
    assert_eq!((peer, outbound), (id(&key(seed)), false));
    (client, link)
}

async fn down_reason(b: &mut TestNode, link: LinkId) -> String {
    let down = b.wait_for(WAIT, |e| match e {
        TransportEvent::Down { link: l, reason } if *l == link => Some(reason.clone()),
        _ => None,
    });
    down.await.expect("the link goes down")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_header_closes_the_link_before_its_body() {
    let mut b = TestNode::start(&config(vec![]), key(2), BanList::default());
    let (mut client, link) = raw_link(&mut b, 3).await;
    client.send_data(b"fine").await.unwrap();
    assert_eq!(b.frame().await, (link, b"fine".to_vec()));
    client.send_raw(&u16::MAX.to_be_bytes()).await.unwrap();
    let (reason, peer, _) = b.rejected().await;
    assert_eq!((reason, peer), ("oversized", Some(id(&key(3)))));
    assert_eq!(down_reason(&mut b, link).await, "oversized");
    assert!(client.closed_within(WAIT).await, "closed without waiting for the body");
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_ciphertext_and_unknown_tags_close_the_link() {
    let mut b = TestNode::start(&config(vec![]), key(2), BanList::default());
    let (mut client, link) = raw_link(&mut b, 3).await;
    let mut garbage = 40u16.to_be_bytes().to_vec();
    garbage.extend_from_slice(&[0x5a; 40]);
    client.send_raw(&garbage).await.unwrap();
    assert_eq!(b.rejected().await.0, "decrypt");
    assert_eq!(down_reason(&mut b, link).await, "decrypt");
    assert!(client.closed_within(WAIT).await);

    let (mut client, link) = raw_link(&mut b, 4).await;
    let unknown = client.seal(9, b"?").unwrap();
    client.send_raw(&unknown).await.unwrap();
    assert_eq!(b.rejected().await.0, "malformed");
    assert_eq!(down_reason(&mut b, link).await, "malformed");
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keepalive_measures_the_round_trip() {
    let fast = |peers| NetConfig { keepalive_ms: 100, idle_timeout_ms: 1_000, ..config(peers) };
    let mut b = TestNode::start(&fast(vec![]), key(2), BanList::default());
    let mut a = TestNode::start(&fast(vec![peer_entry(&b)]), key(1), BanList::default());
    let (la, ..) = a.up().await;
    let (lb, ..) = b.up().await;
    for (node, link) in [(&mut a, la), (&mut b, lb)] {
        let rtt = node.wait_for(WAIT, |e| match e {
            TransportEvent::Rtt { link: l, rtt } if *l == link => Some(*rtt),
            _ => None,
        });
        let rtt = rtt.await.expect("an Rtt event");
        assert!(rtt < Duration::from_secs(1), "{rtt:?}");
        let traffic = node.wait_for(WAIT, |e| match e {
            TransportEvent::Traffic { link: l, bytes_in, bytes_out } if *l == link => Some((*bytes_in, *bytes_out)),
            _ => None,
        });
        let (bytes_in, bytes_out) = traffic.await.expect("a traffic report");
        assert!(bytes_in > 0 && bytes_out > 0);
    }
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_static_peer_is_redialled_with_backoff() {
    let cfg = config(vec![]);
    let mut b = TestNode::start(&cfg, key(2), BanList::default());
    let mut a = TestNode::start(&config(vec![peer_entry(&b)]), key(1), BanList::default());
    let (la, ..) = a.up().await;
    b.up().await;
    let addr = b.addr;
    b.stop().await;
    assert!(!down_reason(&mut a, la).await.is_empty());
    let restarted = Instant::now();
    let mut b = TestNode::start(&NetConfig { listen: addr, ..cfg.clone() }, key(2), BanList::default());
    let (_, peer, outbound) = a.up().await;
    let took = restarted.elapsed();
    println!("lan reconnect after restart: {took:?}");
    assert_eq!((peer, outbound), (b.id, true));
    assert!(took < Duration::from_millis(cfg.reconnect_max_ms + 1_000), "{took:?}");
    b.up().await;
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_banned_peer_is_refused_after_its_handshake() {
    let bans = BanList::default();
    bans.ban(id(&key(1)), Duration::from_secs(60));
    let mut b = TestNode::start(&config(vec![]), key(2), bans);
    let a = TestNode::start(&config(vec![peer_entry(&b)]), key(1), BanList::default());
    let (reason, peer, saw_up) = b.rejected().await;
    assert_eq!((reason, peer, saw_up), ("banned", Some(a.id), false));
    assert!(b.live.is_empty());
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peers_that_dial_each_other_keep_one_link() {
    for round in 0..5u8 {
        let (ka, kb) = (key(10 + round), key(20 + round));
        // Reserve b's port first so that each can name the other.
        let b_listen = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let b_entry = format!("{}@{b_listen}", id(&kb).to_hex());
        let mut a = TestNode::start(&config(vec![b_entry]), ka, BanList::default());
        let mut b =
            TestNode::start(&NetConfig { listen: b_listen, ..config(vec![peer_entry(&a)]) }, kb, BanList::default());
        a.up().await;
        b.up().await;
        // Settle: both end with one live link, and it is the same connection (frames cross it both ways).
        let mut settled = false;
        for probe in 0..20u8 {
            let _ = a.wait_for(Duration::from_millis(100), |_| None::<()>).await;
            let _ = b.wait_for(Duration::from_millis(100), |_| None::<()>).await;
            let (Some(&link_a), Some(&link_b)) = (a.live.keys().next(), b.live.keys().next()) else { continue };
            if a.live.len() != 1 || b.live.len() != 1 {
                continue;
            }
            a.handle(link_a).send(vec![round, probe]).unwrap();
            b.handle(link_b).send(vec![round, probe, 1]).unwrap();
            let got_b = b.frame_within(Duration::from_secs(1)).await;
            let got_a = a.frame_within(Duration::from_secs(1)).await;
            if got_b == Some((link_b, vec![round, probe]))
                && got_a == Some((link_a, vec![round, probe, 1]))
                && a.live.len() == 1
                && b.live.len() == 1
            {
                settled = true;
                break;
            }
        }
        assert!(settled, "round {round}: a {:?}, b {:?}", a.live.keys(), b.live.keys());
        a.stop().await;
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_carries_many_small_frames() {
    // Unoptimised ChaCha20-Poly1305 dominates a debug build: measure fewer frames there.
    const COUNT: usize = if cfg!(debug_assertions) { 20_000 } else { 100_000 };
    let mut b = TestNode::start(&config(vec![]), key(2), BanList::default());
    let mut a = TestNode::start(&config(vec![peer_entry(&b)]), key(1), BanList::default());
    let (la, ..) = a.up().await;
    b.up().await;
    let handle = a.handle(la);
    let started = Instant::now();
    let sender = tokio::spawn(async move {
        for i in 0..COUNT {
            let mut frame = vec![0u8; 64];
            frame[..8].copy_from_slice(&(i as u64).to_be_bytes());
            loop {
                match handle.send(frame.clone()) {
                    Ok(()) => break,
                    Err(SendError::Full) => tokio::task::yield_now().await,
                    Err(SendError::Closed) => panic!("link closed"),
                }
            }
        }
    });
    let mut next = 0u64;
    while next < COUNT as u64 {
        let (_, frame) = b.frame().await;
        assert_eq!(frame[..8], next.to_be_bytes(), "in order, none lost");
        next += 1;
    }
    let took = started.elapsed();
    sender.await.unwrap();
    println!("lan throughput: {COUNT} frames of 64 bytes in {took:?} = {:.0}/s", COUNT as f64 / took.as_secs_f64());
    a.stop().await;
    b.stop().await;
}
