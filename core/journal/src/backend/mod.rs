//! The I/O backends that write segment files, and how one is chosen for the platform.
//!
//! Every backend implements [`SegmentIo`]: open a segment, write one batch at an offset (one submission per
//! batch), sync data. A backend lives on the journal's writer thread and is created there (compio's runtime is
//! bound to its thread).

#[cfg(any(target_os = "linux", windows))]
mod compio;
#[cfg(target_os = "macos")]
mod gcd;
mod std_io;

use std::fmt;
use std::io;
use std::path::Path;
use std::str::FromStr;

use crate::error::JournalError;

/// Writes segment files; one implementation per backend.
pub(crate) trait SegmentIo {
    /// Opens `path` (which exists, header written) for appending; later writes go to this file.
    fn open(&mut self, path: &Path) -> io::Result<()>;
    /// Writes all of `buf` at byte `pos` of the open file in one submission; gives the buffer back for reuse.
    fn write_at(&mut self, buf: Vec<u8>, pos: u64) -> (io::Result<()>, Vec<u8>);
    /// Makes everything written so far durable.
    fn sync(&mut self) -> io::Result<()>;
}

/// Which backend to use (configuration).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BackendChoice {
    /// The platform's best: compio (io_uring, else epoll) on Linux, compio (IOCP) on Windows, GCD on macOS, std
    /// elsewhere; std if the chosen one cannot start.
    #[default]
    Auto,
    /// Plain std file I/O on the writer thread (the reference backend).
    Std,
    /// compio with its automatic driver choice (Linux and Windows).
    Compio,
    /// compio forced onto its polling driver (epoll; Linux only): the io_uring fallback path.
    CompioPoll,
    /// Grand Central Dispatch: a serial queue and DispatchIO (macOS only).
    Gcd,
}

impl FromStr for BackendChoice {
    type Err = JournalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "auto" => BackendChoice::Auto,
            "std" => BackendChoice::Std,
            "compio" => BackendChoice::Compio,
            "compio-poll" => BackendChoice::CompioPoll,
            "gcd" => BackendChoice::Gcd,
            other => {
                return Err(JournalError::Config(format!(
                    "unknown backend {other:?} (auto, std, compio, compio-poll, gcd)"
                )));
            }
        })
    }
}

/// The backend actually writing the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// std file I/O (pwrite + fdatasync).
    Std,
    /// compio on io_uring (Linux).
    IoUring,
    /// compio on its polling driver (epoll on Linux).
    Polling,
    /// compio on I/O completion ports (Windows).
    Iocp,
    /// Grand Central Dispatch (macOS).
    Gcd,
}

impl BackendKind {
    /// A short stable name, for the API snapshot and metrics labels.
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Std => "std",
            BackendKind::IoUring => "io_uring",
            BackendKind::Polling => "epoll",
            BackendKind::Iocp => "iocp",
            BackendKind::Gcd => "gcd",
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which backend is in use and why: show it in the API snapshot and on the Health panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendInfo {
    /// The backend writing the journal.
    pub kind: BackendKind,
    /// Why this one, e.g. "io_uring unavailable: EPERM; compio fell back to epoll".
    pub reason: String,
}

impl fmt::Display for BackendInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.kind, self.reason)
    }
}

/// The backends that can run on this platform, each as a configuration choice (the conformance suite and the
/// benchmark run every one of them).
pub fn available() -> Vec<BackendChoice> {
    let mut choices = vec![BackendChoice::Std];
    if cfg!(any(target_os = "linux", windows)) {
        choices.push(BackendChoice::Compio);
    }
    if cfg!(target_os = "linux") {
        choices.push(BackendChoice::CompioPoll);
    }
    if cfg!(target_os = "macos") {
        choices.push(BackendChoice::Gcd);
    }
    choices
}

/// Starts the backend for `choice` on the calling (writer) thread.
pub(crate) fn start(choice: BackendChoice) -> Result<(Box<dyn SegmentIo>, BackendInfo), JournalError> {
    let std_backend = |reason: String| -> (Box<dyn SegmentIo>, BackendInfo) {
        (Box::new(std_io::StdIo::default()), BackendInfo { kind: BackendKind::Std, reason })
    };
    match choice {
        BackendChoice::Std => Ok(std_backend("configured: std".to_owned())),
        BackendChoice::Auto => Ok(auto().unwrap_or_else(std_backend)),
        #[cfg(any(target_os = "linux", windows))]
        BackendChoice::Compio => match compio::start(false) {
            Ok((io, info)) => {
                Ok((io, BackendInfo { reason: info.reason.replacen("auto", "configured compio", 1), ..info }))
            }
            Err(e) => Err(JournalError::Backend(format!("compio: {e}"))),
        },
        #[cfg(target_os = "linux")]
        BackendChoice::CompioPoll => {
            compio::start(true).map_err(|e| JournalError::Backend(format!("compio polling: {e}")))
        }
        #[cfg(target_os = "macos")]
        BackendChoice::Gcd => gcd::start().map_err(|e| JournalError::Backend(format!("gcd: {e}"))),
        other => Err(JournalError::Backend(format!("{other:?} is not available on this platform"))),
    }
}

/// The platform's preferred backend, or why it cannot be used (then std takes over).
fn auto() -> Result<(Box<dyn SegmentIo>, BackendInfo), String> {
    #[cfg(any(target_os = "linux", windows))]
    return compio::start(false).map_err(|e| format!("compio runtime failed to start: {e}; using std"));
    #[cfg(target_os = "macos")]
    return gcd::start().map_err(|e| format!("GCD backend failed to start: {e}; using std"));
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    Err("auto: no io_uring, IOCP or GCD backend on this platform; using std".to_owned())
}
