//! Where the node keeps its files: the per-OS config and data directories from `directories`, with overrides.

use std::path::{Path, PathBuf};

/// Names of the files the node keeps in its data dir.
pub const DB_FILE: &str = "bitcraps.sqlite3";
pub const LOCK_FILE: &str = "node.lock";
pub const IDENTITY_FILE: &str = "identity.key";
pub const LOG_DIR: &str = "logs";
pub const JOURNAL_DIR: &str = "journal";
pub const CONFIG_FILE: &str = "config.toml";

/// The per-OS project directories (`~/.local/share/bitcraps`, `%APPDATA%\BitCraps\BitCraps\data`,
/// `~/Library/Application Support/org.BitCraps.BitCraps`).
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("org", "BitCraps", "BitCraps")
}

/// No per-OS default directory exists (no home directory): the caller must pass one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no home directory found: pass {flag}")]
pub struct NoHomeDir {
    /// The command-line flag that names the directory instead.
    pub flag: &'static str,
}

/// The data dir: the override if given, else the per-OS default.
pub fn data_dir(override_dir: Option<&Path>) -> Result<PathBuf, NoHomeDir> {
    match override_dir {
        Some(dir) => Ok(dir.to_owned()),
        None => project_dirs().map(|d| d.data_dir().to_owned()).ok_or(NoHomeDir { flag: "--data-dir" }),
    }
}

/// The config file: the override if given, else `config.toml` in the per-OS config dir.
pub fn config_file(override_file: Option<&Path>) -> Result<PathBuf, NoHomeDir> {
    match override_file {
        Some(file) => Ok(file.to_owned()),
        None => project_dirs().map(|d| d.config_dir().join(CONFIG_FILE)).ok_or(NoHomeDir { flag: "--config" }),
    }
}

/// Writes `contents` to `path` readable by the owner only (0600 on Unix), replacing it atomically.
pub fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(contents)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}
