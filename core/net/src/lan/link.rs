//! One established link: a reader task and a writer task over the two halves of the TCP stream.
//!
//! Transport messages are frames (`u16` big-endian length, then a Noise ciphertext). The plaintext starts with
//! a tag: 0 = ping (`u64` big-endian nonce), 1 = pong (the ping's nonce), 2 = data (the rest is the mesh's
//! frame). The reader refuses a header announcing more than `max_frame_bytes + 16` before reading the body
//! (one body buffer, allocated once at that size). The writer drains the link's queue, batching every frame
//! already queued into one buffer and one `write_all`; it also sends the keepalive pings, the pongs the reader
//! asks for, and the link's traffic report (at most once a second). A ping's nonce is the microseconds since the
//! link came up, so its pong gives the round trip without any shared state.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bitcraps_wire::NodeId;
use bitcraps_wire::frame::{FrameError, HEADER_LEN, body_len, check_len};
use snow::StatelessTransportState;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{Notify, mpsc, watch};

use super::stopped;
use crate::transport::{LinkId, Outgoing, PeerAddr, TransportEvent};

/// Plaintext tag of a keepalive ping.
pub const TAG_PING: u8 = 0;
/// Plaintext tag of a keepalive answer.
pub const TAG_PONG: u8 = 1;
/// Plaintext tag of a mesh frame.
pub const TAG_DATA: u8 = 2;

/// Bytes Noise adds to every transport message.
pub const TAG_LEN: usize = 16;

/// The writer flushes once its batch holds this many bytes.
const BATCH_BYTES: usize = 64 * 1024;

/// Pongs the reader may ask for before the writer sends them (more are dropped: the peer pings too often).
const PONG_QUEUE: usize = 8;

/// A link's limits and timers (from `[net]`).
#[derive(Debug, Clone, Copy)]
pub struct LinkParams {
    /// Largest plaintext (tag included).
    pub max_frame: usize,
    pub keepalive: Duration,
    pub idle_timeout: Duration,
    pub io_timeout: Duration,
}

/// Shared between a link's tasks and the registry: who reported the link down, and a way to close it at once.
#[derive(Debug, Default)]
pub struct LinkCtl {
    down_reported: AtomicBool,
    kill: Notify,
}

impl LinkCtl {
    /// Claims the right to report the link down (true once).
    pub fn claim_down(&self) -> bool {
        !self.down_reported.swap(true, Ordering::AcqRel)
    }

    /// Whether the link was reported down.
    fn is_down(&self) -> bool {
        self.down_reported.load(Ordering::Acquire)
    }

    /// Closes the link without waiting for its queue.
    pub fn kill(&self) {
        self.kill.notify_one();
    }
}

/// Why a link ended; `reject` is set when the peer broke the link's rules.
#[derive(Debug)]
struct LinkEnd {
    reason: String,
    reject: Option<(&'static str, String)>,
}

impl LinkEnd {
    fn closed(reason: impl Into<String>) -> Self {
        Self { reason: reason.into(), reject: None }
    }

