//! Shared helpers: opening a journal on a given backend and checking that backend is the one expected here.

use std::path::Path;
use std::time::Duration;

use bitcraps_journal::{BackendChoice, BackendKind, Journal, JournalConfig, Record};

/// Every backend this platform offers, each with a fresh directory.
pub fn backends() -> Vec<BackendChoice> {
    let backends = bitcraps_journal::available_backends();
    assert!(backends.len() >= 2, "at least std and one native backend: {backends:?}");
    backends
}

/// A config for `dir` on `backend` with a short sync interval (tests should not wait on timers).
pub fn config(dir: &Path, backend: BackendChoice) -> JournalConfig {
    let mut config = JournalConfig::new(dir);
    config.backend = backend;
    config.durability.every = Duration::from_millis(1);
    config
}

/// Opens the journal and checks the backend kind the platform should give for `backend`.
pub fn open(config: JournalConfig) -> Journal {
    let backend = config.backend;
    let journal = Journal::open(config).unwrap();
    let info = journal.backend();
    eprintln!("{backend:?}: {info}");
    let expected = match backend {
        BackendChoice::Std => BackendKind::Std,
        BackendChoice::CompioPoll => BackendKind::Polling,
        BackendChoice::Gcd => BackendKind::Gcd,
        BackendChoice::Compio if cfg!(windows) => BackendKind::Iocp,
        BackendChoice::Compio if io_uring_works() => BackendKind::IoUring,
        BackendChoice::Compio => {
            assert!(info.reason.contains("io_uring unavailable"), "{info}");
            BackendKind::Polling
        }
        BackendChoice::Auto => info.kind,
    };
    assert_eq!(info.kind, expected, "backend for {backend:?}: {info}");
    journal
}

/// Payload number `i`: distinct, of varying length.
pub fn payload(i: usize) -> Vec<u8> {
    format!("signed table message {i} {}", "x".repeat(i % 97)).into_bytes()
}

/// Every record in `dir`, asserting replay reaches the end without error.
pub fn replay_all(dir: &Path) -> Vec<Record> {
    bitcraps_journal::replay(dir).unwrap().collect::<Result<Vec<_>, _>>().unwrap()
}

/// The segment files in `dir`, oldest first.
pub fn segment_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

/// Whether this host lets a process set up an io_uring (containers often block it with seccomp); compio must
/// pick io_uring exactly when it does.
pub fn io_uring_works() -> bool {
    #[cfg(target_os = "linux")]
    return io_uring::IoUring::new(2).is_ok();
    #[cfg(not(target_os = "linux"))]
    false
}
