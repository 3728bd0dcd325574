//! Exclusive ownership of a data dir: a second node process on the same data dir is refused, never let in.
//!
//! Uses the OS file lock (`flock` on Unix, `LockFileEx` on Windows) through `std::fs::File::try_lock`, which the OS
//! releases when the process dies, so a crash never leaves a stale lock behind.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::paths::LOCK_FILE;

/// Holds the data dir lock for as long as it lives.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

/// Why the data dir could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("data dir {dir} is in use by another bitcraps node (pid {pid}); stop it or choose another --data-dir")]
    InUse { dir: PathBuf, pid: String },
    #[error("cannot lock data dir {dir}: {source}")]
    Io { dir: PathBuf, source: std::io::Error },
}

impl DataDirLock {
    /// Takes the lock on `dir` (created if missing, and made owner-only on Unix: the database, its WAL, the
    /// journal, the logs and the token inside are nobody else's business) and records this process id in the
    /// lock file.
    pub fn acquire(dir: &Path) -> Result<Self, LockError> {
        let io = |source| LockError::Io { dir: dir.to_owned(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
        }
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join(LOCK_FILE))
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut pid = String::new();
                // The holder's pid is informational; an unreadable file still means "in use".
                let _ = file.read_to_string(&mut pid);
                let pid = if pid.trim().is_empty() { "unknown".to_owned() } else { pid.trim().to_owned() };
                return Err(LockError::InUse { dir: dir.to_owned(), pid });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        Ok(Self { _file: file })
    }
}
