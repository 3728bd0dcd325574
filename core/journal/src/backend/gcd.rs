//! The macOS backend: Grand Central Dispatch. A serial dispatch queue and a random-access `DispatchIO` channel per
//! segment write each batch (one `dispatch_io_write` per batch); durability is `fcntl(F_FULLFSYNC)`, because a
//! plain `fsync` on macOS does not flush the drive's cache.
//!
//! This module is type-checked from Linux (`cargo check --target aarch64-apple-darwin`); it has not been run on a
//! Mac in this project's CI.

use std::ffi::{c_int, c_void};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use block2::RcBlock;
use dispatch2::{
    DispatchData, DispatchIO, DispatchIOCloseFlags, DispatchIOStreamType, DispatchQueue, DispatchQueueAttr,
    DispatchRetained,
};

use super::{BackendInfo, BackendKind, SegmentIo};

/// How long closing a channel may wait for GCD to hand its descriptor back.
const CLEANUP_WAIT: Duration = Duration::from_secs(10);

/// The serial queue and the open segment's channel.
pub(crate) struct GcdIo {
    queue: DispatchRetained<DispatchQueue>,
    open: Option<Channel>,
}

struct Channel {
    file: File,
    io: DispatchRetained<DispatchIO>,
    cleaned_up: mpsc::Receiver<c_int>,
}

/// Creates the serial queue.
pub(crate) fn start() -> io::Result<(Box<dyn SegmentIo>, BackendInfo)> {
    let queue = DispatchQueue::new("net.bitcraps.journal", DispatchQueueAttr::SERIAL);
    let info = BackendInfo { kind: BackendKind::Gcd, reason: "auto: GCD (DispatchIO + F_FULLFSYNC)".to_owned() };
    Ok((Box::new(GcdIo { queue, open: None }), info))
}

impl GcdIo {
    fn close_channel(&mut self) {
        if let Some(channel) = self.open.take() {
            channel.io.close(DispatchIOCloseFlags(0));
            drop(channel.io);
            // The descriptor may be closed only once GCD has relinquished it.
            let _ = channel.cleaned_up.recv_timeout(CLEANUP_WAIT);
            drop(channel.file);
        }
    }
}

impl Drop for GcdIo {
    fn drop(&mut self) {
        self.close_channel();
    }
}

impl SegmentIo for GcdIo {
    fn open(&mut self, path: &Path) -> io::Result<()> {
        self.close_channel();
        let file = OpenOptions::new().write(true).open(path)?;
        let (cleanup_tx, cleaned_up) = mpsc::channel();
        let cleanup = RcBlock::new(move |error: c_int| {
            let _ = cleanup_tx.send(error);
        });
        // SAFETY: the descriptor belongs to `file`, which outlives the channel: `close_channel` closes the channel
        // and waits for the cleanup handler (GCD giving the descriptor back) before dropping `file`. The queue
        // and the handler block are retained by GCD for as long as it needs them.
        #[allow(unsafe_code)]
        let io = unsafe {
            DispatchIO::new(DispatchIOStreamType::DISPATCH_IO_RANDOM, file.as_raw_fd(), &self.queue, &cleanup)
        };
        self.open = Some(Channel { file, io, cleaned_up });
        Ok(())
    }

    fn write_at(&mut self, buf: Vec<u8>, pos: u64) -> (io::Result<()>, Vec<u8>) {
        let Some(channel) = &self.open else {
            return (Err(io::Error::other("no segment open")), buf);
        };
        let Ok(offset) = libc::off_t::try_from(pos) else {
            return (Err(io::Error::other("offset out of range")), buf);
        };
        let data = DispatchData::from_bytes(&buf);
        let (done_tx, done) = mpsc::channel();
        let handler = RcBlock::new(move |finished: u8, _rest: *mut c_void, error: c_int| {
            if finished != 0 || error != 0 {
                let _ = done_tx.send(error);
            }
        });
        // SAFETY: `handler` is a valid block; the cast only changes how its arguments are spelled, not their ABI: C `bool`
        // `done` as `u8` (objc2 gives Rust `bool` no block encoding) and `dispatch_data_t` as an opaque pointer,
        // which the handler ignores. GCD copies the block and retains `data`
        // until the write completes, so both may be released once the call returns.
        #[allow(unsafe_code)]
        unsafe {
            channel.io.write(offset, &data, &self.queue, RcBlock::as_ptr(&handler).cast());
        }
        let result = match done.recv() {
            Ok(0) => Ok(()),
            Ok(errno) => Err(io::Error::from_raw_os_error(errno)),
            Err(_) => Err(io::Error::other("GCD dropped the write handler")),
        };
        (result, buf)
    }

    fn sync(&mut self) -> io::Result<()> {
        let channel = self.open.as_ref().ok_or_else(|| io::Error::other("no segment open"))?;
        // Writes on the serial queue have completed (write_at waited for each); F_FULLFSYNC flushes the drive.
        rustix::fs::fcntl_fullfsync(&channel.file).map_err(io::Error::from)
    }
}