    fn rejected(reason: &'static str, detail: impl Into<String>) -> Self {
        Self { reason: reason.to_owned(), reject: Some((reason, detail.into())) }
    }
}

/// Everything a link task needs.
#[derive(Debug)]
pub struct LinkSetup {
    pub link: LinkId,
    pub peer: NodeId,
    pub addr: PeerAddr,
    pub params: LinkParams,
    pub events: mpsc::Sender<TransportEvent>,
    pub ctl: Arc<LinkCtl>,
    pub shutdown: watch::Receiver<bool>,
}

#[derive(Debug, Default)]
struct Counters {
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
}

/// Runs a link until it ends, then reports it down (unless the registry already did). Returns when both
/// tasks have stopped.
pub async fn run(
    setup: LinkSetup,
    stream: TcpStream,
    noise: StatelessTransportState,
    outgoing: mpsc::Receiver<Outgoing>,
) {
    let LinkSetup { link, peer, addr, params, events, ctl, mut shutdown } = setup;
    let noise = Arc::new(noise);
    let counters = Arc::new(Counters::default());
    let epoch = Instant::now();
    let (pong_tx, pong_rx) = mpsc::channel(PONG_QUEUE);
    let (rd, wr) = stream.into_split();
    let reader = Reader { link, params, noise: Arc::clone(&noise), counters: Arc::clone(&counters), epoch };
    let mut reader = tokio::spawn(reader.run(rd, events.clone(), pong_tx, Arc::clone(&ctl)));
    let writer = Writer { link, params, noise, counters, epoch };
    let mut writer = tokio::spawn(writer.run(wr, outgoing, pong_rx, events.clone()));
    let (end, reader_done, writer_done) = tokio::select! {
        end = &mut reader => (end.unwrap_or_else(|e| LinkEnd::closed(format!("reader task: {e}"))), true, false),
        end = &mut writer => (end.unwrap_or_else(|e| LinkEnd::closed(format!("writer task: {e}"))), false, true),
        () = ctl.kill.notified() => (LinkEnd::closed("duplicate"), false, false),
        () = stopped(&mut shutdown) => (LinkEnd::closed("shutdown"), false, false),
    };
    // Both halves are dropped with their tasks: the socket closes before the link is reported down.
    reader.abort();
    writer.abort();
    if !reader_done {
        let _ = reader.await;
    }
    if !writer_done {
        let _ = writer.await;
    }
    tracing::debug!(link = link.0, peer = %peer.to_hex(), %addr, reason = %end.reason, "lan link ended");
    if let Some((reason, detail)) = end.reject {
        let _ = events.send(TransportEvent::Rejected { addr, peer: Some(peer), reason, detail }).await;
    }
    if ctl.claim_down() {
        let _ = events.send(TransportEvent::Down { link, reason: end.reason }).await;
    }
}

struct Reader {
    link: LinkId,
    params: LinkParams,
    noise: Arc<StatelessTransportState>,
    counters: Arc<Counters>,
    epoch: Instant,
}

impl Reader {
    async fn run(
        self,
        rd: OwnedReadHalf,
        events: mpsc::Sender<TransportEvent>,
        pongs: mpsc::Sender<u64>,
        ctl: Arc<LinkCtl>,
    ) -> LinkEnd {
        let max_ciphertext = self.params.max_frame + TAG_LEN;
        let mut rd = BufReader::with_capacity(BATCH_BYTES, rd);
        let mut body = vec![0u8; max_ciphertext];
        let mut plain = vec![0u8; max_ciphertext];
        let mut nonce = 0u64;
        loop {
            let mut header = [0u8; HEADER_LEN];
            match tokio::time::timeout(self.params.idle_timeout, rd.read_exact(&mut header)).await {
                Err(_) => return LinkEnd::closed("idle timeout"),
                Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return LinkEnd::closed("closed by peer");
                }
                Ok(Err(e)) => return LinkEnd::closed(format!("read: {e}")),
                Ok(Ok(_)) => {}
            }
            let len = match check_len(body_len(header), max_ciphertext) {
                Ok(len) => len,
                Err(e @ FrameError::TooLarge { .. }) => return LinkEnd::rejected("oversized", e.to_string()),
                Err(e) => return LinkEnd::rejected("malformed", e.to_string()),
            };
            match tokio::time::timeout(self.params.idle_timeout, rd.read_exact(&mut body[..len])).await {
                Err(_) => return LinkEnd::closed("idle timeout"),
                Ok(Err(e)) => return LinkEnd::closed(format!("read: {e}")),
                Ok(Ok(_)) => {}
            }
            self.counters.bytes_in.fetch_add((HEADER_LEN + len) as u64, Ordering::Relaxed);
            let Ok(n) = self.noise.read_message(nonce, &body[..len], &mut plain) else {
                return LinkEnd::rejected("decrypt", format!("message {nonce} of {len} bytes does not decrypt"));
            };
            nonce += 1;
            match plain[..n].split_first() {
                Some((&TAG_DATA, frame)) => {
                    if ctl.is_down() {
                        continue;
                    }
                    let event = TransportEvent::Frame { link: self.link, frame: frame.to_vec() };
                    if events.send(event).await.is_err() {
                        return LinkEnd::closed("transport stopped");
                    }
                }
                Some((&TAG_PING, nonce_bytes)) => match <[u8; 8]>::try_from(nonce_bytes) {
                    // A full queue means the peer pings faster than we answer: skip this one.
                    Ok(ping) => drop(pongs.try_send(u64::from_be_bytes(ping))),
                    Err(_) => return LinkEnd::rejected("malformed", format!("ping of {} bytes", nonce_bytes.len())),
                },
                Some((&TAG_PONG, nonce_bytes)) => match <[u8; 8]>::try_from(nonce_bytes) {
                    Ok(pong) => {
                        let sent = Duration::from_micros(u64::from_be_bytes(pong));
                        if let Some(rtt) = self.epoch.elapsed().checked_sub(sent) {
                            let _ = events.try_send(TransportEvent::Rtt { link: self.link, rtt });
                        }
                    }
                    Err(_) => return LinkEnd::rejected("malformed", format!("pong of {} bytes", nonce_bytes.len())),
                },
                Some((tag, _)) => return LinkEnd::rejected("malformed", format!("unknown tag {tag}")),
                None => return LinkEnd::rejected("malformed", "empty message"),
            }
        }
    }
}

struct Writer {
    link: LinkId,
    params: LinkParams,
    noise: Arc<StatelessTransportState>,
    counters: Arc<Counters>,
    epoch: Instant,
}

