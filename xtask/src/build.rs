//! Building: the wasm dashboard (cargo + wasm-bindgen, no trunk) and the native binaries.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context;

use crate::process::{cargo_command, output, run, workspace_root};

/// The binaries a full build makes: the headless node, the native dashboard, the desktop app.
const NATIVE_PACKAGES: &[&str] = &["bitcraps-cli", "bitcraps-ui", "bitcraps-desktop"];

/// The workspace's target dir (honours CARGO_TARGET_DIR).
pub fn target_dir() -> anyhow::Result<PathBuf> {
    let metadata = output(cargo_command().args(["metadata", "--format-version", "1", "--no-deps"]))?;
    let value: serde_json::Value = serde_json::from_str(&metadata).context("parsing cargo metadata")?;
    let dir = value["target_directory"].as_str().context("cargo metadata has no target_directory")?;
    Ok(PathBuf::from(dir))
}

/// Builds everything: the wasm dashboard first, so the node finds it beside its executable.
pub fn all(release: bool) -> anyhow::Result<()> {
    web(release)?;
    let mut cmd = cargo_command();
    cmd.arg("build");
    for package in NATIVE_PACKAGES {
        cmd.args(["-p", package]);
    }
    if release {
        cmd.arg("--release");
    }
    run(&mut cmd)
}

/// Builds the dashboard for wasm32 and runs wasm-bindgen into `target/<profile>/dashboard-web`, beside the node
/// binary that serves it.
pub fn web(release: bool) -> anyhow::Result<()> {
    let profile = if release { "release" } else { "debug" };
    let mut cmd = cargo_command();
    cmd.args(["build", "-p", "bitcraps-ui", "--bin", "bitcraps-dashboard", "--target", "wasm32-unknown-unknown"]);
    if release {
        cmd.arg("--release");
    }
    run(&mut cmd)?;
    let target = target_dir()?;
    let wasm = target.join("wasm32-unknown-unknown").join(profile).join("bitcraps-dashboard.wasm");
    let out_dir = target.join(profile).join("dashboard-web");
    std::fs::create_dir_all(&out_dir)?;
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out_dir)
        .arg(&wasm))
    .context("wasm-bindgen (install it with `cargo xtask setup`)")?;
    let index = workspace_root().join("ui").join("web").join("index.html");
    std::fs::copy(&index, out_dir.join("index.html")).with_context(|| format!("copying {}", index.display()))?;
    println!("web dashboard built into {}", out_dir.display());
    Ok(())
}
