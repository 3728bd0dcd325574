//! `cargo xtask layers`: the layering of modules inside crates, checked from the source text.
//!
//! [`LAYERS`] lists, per crate, its top-level modules in layers, bottom first. A module may import (`crate::x`,
//! `use crate::{x::A, y}`, `crate::x::f()` in an expression, or `super::x` climbing to the crate root) any module
//! of a lower layer, and one of its own layer as long as that makes no cycle; never one of a higher layer. The
//! crate root (`lib.rs`, `main.rs`) may import anything, and `crate::Name` of an item the root re-exports
//! (`pub use x::Name;`) counts as an import of `x`. A file belongs to the top-level module of its path
//! (`src/x.rs`, `src/x/**`), or to the module whose `#[path = "…"]` declares it; `src/bin/**` belongs to none.
//! Tests inside a module count as the module. Every top-level module on disk must be in the table, and every
//! module in the table must exist, so the table stays complete.
//!
//! [`KNOWN_DEBTS`] lists the imports that break these rules today (each names its fix). They are tolerated, and
//! printed with the crate's "layers ok" line; an entry whose import is gone fails the check, so the list only
//! shrinks.
//!
//! `cargo xtask layers --suggest <crate dir>` prints a table entry for a crate from its real imports (each module
//! as low as its imports allow), to paste into [`LAYERS`] and then merge layers where that reads better.

mod graph;
mod imports;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, bail};

use crate::process::workspace_root;
use crate::rust_source::{relative, rust_files};
use graph::{cycles, levels};
use imports::{Crate, SourceFile, analyse};

