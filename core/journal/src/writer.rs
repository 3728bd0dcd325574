//! The writer actor: a named thread that owns the backend, frames appended records into batches, writes each
//! batch in one submission, syncs under the durability policy and only then acknowledges the appends.
//!
//! After a failed write or sync nothing more is accepted (the kernel may have dropped the dirty pages; retrying
//! an fsync cannot prove durability): every waiting and later append gets `JournalError::Failed`.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot};

use crate::backend::{self, BackendInfo, SegmentIo};
use crate::config::{Durability, JournalConfig, Retention};
use crate::error::JournalError;
use crate::format::{self, ChainHead, FRAME_OVERHEAD, HEADER_LEN, Hash, MAX_PAYLOAD};
use crate::recovery::{self, Recovered};
use crate::segment::SegmentFile;

/// An acknowledged append: the record is durable under the journal's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The record's sequence number.
    pub seq: u64,
    /// Its chain hash.
    pub hash: Hash,
}

type Ack = oneshot::Sender<Result<Appended, JournalError>>;

/// A request to the writer.
#[derive(Debug)]
pub(crate) enum Msg {
    Append { payload: Vec<u8>, ack: Ack },
    Close(oneshot::Sender<Result<(), JournalError>>),
}

struct Writer {
    io: Box<dyn SegmentIo>,
    dir: PathBuf,
    segment_bytes: u64,
    retention: Retention,
    durability: Durability,
    head: ChainHead,
    /// Every kept segment and its size, oldest first; the last is being written.
    segments: VecDeque<(SegmentFile, u64)>,
    active_len: u64,
    buf: Vec<u8>,
    unsynced: Vec<(Ack, Appended)>,
    oldest_unsynced: Option<Instant>,
    failed: Option<String>,
}

