//! `cargo xtask fuzz [--seconds N]`: runs each of bitcraps-wire's cargo-fuzz targets for N seconds on nightly.
//!
//! Installs cargo-fuzz when it is missing. Each target starts from its committed seed corpus
//! (`core/wire/fuzz/corpus/<target>/`, read only) and a scratch corpus in the target directory, where libFuzzer
//! writes what it finds, so a run never dirties the work tree. The build goes to `<target dir>/fuzz`
//! (`CARGO_TARGET_DIR` if set, else `target/`); a crash leaves its input in `core/wire/fuzz/artifacts/` (ignored
//! by git) and fails the task.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};

use crate::process::{run as run_command, workspace_root};

/// The targets in `core/wire/fuzz/fuzz_targets/`.
const TARGETS: &[&str] = &["frame", "message"];

/// Seconds per target when `--seconds` is not given.
pub const DEFAULT_SECONDS: u64 = 15;

pub fn run(seconds: u64) -> anyhow::Result<()> {
    let nightly = Command::new("cargo").args(["+nightly", "--version"]).output();
    if !nightly.as_ref().is_ok_and(|out| out.status.success()) {
        println!("fuzz: cargo-fuzz needs a nightly toolchain and `cargo +nightly --version` failed.");
        println!("  Install one with `rustup toolchain install nightly`, then run `cargo xtask fuzz` again.");
        bail!("no nightly toolchain: cannot fuzz");
    }
    install_cargo_fuzz()?;
    let crate_dir = workspace_root().join("core/wire");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
        .join("fuzz");
    for target in TARGETS {
        let scratch = target_dir.join("corpus").join(target);
        std::fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
        let seeds = crate_dir.join("fuzz/corpus").join(target);
        run_command(
            Command::new("cargo")
                .args(["+nightly", "fuzz", "run", target])
                .arg(&scratch)
                .arg(&seeds)
                .args(["--", &format!("-max_total_time={seconds}")])
                .env("CARGO_TARGET_DIR", &target_dir)
                .current_dir(&crate_dir),
        )?;
    }
    println!("fuzz: {} targets ran {seconds} s each without a crash", TARGETS.len());
    Ok(())
}

fn install_cargo_fuzz() -> anyhow::Result<()> {
    let installed = Command::new("cargo").args(["fuzz", "--version"]).output();
    if installed.as_ref().is_ok_and(|out| out.status.success()) {
        return Ok(());
    }
    run_command(Command::new("cargo").args(["install", "cargo-fuzz"]))
}