/// Encrypts plaintexts into one outgoing batch.
struct Batch {
    buf: Vec<u8>,
    plain: Vec<u8>,
    nonce: u64,
}

impl Batch {
    fn push(&mut self, noise: &StatelessTransportState, tag: u8, body: &[u8]) -> Result<(), LinkEnd> {
        self.plain.clear();
        self.plain.push(tag);
        self.plain.extend_from_slice(body);
        let start = self.buf.len();
        self.buf.resize(start + HEADER_LEN + self.plain.len() + TAG_LEN, 0);
        let n = noise
            .write_message(self.nonce, &self.plain, &mut self.buf[start + HEADER_LEN..])
            .map_err(|e| LinkEnd::closed(format!("encrypt: {e}")))?;
        let len = u16::try_from(n).map_err(|_| LinkEnd::closed(format!("message of {n} bytes")))?;
        self.buf[start..start + HEADER_LEN].copy_from_slice(&len.to_be_bytes());
        self.buf.truncate(start + HEADER_LEN + n);
        self.nonce += 1;
        Ok(())
    }
}

impl Writer {
    async fn run(
        self,
        mut wr: OwnedWriteHalf,
        mut outgoing: mpsc::Receiver<Outgoing>,
        mut pongs: mpsc::Receiver<u64>,
        events: mpsc::Sender<TransportEvent>,
    ) -> LinkEnd {
        let mut batch = Batch { buf: Vec::with_capacity(2 * BATCH_BYTES), plain: Vec::new(), nonce: 0 };
        let start = tokio::time::Instant::now();
        let mut keepalive = tokio::time::interval_at(start + self.params.keepalive, self.params.keepalive);
        let mut report = tokio::time::interval_at(start + Duration::from_secs(1), Duration::from_secs(1));
        keepalive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        report.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut reported = (0u64, 0u64);
        loop {
            let mut close = None;
            tokio::select! {
                item = outgoing.recv() => {
                    let Some(item) = item else { return LinkEnd::closed("link handle dropped") };
                    close = self.queue(&mut batch, item);
                    // Take everything already queued (up to a batch) so many small frames cost one write.
                    while close.is_none() && batch.buf.len() < BATCH_BYTES {
                        let Ok(item) = outgoing.try_recv() else { break };
                        close = self.queue(&mut batch, item);
                    }
                }
                Some(nonce) = pongs.recv() => {
                    if let Err(end) = batch.push(&self.noise, TAG_PONG, &nonce.to_be_bytes()) {
                        return end;
                    }
                }
                _ = keepalive.tick() => {
                    let nonce = u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
                    if let Err(end) = batch.push(&self.noise, TAG_PING, &nonce.to_be_bytes()) {
                        return end;
                    }
                }
                _ = report.tick() => {
                    let now = (
                        self.counters.bytes_in.load(Ordering::Relaxed),
                        self.counters.bytes_out.load(Ordering::Relaxed),
                    );
                    if now != reported {
                        let (bytes_in, bytes_out) = (now.0 - reported.0, now.1 - reported.1);
                        if events.try_send(TransportEvent::Traffic { link: self.link, bytes_in, bytes_out }).is_ok() {
                            reported = now;
                        }
                    }
                }
            }
            if let Err(end) = self.flush(&mut wr, &mut batch).await {
                return end;
            }
            if let Some(end) = close {
                return end;
            }
        }
    }

    /// Adds one queued item to the batch; `Some` when the link must close after flushing.
    fn queue(&self, batch: &mut Batch, item: Outgoing) -> Option<LinkEnd> {
        match item {
            Outgoing::Frame(frame) if frame.len() < self.params.max_frame => {
                batch.push(&self.noise, TAG_DATA, &frame).err()
            }
            Outgoing::Frame(frame) => {
                tracing::warn!(
                    link = self.link.0,
                    bytes = frame.len(),
                    "lan: dropped a frame over net.max_frame_bytes"
                );
                None
            }
            Outgoing::Close { reason } => Some(LinkEnd::closed(reason)),
        }
    }

    async fn flush(&self, wr: &mut OwnedWriteHalf, batch: &mut Batch) -> Result<(), LinkEnd> {
        if batch.buf.is_empty() {
            return Ok(());
        }
        match tokio::time::timeout(self.params.io_timeout, wr.write_all(&batch.buf)).await {
            Err(_) => Err(LinkEnd::closed("write timeout")),
            Ok(Err(e)) => Err(LinkEnd::closed(format!("write: {e}"))),
            Ok(Ok(())) => {
                self.counters.bytes_out.fetch_add(batch.buf.len() as u64, Ordering::Relaxed);
                batch.buf.clear();
                Ok(())
            }
        }
    }
}
