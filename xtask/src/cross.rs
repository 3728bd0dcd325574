//! `cargo xtask check-cross`: type-checks the product's crates (node, dashboard and tray app) for Windows (MSVC) and
//! macOS (Apple silicon) from Linux.
//!
//! `cargo check` still runs build scripts, and bundled SQLite wants a C compiler for the target, which Linux lacks.
//! A stand-in compiler that writes empty objects satisfies the build scripts; nothing is linked in a check, so
//! nothing of it reaches a binary.

use std::path::{Path, PathBuf};

use crate::build::target_dir;
use crate::process::{cargo_command, run};

const TARGETS: &[&str] = &["x86_64-pc-windows-msvc", "aarch64-apple-darwin"];
/// Every crate of the product, the Tauri tray app included (its Windows and macOS dependency trees add ~2 min and
/// ~1 min to a fresh check here).
const PACKAGES: &[&str] = &[
    "bitcraps-api",
    "bitcraps-rules",
    "bitcraps-wire",
    "bitcraps-storage",
    "bitcraps-ledger",
    "bitcraps-net",
    "bitcraps-table",
    "bitcraps-node",
    "bitcraps-cli",
    "bitcraps-journal",
    "bitcraps-ui",
    "bitcraps-desktop",
];

/// Writes an empty file wherever a C compiler or archiver was asked to write one (`-o X`, `-FoX`, `-out:X`, or
/// an archive name after `ar`'s operation letters).
const STAND_IN: &str = r#"#!/bin/sh
# Stand-in C compiler / archiver for check-only cross builds: writes empty outputs, compiles nothing.
prev=""
for arg in "$@"; do
  case "$arg" in
    -Fo*) : > "${arg#-Fo}" ;;
    -out:*) : > "${arg#-out:}" ;;
    *.a|*.lib) [ "$prev" = "crs" ] || [ "$prev" = "cq" ] || [ "$prev" = "cr" ] && : > "$arg" ;;
  esac
  [ "$prev" = "-o" ] && : > "$arg"
  prev="$arg"
done
exit 0
"#;

pub fn check() -> anyhow::Result<()> {
    let stand_in = write_stand_in()?;
    for target in TARGETS {
        let var = target.replace('-', "_");
        let mut cmd = cargo_command();
        cmd.args(["check", "--target", target]);
        for package in PACKAGES {
            cmd.args(["-p", package]);
        }
        cmd.env(format!("CC_{var}"), &stand_in).env(format!("AR_{var}"), &stand_in);
        run(&mut cmd)?;
    }
    Ok(())
}

fn write_stand_in() -> anyhow::Result<PathBuf> {
    let dir = target_dir()?.join("cross-stand-in");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("cc");
    std::fs::write(&path, STAND_IN)?;
    make_executable(&path)?;
    Ok(path)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> anyhow::Result<()> {
    anyhow::bail!("check-cross runs on Linux or macOS hosts; on Windows, check natively")
}
