//! Mesh relay throughput and per-hop latency on one core.
//!
//! One router on a current-thread runtime (so everything, the fake transport included, shares one core), one
//! inbound fake link and two outbound ones, drained. N distinct pre-signed flood messages go in; each is decoded,
//! age-checked, signature-checked, de-duplicated, delivered and forwarded to both outbound links.
//!
//! - throughput: all N injected as fast as the event queue takes them, until both links have all N;
//! - per-hop latency: one message in flight at a time, injection to the forwarded frame on link 1.
//!
//! Each runs with strict per-message verification and with batch verification. `MESH_BENCH_N` sets N
//! (default 20 000). Run: `cargo bench -p bitcraps-net --bench mesh_relay`.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bitcraps_net::NetConfig;
use bitcraps_net::mesh::{self, MeshOptions};
use bitcraps_net::metrics::NetStatus;
use bitcraps_net::transport::{BanList, LinkHandle, LinkId, LinkInfo, Outgoing, PeerAddr, TransportEvent};
use bitcraps_wire::{Envelope, MeshFrame, Message, NodeId, PROTOCOL_VERSION, Payload, SignedMessage, TableId};
use ed25519_dalek::SigningKey;
use tokio::sync::{mpsc, watch};

const LATENCY_SAMPLES: usize = 2_000;

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

fn node(key: &SigningKey) -> NodeId {
    NodeId(key.verifying_key().to_bytes())
}

/// `n` distinct frames from 16 origins, TTL 5.
fn frames(n: usize) -> Vec<Vec<u8>> {
    let keys: Vec<SigningKey> = (0..16u8).map(|i| SigningKey::from_bytes(&[i + 10; 32])).collect();
    let ts = now_ms();
    (0..n)
        .map(|i| {
            let key = &keys[i % keys.len()];
            let message = Message {
                version: PROTOCOL_VERSION,
                origin: node(key),
                timestamp_ms: ts,
                payload: Payload::Reveal { table: TableId([7; 16]), round: i as u64, attempt: 0, nonce: [3; 32] },
            };
            let message = SignedMessage::sign(&message, key);
            MeshFrame::Flood(Envelope { ttl: 5, hop_sent_us: ts * 1000, message }).encode()
        })
        .collect()
}

struct Bench {
    events: mpsc::Sender<TransportEvent>,
    outs: Vec<mpsc::Receiver<Outgoing>>,
    _shutdown: watch::Sender<bool>,
    _deliveries: tokio::task::JoinHandle<()>,
}

async fn start(batch_verify: bool, n: usize) -> Bench {
    let config = NetConfig {
        rate_per_sec: 1_000_000,
        rate_burst: 10_000_000,
        dedup_capacity: n + LATENCY_SAMPLES + 16,
        ..NetConfig::default()
    };
    let (events, events_rx) = mpsc::channel(1024);
    let (shutdown, shutdown_rx) = watch::channel(false);
    let options = MeshOptions { batch_verify, ..MeshOptions::default() };
    let local = node(&SigningKey::from_bytes(&[1; 32]));
    let status = Arc::new(NetStatus::new());
    let (_mesh, mut deliveries, _task) =
        mesh::spawn_with(&config, options, local, events_rx, BanList::default(), status, shutdown_rx);
    let drain = tokio::spawn(async move { while deliveries.recv().await.is_some() {} });
    let mut outs = Vec::new();
    for i in 0..3u8 {
        let (handle, out) = LinkHandle::channel(n + LATENCY_SAMPLES + 16);
        let info = LinkInfo {
            peer: node(&SigningKey::from_bytes(&[i + 2; 32])),
            addr: PeerAddr::Tcp(([127, 0, 0, 1], 7000 + u16::from(i)).into()),
            transport: "lan",
            outbound: i > 0,
        };
        let _ = events.send(TransportEvent::Up { link: LinkId(u64::from(i)), info, handle }).await;
        outs.push(out);
    }
    Bench { events, outs, _shutdown: shutdown, _deliveries: drain }
}

