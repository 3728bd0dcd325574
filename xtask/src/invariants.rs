//! The architecture invariants of ARCHITECTURE.md, checked with `cargo tree` (as rerun checks its crate
//! boundaries with a script).

use anyhow::bail;

use crate::process::{cargo_command, output};

/// (package, target triple or "" for the host, crates it must never depend on, why)
const RULES: &[(&str, &str, &[&str], &str)] = &[
    (
        "bitcraps-api",
        "wasm32-unknown-unknown",
        &["tokio", "rusqlite", "egui"],
        "the API types are plain wasm-safe data",
    ),
    ("bitcraps-rules", "wasm32-unknown-unknown", &["tokio", "rusqlite", "egui"], "the rules engine is pure"),
    (
        "bitcraps-wire",
        "wasm32-unknown-unknown",
        &["tokio", "rusqlite", "egui", "snow", "mdns-sd"],
        "the wire format is pure (no I/O): fuzzable alone, usable by any transport",
    ),
    (
        "bitcraps-storage",
        "",
        &["bitcraps-ledger", "bitcraps-net", "bitcraps-table", "bitcraps-node", "tokio", "snow", "mdns-sd", "egui"],
        "storage is the bottom layer: rows, not meaning; it imports no domain crate and no runtime",
    ),
    (
        "bitcraps-ledger",
        "",
        &["bitcraps-net", "bitcraps-table", "bitcraps-node", "tokio", "snow", "mdns-sd", "egui"],
        "the ledger sits on storage and the rules engine only",
    ),
    (
        "bitcraps-net",
        "",
        &["rusqlite", "libsqlite3-sys", "bitcraps-storage", "bitcraps-ledger", "bitcraps-table", "bitcraps-node"],
        "the mesh moves signed messages and knows nothing of what they mean: no SQLite, no ledger, no table protocol",
    ),
    (
        "bitcraps-table",
        "",
        &["bitcraps-node", "axum", "sysinfo", "notify-rust", "egui"],
        "the table protocol sits below the node: no API server, sampler or notifications",
    ),
    ("bitcraps-node", "", &["egui", "eframe", "egui_plot", "tauri", "wry", "tao"], "core depends on no GUI crate"),
    ("bitcraps-journal", "", &["egui", "eframe", "egui_plot", "tauri", "wry", "tao"], "core depends on no GUI crate"),
    (
        "bitcraps-ui",
        "",
        &["tauri", "wry", "rusqlite", "libsqlite3-sys", "btleplug", "sysinfo", "tokio"],
        "the UI is a pure view of API data: no desktop shell, storage, radios, sampling or async runtime",
    ),
    (
        "bitcraps-ui",
        "wasm32-unknown-unknown",
        &["tauri", "wry", "rusqlite", "libsqlite3-sys", "btleplug", "sysinfo", "tokio"],
        "the UI compiles to wasm with the same boundaries",
    ),
];

/// Host-only crates: binaries (bitcraps-cli, the tray app, xtask) use them; no library crate may.
const HOST_ONLY: &[&str] = &["clap", "tracing-subscriber", "anyhow"];

/// The library crates that must not depend on [`HOST_ONLY`] crates.
const LIBRARIES: &[&str] = &[
    "bitcraps-api",
    "bitcraps-rules",
    "bitcraps-wire",
    "bitcraps-journal",
    "bitcraps-storage",
    "bitcraps-ledger",
    "bitcraps-net",
    "bitcraps-table",
    "bitcraps-node",
];

pub fn check() -> anyhow::Result<()> {
    let mut broken = Vec::new();
    let host_only = LIBRARIES.iter().map(|p| {
        (*p, "", HOST_ONLY, "libraries leave clap, tracing-subscriber and anyhow to the binaries (bitcraps-cli)")
    });
    for (package, target, forbidden, why) in RULES.iter().copied().chain(host_only) {
        let mut cmd = cargo_command();
        cmd.args(["tree", "-p", package, "-e", "normal", "--prefix", "none", "--format", "{lib}"]);
        if !target.is_empty() {
            cmd.args(["--target", target]);
        }
        let tree = output(&mut cmd)?;
        let crates: std::collections::BTreeSet<&str> =
            tree.lines().filter_map(|l| l.split_whitespace().next()).map(|name| name.trim()).collect();
        let platform = if target.is_empty() { "host" } else { target };
        let found: Vec<&&str> =
            forbidden.iter().filter(|name| crates.contains(name.replace('-', "_").as_str())).collect();
        if found.is_empty() {
            println!("invariant ok: {package} ({platform}) avoids {}", forbidden.join(", "));
        }
        for name in found {
            broken.push(format!("{package} ({platform}) depends on {name}: {why}"));
        }
    }
    broken.extend(source_never_names(
        "core/net/src",
        "bitcraps_rules",
        "the rules engine reaches the mesh only as the wire format's vocabulary",
    )?);
    if !broken.is_empty() {
        bail!("architecture invariants broken:\n  {}", broken.join("\n  "));
    }
    Ok(())
}

/// Files under `dir` (relative to the workspace root) whose text names `name`: a crate may reach a dependency
/// only through another one (the net crate sees the rules engine's types inside wire messages) yet never use it.
fn source_never_names(dir: &str, name: &str, why: &str) -> anyhow::Result<Vec<String>> {
    let root = crate::process::workspace_root();
    let mut broken = Vec::new();
    for file in crate::rust_source::rust_files(&root.join(dir))? {
        let text = std::fs::read_to_string(&file)?;
        if text.contains(name) {
            broken.push(format!("{} names {name}: {why}", file.display()));
        }
    }
    if broken.is_empty() {
        println!("invariant ok: {dir} never names {name}");
    }
    Ok(broken)
}
