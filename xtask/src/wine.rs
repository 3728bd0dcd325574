//! `cargo xtask test-windows`: the journal's tests cross-compiled for `x86_64-pc-windows-gnu` with mingw and run
//! under Wine, where compio drives the journal through IOCP (the tests assert that driver).
//!
//! Wine 8.0 (Debian 12) has no `bcryptprimitives.dll`, whose `ProcessPrng` Rust's std imports for random numbers.
//! A tiny mingw DLL exporting `ProcessPrng` (forwarding to advapi32's `SystemFunction036`, i.e. `RtlGenRandom`)
//! is built into the target dir and copied into the Wine prefix's system32. The prefix lives in the target dir.

use std::path::Path;
use std::process::Command;

use anyhow::Context;

use crate::build::target_dir;
use crate::process::{cargo_command, output, run};

const TARGET: &str = "x86_64-pc-windows-gnu";
const MINGW_GCC: &str = "x86_64-w64-mingw32-gcc";

/// The crates whose tests run under Wine.
const PACKAGES: &[&str] = &["bitcraps-journal"];

/// `ProcessPrng` for Wine 8.0: fills `data` from `SystemFunction036`, in chunks its ULONG length allows.
const PROCESS_PRNG_SHIM: &str = r#"#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
"#;

pub fn test_windows() -> anyhow::Result<()> {
    if !cfg!(target_os = "linux") {
        println!("test-windows: runs on Linux hosts (Wine + mingw); on Windows, `cargo test` runs natively");
        return Ok(());
    }
    for tool in ["wine", "wineboot", MINGW_GCC] {
        output(Command::new("sh").args(["-c", &format!("command -v {tool}")])).with_context(|| {
            format!("{tool} not found: run `cargo xtask setup` (Debian: wine wine64 gcc-mingw-w64-x86-64)")
        })?;
    }
    let target = target_dir()?;
    let prefix = target.join("wine-prefix");
    if !prefix.join("system.reg").exists() {
        run(wine_env(Command::new("wineboot").arg("--init"), &prefix))?;
    }
    install_shim(&target.join("wine-shim"), &prefix)?;
    let mut cmd = cargo_command();
    cmd.args(["test", "--target", TARGET, "--lib", "--tests"]);
    for package in PACKAGES {
        cmd.args(["-p", package]);
    }
    cmd.env(format!("CARGO_TARGET_{}_RUNNER", TARGET.replace('-', "_").to_uppercase()), "wine");
    run(wine_env(&mut cmd, &prefix))
}

fn wine_env<'a>(cmd: &'a mut Command, prefix: &Path) -> &'a mut Command {
    cmd.env("WINEPREFIX", prefix).env("WINEDEBUG", "-all").env("WINEDLLOVERRIDES", "bcryptprimitives=n,b")
}

/// Builds the `ProcessPrng` DLL (once) and copies it into the prefix's system32.
fn install_shim(dir: &Path, prefix: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let source = dir.join("processprng.c");
    let dll = dir.join("bcryptprimitives.dll");
    if std::fs::read_to_string(&source).ok().as_deref() != Some(PROCESS_PRNG_SHIM) || !dll.exists() {
        std::fs::write(&source, PROCESS_PRNG_SHIM)?;
        run(Command::new(MINGW_GCC).args(["-shared", "-O2", "-o"]).arg(&dll).arg(&source).arg("-ladvapi32"))?;
    }
    let system32 = prefix.join("drive_c/windows/system32");
    std::fs::copy(&dll, system32.join("bcryptprimitives.dll"))
        .with_context(|| format!("copying the ProcessPrng shim into {}", system32.display()))?;
    Ok(())
}