/// A crate's layers, bottom first; each layer lists top-level module names (`src/<name>.rs` or `src/<name>/`).
type Layers = &'static [&'static [&'static str]];

/// (crate folder relative to the workspace root, its layers). Keep each crate's modules in exactly one layer.
const LAYERS: &[(&str, Layers)] = &[
    (
        "core/api",
        &[
            &["alerts", "error_code", "metrics", "net", "resources", "setting"],
            &["snapshot"],
            &["events", "status_text"],
        ],
    ),
    ("core/wire", &[&["frame", "message"]]),
    (
        "core/rules",
        &[
            &["dice", "phase"],
            &["bet", "payout"],
            &["error", "outcome", "rules"],
            &["bet_name", "resolve"],
            &["table"],
            &["edge"],
        ],
    ),
    (
        "core/journal",
        &[
            &["error", "format"],
            &["backend", "segment"],
            &["config", "scan"],
            &["recovery", "replay", "verify"],
            &["writer"],
            &["journal"],
        ],
    ),
    (
        "ui",
        &[
            &["format", "latency_history", "plot_axes", "plot_frame", "stored_history"],
            &["state"],
            &["command_result", "connection"],
            &["alerts", "game", "health", "resources"],
            &["app"],
            &["native", "web"],
        ],
    ),
    (
        "xtask",
        &[
            &["process", "rust_source"],
            &["build", "fuzz", "invariants", "layers", "setup", "tidy"],
            &["cross", "e2e", "wine"],
            &["measure"],
        ],
    ),
    // The node's crates, bottom to top (storage < ledger < net < table < node < cli; see ARCHITECTURE.md).
    (
        "core/storage",
        &[
            &["batch", "config", "db", "ids"],
            &[
                "accounts",
                "alert_history",
                "bets",
                "craps_tables",
                "game_archive",
                "ledger_entries",
                "mesh_tables",
                "metric_summaries",
                "resource_samples",
                "rolls",
                "seats",
            ],
            &["mesh_rounds", "retention"],
            &["maintenance"],
        ],
    ),
    ("core/ledger", &[&["account", "game"], &["entry"], &["book", "postings"], &["store"], &["check", "game_table"]]),
    ("core/net", &[&["clock", "config", "transport", "window"], &["lan", "metrics"], &["mesh"]]),
    (
        "core/table",
        &[
            &["config", "crypto", "phase", "state", "sync_timer"],
            &["attempt"],
            &["machine"],
            &["sim_tests", "store", "view"],
            &["replay", "service"],
        ],
    ),
    (
        "core/node",
        &[
            &["events", "golden", "health", "paths", "sampler"],
            &["identity", "lock", "metrics", "metrics_store", "maintenance"],
            &["alerts"],
            &["config"],
            &["state", "error"],
            &["api", "start"],
            &["node"],
        ],
    ),
    ("core/cli", &[&["logging"]]),
];

/// Imports that go upward or close a cycle today, tolerated until fixed: (crate, from, to, the fix). The layers
/// above are what the crate's imports give with these left out.
const KNOWN_DEBTS: &[(&str, &str, &str, &str)] = &[];

pub fn check() -> anyhow::Result<()> {
    let root = workspace_root();
    let mut problems = Vec::new();
    for (dir, layers) in LAYERS {
        let files = read_crate(&root, dir)?;
        match check_crate(dir, layers, &debts(dir), &analyse(&files)) {
            Ok(summary) => println!("layers ok: {dir} ({summary})"),
            Err(found) => problems.extend(found),
        }
    }
    if !problems.is_empty() {
        bail!("layers broken, {} problem{}:\n  {}", problems.len(), plural(problems.len()), problems.join("\n  "));
    }
    Ok(())
}

/// Prints a [`LAYERS`] entry for the crate in `dir` derived from its imports (and any import cycles).
pub fn suggest(dir: &str) -> anyhow::Result<()> {
    let dir = dir.trim_end_matches('/');
    let found = analyse(&read_crate(&workspace_root(), dir)?);
    let debts = debts(dir);
    let edges: BTreeSet<(&str, &str)> =
        found.imports.iter().map(|i| (i.from.as_str(), i.to.as_str())).filter(|edge| !debts.contains(edge)).collect();
    for (from, to) in &debts {
        println!("// left out, a known debt: {from} → {to}");
    }
    let modules: Vec<&str> = found.modules.keys().map(String::as_str).collect();
    for cycle in cycles(&modules, &edges) {
        println!("// import cycle (its modules share a layer here, which `layers` refuses): {}", cycle.join(" → "));
    }
    let mut by_level: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (module, level) in levels(&modules, &edges) {
        by_level.entry(level).or_default().push(module);
    }
    println!("(\n    {dir:?},\n    &[");
    for layer in by_level.values() {
        println!("        &[{}],", layer.iter().map(|m| format!("{m:?}")).collect::<Vec<_>>().join(", "));
    }
    println!("    ],\n),");
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The (from, to) imports of [`KNOWN_DEBTS`] in the crate in `dir`.
fn debts(dir: &str) -> Vec<(&'static str, &'static str)> {
    KNOWN_DEBTS.iter().filter(|debt| debt.0 == dir).map(|&(_, from, to, _)| (from, to)).collect()
}

fn read_crate(root: &std::path::Path, dir: &str) -> anyhow::Result<Vec<SourceFile>> {
    let src = root.join(dir).join("src");
    if !src.is_dir() {
        bail!("LAYERS names the crate {dir}, but {dir}/src does not exist");
    }
    let mut files = Vec::new();
    for path in rust_files(&src)? {
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        files.push(SourceFile { path: relative(&path, &src), text });
    }
    Ok(files)
}

/// Checks one crate's imports against its layers: the summary line, or every problem found.
fn check_crate(dir: &str, layers: &[&[&str]], debts: &[(&str, &str)], found: &Crate) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    for (from, to) in debts {
        if !found.imports.iter().any(|i| (i.from.as_str(), i.to.as_str()) == (*from, *to)) {
            problems.push(format!(
                "{dir}: KNOWN_DEBTS lists `{from}` → `{to}`, but {from} no longer imports {to}: remove the entry"
            ));
        }
    }
    let mut layer_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (n, layer) in layers.iter().enumerate() {
        if layer.is_empty() {
            problems.push(format!("{dir}: layer {} of LAYERS is empty", n + 1));
        }
        for module in *layer {
            if layer_of.insert(module, n).is_some() {
                problems.push(format!("{dir}: LAYERS lists `{module}` twice"));
            }
            if !found.modules.contains_key(*module) {
                problems.push(format!(
                    "{dir}: LAYERS lists `{module}`, but there is no {dir}/src/{module}.rs or {dir}/src/{module}/"
                ));
            }
        }
    }
    for (module, file) in &found.modules {
        if !layer_of.contains_key(module.as_str()) {
            problems.push(format!(
                "{dir}/src/{file}: module `{module}` is in no layer of LAYERS (xtask/src/layers.rs): add it where \
                 it belongs (`cargo xtask layers --suggest {dir}` shows where its imports put it)"
            ));
        }
    }
    let count = layers.len();
    let mut reported = BTreeSet::new();
    let mut same_layer = BTreeSet::new();
    for import in &found.imports {
        let (Some(&from), Some(&to)) = (layer_of.get(import.from.as_str()), layer_of.get(import.to.as_str())) else {
            continue;
        };
        if debts.contains(&(import.from.as_str(), import.to.as_str())) {
            continue;
        }
        if to > from && reported.insert((&import.file, &import.to)) {
            let more = found.imports.iter().filter(|i| i.file == import.file && i.to == import.to).count() - 1;
            let more = if more > 0 { format!(" (and {more} more in this file)") } else { String::new() };
            problems.push(format!(
                "{dir}/src/{}:{}: upward import: `{}` (layer {} of {count}) uses `crate::{}` \
                 (layer {} of {count}){more}",
                import.file,
                import.line,
                import.from,
                from + 1,
                import.to,
                to + 1,
            ));
        } else if to == from {
            same_layer.insert((import.from.as_str(), import.to.as_str()));
        }
    }
    let modules: Vec<&str> = layer_of.keys().copied().collect();
    for cycle in cycles(&modules, &same_layer) {
        let steps: Vec<String> = cycle
            .windows(2)
            .filter_map(|pair| found.imports.iter().find(|i| i.from == pair[0] && i.to == pair[1]))
            .map(|i| format!("{dir}/src/{}:{} {} → {}", i.file, i.line, i.from, i.to))
            .collect();
        let layer = layer_of.get(cycle[0]).map_or(0, |l| l + 1);
        problems.push(format!(
            "{dir}: import cycle in layer {layer} of {count}: {} ({})",
            cycle.join(" → "),
            steps.join("; ")
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let shown: Vec<String> = layers.iter().map(|layer| layer.join("|")).collect();
    let debts: Vec<String> = debts.iter().map(|(from, to)| format!("{from} → {to}")).collect();
    let debts = if debts.is_empty() { String::new() } else { format!("; known debts: {}", debts.join(", ")) };
    Ok(format!("{count} layer{}: {}{debts}", plural(count), shown.join(" < ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use imports::tests::file;

    const LOW_HIGH: &[&[&str]] = &[&["low", "low2"], &["high"]];

    #[test]
    fn a_clean_crate_passes_with_its_summary() {
        let files = [
            file("lib.rs", "mod low; mod low2; mod high;"),
            file("low.rs", "use crate::low2::A;"),
            file("low2.rs", ""),
            file("high.rs", "use crate::{low, low2};"),
        ];
        assert_eq!(check_crate("c", LOW_HIGH, &[], &analyse(&files)), Ok("2 layers: low|low2 < high".to_owned()));
    }

    #[test]
    fn an_upward_import_is_caught() {
        let files = [
            file("lib.rs", ""),
            file("low.rs", "//! low\n\nfn f() {\n    crate::high::g();\n    crate::high::h();\n}"),
            file("low2.rs", ""),
            file("high.rs", ""),
        ];
        let Err(problems) = check_crate("core/x", LOW_HIGH, &[], &analyse(&files)) else { panic!("not caught") };
        assert_eq!(
            problems,
            ["core/x/src/low.rs:4: upward import: `low` (layer 1 of 2) uses `crate::high` (layer 2 of 2) \
              (and 1 more in this file)"]
        );
    }

    #[test]
    fn a_cycle_in_a_layer_is_caught() {
        let files = [
            file("low.rs", "use crate::low2::A;"),
            file("low2.rs", "\nuse crate::{\n    low::B,\n};"),
            file("high.rs", ""),
        ];
        let Err(problems) = check_crate("c", LOW_HIGH, &[], &analyse(&files)) else { panic!("not caught") };
        assert_eq!(
            problems,
            ["c: import cycle in layer 1 of 2: low → low2 → low \
                 (c/src/low.rs:1 low → low2; c/src/low2.rs:3 low2 → low)"]
        );
    }

    #[test]
    fn a_known_debt_is_tolerated_until_it_is_paid() {
        let files = [file("low.rs", "use crate::high::A;"), file("low2.rs", ""), file("high.rs", "use crate::low::B;")];
        let found = analyse(&files);
        assert_eq!(
            check_crate("c", LOW_HIGH, &[("low", "high")], &found),
            Ok("2 layers: low|low2 < high; known debts: low → high".to_owned())
        );
        let Err(problems) = check_crate("c", LOW_HIGH, &[("low2", "high")], &found) else { panic!("not caught") };
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].starts_with("c: KNOWN_DEBTS lists `low2` → `high`, but low2 no longer imports high"));
        assert!(problems[1].starts_with("c/src/low.rs:1: upward import"), "{problems:#?}");
    }

    #[test]
    fn missing_and_unlisted_modules_are_caught() {
        let files = [file("low.rs", ""), file("high.rs", ""), file("extra/mod.rs", "")];
        let Err(problems) = check_crate("c", LOW_HIGH, &[], &analyse(&files)) else { panic!("not caught") };
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].starts_with("c: LAYERS lists `low2`, but there is no c/src/low2.rs"), "{problems:#?}");
        assert!(problems[1].starts_with("c/src/extra/mod.rs: module `extra` is in no layer"), "{problems:#?}");
    }
}
