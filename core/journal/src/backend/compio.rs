//! The compio backend: io_uring on Linux (falling back to epoll when io_uring is unavailable), IOCP on Windows.
//!
//! The writer thread owns a compio runtime and blocks on one operation at a time: a batch is one
//! `write_all_at` submission, a sync one `fdatasync` / `FlushFileBuffers`. compio picks the driver itself;
//! `Runtime::driver_type()` says which one it took, and on Linux a probe of `io_uring_setup` says why.

use std::io;
use std::path::Path;

use compio::driver::DriverType;
use compio::fs::{File, OpenOptions};
use compio::io::AsyncWriteAtExt;
use compio::runtime::Runtime;

use super::{BackendInfo, BackendKind, SegmentIo};

/// A compio runtime and the open segment.
pub(crate) struct CompioIo {
    runtime: Runtime,
    file: Option<File>,
}

/// Starts a compio runtime on this thread; `force_poll` skips io_uring (Linux).
pub(crate) fn start(force_poll: bool) -> io::Result<(Box<dyn SegmentIo>, BackendInfo)> {
    let runtime = if force_poll {
        let mut proactor = compio::driver::ProactorBuilder::new();
        proactor.driver_type(DriverType::Poll);
        Runtime::builder().with_proactor(proactor).build()?
    } else {
        Runtime::new()?
    };
    let kind = match runtime.driver_type() {
        DriverType::IoUring => BackendKind::IoUring,
        DriverType::Poll => BackendKind::Polling,
        DriverType::IOCP => BackendKind::Iocp,
    };
    let reason = match kind {
        _ if force_poll => "configured: compio polling driver".to_owned(),
        BackendKind::IoUring => "auto: io_uring available".to_owned(),
        BackendKind::Iocp => "auto: IOCP".to_owned(),
        _ => format!("io_uring unavailable: {}; compio fell back to epoll", io_uring_probe()),
    };
    Ok((Box::new(CompioIo { runtime, file: None }), BackendInfo { kind, reason }))
}

/// Why io_uring cannot be used here, from trying to set up a small ring.
#[cfg(target_os = "linux")]
fn io_uring_probe() -> String {
    match io_uring::IoUring::new(2) {
        Ok(_) => "io_uring_setup works but lacks operations compio needs".to_owned(),
        Err(e) => match e.raw_os_error() {
            Some(1) => "EPERM".to_owned(),
            Some(12) => "ENOMEM".to_owned(),
            Some(22) => "EINVAL".to_owned(),
            Some(38) => "ENOSYS".to_owned(),
            _ => e.to_string(),
        },
    }
}

#[cfg(not(target_os = "linux"))]
fn io_uring_probe() -> String {
    "not Linux".to_owned()
}

impl SegmentIo for CompioIo {
    fn open(&mut self, path: &Path) -> io::Result<()> {
        let file = self.runtime.block_on(OpenOptions::new().write(true).open(path))?;
        if let Some(old) = self.file.replace(file) {
            self.runtime.block_on(old.close())?;
        }
        Ok(())
    }

    fn write_at(&mut self, buf: Vec<u8>, pos: u64) -> (io::Result<()>, Vec<u8>) {
        let Some(file) = self.file.as_mut() else {
            return (Err(io::Error::other("no segment open")), buf);
        };
        let compio::BufResult(result, buf) = self.runtime.block_on(file.write_all_at(buf, pos));
        (result, buf)
    }

    fn sync(&mut self) -> io::Result<()> {
        let Some(file) = self.file.as_ref() else {
            return Err(io::Error::other("no segment open"));
        };
        self.runtime.block_on(file.sync_data())
    }
}