/// The writer thread's body: starts the backend, reports it through `ready`, then serves `rx` until it closes.
pub(crate) fn run(
    config: JournalConfig,
    recovered: Recovered,
    mut rx: mpsc::Receiver<Msg>,
    ready: std::sync::mpsc::SyncSender<Result<BackendInfo, JournalError>>,
) {
    let timer = match tokio::runtime::Builder::new_current_thread().enable_time().build() {
        Ok(timer) => timer,
        Err(e) => {
            let _ = ready.send(Err(JournalError::Backend(format!("timer runtime: {e}"))));
            return;
        }
    };
    let mut writer = match start(&config, recovered) {
        Ok((writer, info)) => {
            let _ = ready.send(Ok(info));
            writer
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let max_batch = config.max_batch;
    let mut closing = None;
    while closing.is_none() {
        let msg = match writer.oldest_unsynced {
            None => timer.block_on(rx.recv()),
            Some(oldest) => {
                let deadline = tokio::time::Instant::from_std(oldest + writer.durability.every);
                match timer.block_on(async { tokio::time::timeout_at(deadline, rx.recv()).await }) {
                    Ok(msg) => msg,
                    Err(_elapsed) => {
                        writer.sync_and_ack();
                        continue;
                    }
                }
            }
        };
        let Some(first) = msg else { break };
        let mut next = Some(first);
        let mut taken = 0;
        while let Some(msg) = next.take() {
            match msg {
                Msg::Append { payload, ack } => writer.stage(payload, ack),
                Msg::Close(reply) => closing = Some(reply),
            }
            taken += 1;
            if taken < max_batch && closing.is_none() {
                next = rx.try_recv().ok();
            }
        }
        writer.flush();
        if writer.oldest_unsynced.is_some_and(|t| t.elapsed() >= writer.durability.every) {
            writer.sync_and_ack();
        }
    }
    writer.sync_and_ack();
    let result = match writer.failed.take() {
        Some(reason) => Err(JournalError::Failed(reason)),
        None => Ok(()),
    };
    drop(writer);
    if let Some(reply) = closing {
        let _ = reply.send(result);
    }
}

fn start(config: &JournalConfig, recovered: Recovered) -> Result<(Writer, BackendInfo), JournalError> {
    let (mut io, info) = backend::start(config.backend)?;
    let segments: VecDeque<_> = recovered.segments.into();
    let Some((active, active_len)) = segments.back().cloned() else {
        return Err(JournalError::Backend("no segment to write".to_owned()));
    };
    io.open(&active.path).map_err(JournalError::io(&active.path))?;
    let writer = Writer {
        io,
        dir: config.dir.clone(),
        segment_bytes: config.segment_bytes,
        retention: config.retention,
        durability: config.durability,
        head: recovered.head,
        segments,
        active_len,
        buf: Vec::with_capacity(256 << 10),
        unsynced: Vec::new(),
        oldest_unsynced: None,
        failed: None,
    };
    Ok((writer, info))
}

impl Writer {
    /// Frames one record into the batch buffer (rotating first if it would overflow the segment).
    fn stage(&mut self, payload: Vec<u8>, ack: Ack) {
        if let Some(reason) = &self.failed {
            let _ = ack.send(Err(JournalError::Failed(reason.clone())));
            return;
        }
        if payload.len() > MAX_PAYLOAD {
            let _ = ack.send(Err(JournalError::TooLarge(payload.len())));
            return;
        }
        let written = self.active_len + self.buf.len() as u64;
        if written > HEADER_LEN as u64 && written + (FRAME_OVERHEAD + payload.len()) as u64 > self.segment_bytes {
            self.rotate();
            if let Some(reason) = &self.failed {
                let _ = ack.send(Err(JournalError::Failed(reason.clone())));
                return;
            }
        }
        let (seq, hash) = format::encode_record(&mut self.buf, &mut self.head, &payload);
        self.unsynced.push((ack, Appended { seq, hash }));
        self.oldest_unsynced.get_or_insert_with(Instant::now);
        if self.unsynced.len() >= self.durability.every_records as usize {
            self.sync_and_ack();
        }
    }

    /// Writes the batch buffer in one submission.
    fn flush(&mut self) {
        if self.buf.is_empty() || self.failed.is_some() {
            return;
        }
        let buf = std::mem::take(&mut self.buf);
        let (result, mut buf) = self.io.write_at(buf, self.active_len);
        match result {
            Ok(()) => self.active_len += buf.len() as u64,
            Err(e) => self.fail(format!("write: {e}")),
        }
        buf.clear();
        self.buf = buf;
    }

    /// Writes what is buffered, syncs, and acknowledges every unsynced append.
    fn sync_and_ack(&mut self) {
        self.flush();
        if self.unsynced.is_empty() || self.failed.is_some() {
            return;
        }
        match self.io.sync() {
            Ok(()) => {
                for (ack, appended) in self.unsynced.drain(..) {
                    let _ = ack.send(Ok(appended));
                }
                self.oldest_unsynced = None;
            }
            Err(e) => self.fail(format!("sync: {e}")),
        }
    }

    fn fail(&mut self, reason: String) {
        for (ack, _) in self.unsynced.drain(..) {
            let _ = ack.send(Err(JournalError::Failed(reason.clone())));
        }
        self.oldest_unsynced = None;
        self.failed = Some(reason);
    }

    /// Closes the active segment (synced), starts the next one, then applies retention.
    fn rotate(&mut self) {
        self.sync_and_ack();
        if self.failed.is_some() {
            return;
        }
        if let Some(last) = self.segments.back_mut() {
            last.1 = self.active_len;
        }
        let next = match recovery::create_segment(&self.dir, &self.head) {
            Ok(next) => next,
            Err(e) => return self.fail(format!("rotate: {e}")),
        };
        if let Err(e) = self.io.open(&next.path) {
            return self.fail(format!("open {}: {e}", next.path.display()));
        }
        tracing::debug!(path = %next.path.display(), "journal: new segment");
        self.segments.push_back((next, HEADER_LEN as u64));
        self.active_len = HEADER_LEN as u64;
        self.apply_retention();
    }

    fn apply_retention(&mut self) {
        loop {
            let total: u64 = self.segments.iter().map(|(_, len)| len).sum();
            let too_many = self.retention.max_segments.is_some_and(|max| self.segments.len() > max);
            let too_big = self.retention.max_bytes.is_some_and(|max| total > max);
            if self.segments.len() <= 1 || !(too_many || too_big) {
                return;
            }
            let Some((oldest, _)) = self.segments.front() else { return };
            if let Err(e) = std::fs::remove_file(&oldest.path) {
                tracing::warn!(path = %oldest.path.display(), error = %e, "journal retention: cannot remove segment");
                return;
            }
            tracing::info!(path = %oldest.path.display(), "journal retention: removed oldest segment");
            self.segments.pop_front();
        }
    }
}