/// Messages relayed per second (each to both outbound links).
async fn throughput(bench: &mut Bench, frames: Vec<Vec<u8>>) -> f64 {
    let n = frames.len();
    let started = Instant::now();
    let events = bench.events.clone();
    let injector = tokio::spawn(async move {
        for frame in frames {
            let _ = events.send(TransportEvent::Frame { link: LinkId(0), frame }).await;
        }
    });
    for out in &mut bench.outs[1..] {
        let mut got = 0;
        while got < n {
            match out.recv().await {
                Some(Outgoing::Frame(_)) => got += 1,
                Some(Outgoing::Close { .. }) | None => break,
            }
        }
    }
    let elapsed = started.elapsed();
    let _ = injector.await;
    n as f64 / elapsed.as_secs_f64()
}

/// Injection to forwarded frame, one message in flight.
async fn latency(bench: &mut Bench, frames: Vec<Vec<u8>>) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(frames.len());
    for frame in frames {
        let sent = Instant::now();
        let _ = bench.events.send(TransportEvent::Frame { link: LinkId(0), frame }).await;
        if !matches!(bench.outs[1].recv().await, Some(Outgoing::Frame(_))) {
            break;
        }
        samples.push(sent.elapsed());
        let _ = bench.outs[2].recv().await;
    }
    samples.sort();
    samples
}

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len().max(1)) - 1;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e6)
}

fn verify_only(frames: &[Vec<u8>]) -> (f64, f64) {
    let signed: Vec<SignedMessage> = frames
        .iter()
        .filter_map(|f| match MeshFrame::decode(f) {
            Ok(MeshFrame::Flood(envelope)) => Some(envelope.message),
            _ => None,
        })
        .collect();
    let keys: Vec<_> = signed.iter().filter_map(|s| s.decode_unverified().ok()?.origin.verifying_key().ok()).collect();
    let started = Instant::now();
    let ok = signed.iter().zip(&keys).filter(|(s, k)| k.verify_strict(&s.bytes, &s.signature).is_ok()).count();
    let strict = ok as f64 / started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut ok = 0;
    for (chunk, keys) in signed.chunks(64).zip(keys.chunks(64)) {
        let messages: Vec<&[u8]> = chunk.iter().map(|s| s.bytes.as_slice()).collect();
        let signatures: Vec<_> = chunk.iter().map(|s| s.signature).collect();
        if ed25519_dalek::verify_batch(&messages, &signatures, keys).is_ok() {
            ok += chunk.len();
        }
    }
    (strict, ok as f64 / started.elapsed().as_secs_f64())
}

fn main() {
    let n: usize = std::env::var("MESH_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        eprintln!("no tokio runtime");
        return;
    };
    let all = frames(n + LATENCY_SAMPLES);
    let (strict, batch) = verify_only(&all[..n.min(all.len())]);
    println!("mesh_relay: N = {n} messages, 1 inbound + 2 outbound fake links, one core (current-thread runtime)");
    println!("  Ed25519 alone: verify_strict {strict:.0}/s, verify_batch(64) {batch:.0}/s");
    for batch_verify in [false, true] {
        let (throughput_frames, latency_frames) = (all[..n].to_vec(), all[n..].to_vec());
        let (rate, lat) = runtime.block_on(async {
            let mut bench = start(batch_verify, n).await;
            let rate = throughput(&mut bench, throughput_frames).await;
            let lat = latency(&mut bench, latency_frames).await;
            (rate, lat)
        });
        println!(
            "  {:<14} relayed {rate:>8.0} msg/s/core (x2 links = {:.0} frames out/s); per-hop p50 {:.1} µs, p95 {:.1} µs, p99 {:.1} µs ({} samples)",
            if batch_verify { "batch verify:" } else { "strict verify:" },
            rate * 2.0,
            percentile(&lat, 0.50),
            percentile(&lat, 0.95),
            percentile(&lat, 0.99),
            lat.len(),
        );
    }
}
