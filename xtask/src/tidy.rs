//! `cargo xtask tidy`: size and hygiene rules over every `.rs` file of the workspace.
//!
//! Scanned: every `.rs` file under core/, ui/, src-tauri/ and xtask/ (any `target/` folder skipped, so
//! core/wire/fuzz/target too). Each file must
//! - have at most [`MAX_FILE_LINES`] lines (split a longer one by responsibility);
//! - not silence dead code: no `allow(dead_code)` or `expect(dead_code)` in any attribute (`#[…]`, `#![…]`, a
//!   lint list, `cfg_attr`); delete the unused code or use it;
//! - open with a `//!` module doc (or `/*!`) as its first non-empty line after any attributes. This holds for
//!   every scanned file, not only those under `src/`: tests/, benches/, examples/, fuzz targets and build.rs are
//!   modules a reader opens too, and all of them have one today.
//!
//! Besides, src-tauri/src/ (the desktop shell) stays thin: all its files together under
//! [`MAX_TAURI_LINES`] lines. And the workspace's clippy.toml sets `too-many-lines-threshold` and bans
//! `std::thread::spawn` and `tokio::sync::mpsc::unbounded_channel` with `disallowed-methods`.
//!
//! Comments and string literals are blanked before the attribute rule looks (see `rust_source`), so text that
//! only mentions a rule never breaks it.

use anyhow::{Context, bail};

use crate::process::workspace_root;
use crate::rust_source::{Kind, Lines, blank, relative, rust_files, tokens};

/// The workspace folders scanned.
const ROOTS: &[&str] = &["core", "ui", "src-tauri", "xtask"];
/// The most lines one `.rs` file may have.
const MAX_FILE_LINES: usize = 600;
/// The desktop shell's source (`src-tauri/src/**/*.rs`) must total fewer lines than this.
const MAX_TAURI_LINES: usize = 500;
const TAURI_SRC: &str = "src-tauri/src/";
/// The methods clippy.toml's `disallowed-methods` must ban, each with a `reason`.
const CLIPPY_METHODS: &[&str] = &["std::thread::spawn", "tokio::sync::mpsc::unbounded_channel"];

pub fn check() -> anyhow::Result<()> {
    let root = workspace_root();
    let mut problems = Vec::new();
    let mut sizes = Vec::new();
    for dir in ROOTS {
        for path in rust_files(&root.join(dir))? {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            let rel = relative(&path, &root);
            problems.extend(check_file(&rel, &text));
            sizes.push((rel, text.lines().count()));
        }
    }
    let (tauri_lines, tauri_problem) = tauri_total(&sizes);
    problems.extend(tauri_problem);
    let clippy = std::fs::read_to_string(root.join("clippy.toml")).ok();
    problems.extend(check_clippy_toml(clippy.as_deref()));
    if !problems.is_empty() {
        let plural = if problems.len() == 1 { "" } else { "s" };
        bail!("tidy: {} problem{plural}:\n  {}", problems.len(), problems.join("\n  "));
    }
    let (longest, lines) = sizes.iter().max_by_key(|(_, n)| *n).map_or(("none", 0), |(p, n)| (p.as_str(), *n));
    println!(
        "tidy ok: {} files (longest {longest}, {lines} of {MAX_FILE_LINES} lines), \
         src-tauri/src {} of <{MAX_TAURI_LINES} lines, clippy.toml complete",
        sizes.len(),
        tauri_lines,
    );
    Ok(())
}

/// Every problem of one file (`path` relative to the workspace root, for messages).
pub fn check_file(path: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let lines = text.lines().count();
    if lines > MAX_FILE_LINES {
        problems.push(format!(
            "{path}:{}: {lines} lines, over the limit of {MAX_FILE_LINES}: split the file",
            MAX_FILE_LINES + 1
        ));
    }
    problems.extend(dead_code_allowed(text).into_iter().map(|line| {
        format!("{path}:{line}: dead_code allowed: delete the unused code (or use it) instead of silencing the lint")
    }));
    if let Some(line) = missing_module_doc(text) {
        problems.push(format!(
            "{path}:{line}: no module doc: the first line after any attributes must be a `//!` comment saying \
             what the file is for"
        ));
    }
    problems
}

/// The lines of `dead_code` inside `allow(…)` or `expect(…)` in an attribute.
fn dead_code_allowed(text: &str) -> Vec<usize> {
    let blanked = blank(text);
    let toks = tokens(&blanked);
    let kind = |i: usize| toks.get(i).map(|t| t.kind);
    let lines = Lines::new(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let open = if kind(i + 1) == Some(Kind::Punct(b'!')) { i + 2 } else { i + 1 };
        if kind(i) != Some(Kind::Punct(b'#')) || kind(open) != Some(Kind::Punct(b'[')) {
            i += 1;
            continue;
        }
        // Inside the attribute: every `allow(` / `expect(` list up to the `]` that closes it.
        let mut depth = 0usize;
        let mut lint_list: Option<usize> = None; // the paren depth of an open allow/expect list
        i = open;
        while let Some(k) = kind(i) {
            match k {
                Kind::Punct(b'[' | b'(') => {
                    depth += 1;
                    let after_lint = i > 0 && matches!(kind(i - 1), Some(Kind::Ident("allow" | "expect")));
                    if k == Kind::Punct(b'(') && after_lint && lint_list.is_none() {
                        lint_list = Some(depth);
                    }
                }
                Kind::Punct(b']' | b')') => {
                    if lint_list == Some(depth) {
                        lint_list = None;
                    }
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                Kind::Ident("dead_code") if lint_list.is_some() => found.push(lines.line_of(toks[i].offset)),
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
    found
}

/// The line that should be the `//!` module doc when it is not one (None when the doc is there).
fn missing_module_doc(text: &str) -> Option<usize> {
    let mut attribute_depth = 0i32; // open brackets of an attribute spanning lines
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if attribute_depth > 0 || line.starts_with("#[") || line.starts_with("#![") {
            attribute_depth += bracket_balance(line);
            continue;
        }
        if line.is_empty() {
            continue;
        }
        return (!(line.starts_with("//!") || line.starts_with("/*!"))).then_some(n + 1);
    }
    Some(1)
}

fn bracket_balance(line: &str) -> i32 {
    line.chars().map(|c| i32::from(c == '[') - i32::from(c == ']')).sum()
}

/// The total lines of src-tauri/src/ and, when at or over the limit, the problem (naming each file's share).
fn tauri_total(sizes: &[(String, usize)]) -> (usize, Option<String>) {
    let files: Vec<&(String, usize)> = sizes.iter().filter(|(path, _)| path.starts_with(TAURI_SRC)).collect();
    let total = files.iter().map(|(_, n)| n).sum();
    if total < MAX_TAURI_LINES {
        return (total, None);
    }
    let mut shares: Vec<String> = files.iter().map(|(path, n)| format!("{} {n}", &path[TAURI_SRC.len()..])).collect();
    shares.sort();
    let problem = format!(
        "{TAURI_SRC}**/*.rs: {total} lines in total, the limit is under {MAX_TAURI_LINES} ({}): the desktop shell \
         stays thin; move logic into core/ or ui/",
        shares.join(", ")
    );
    (total, Some(problem))
}

/// What clippy.toml (None: missing) lacks of `too-many-lines-threshold` and the banned methods.
fn check_clippy_toml(text: Option<&str>) -> Vec<String> {
    let Some(text) = text else {
        return vec!["clippy.toml: missing at the workspace root".to_owned()];
    };
    let settings: String =
        text.lines().map(|l| l.split_once('#').map_or(l, |(code, _)| code)).collect::<Vec<_>>().join("\n");
    let mut problems = Vec::new();
    let has_key = |key: &str| settings.lines().any(|l| l.split_once('=').is_some_and(|(k, _)| k.trim() == key));
    if !has_key("too-many-lines-threshold") {
        problems.push("clippy.toml: no `too-many-lines-threshold = N`".to_owned());
    }
    let methods = settings.split_once("disallowed-methods").map_or("", |(_, rest)| array_text(rest));
    for method in CLIPPY_METHODS {
        let quoted = format!("\"{method}\"");
        // The inline table `{ path = "…", reason = "…" }` around the path; a bare string has no reason.
        let entry = methods.find(&quoted).map(|at| {
            let (before, after) = methods.split_at(at);
            match (before.rfind('{'), before.rfind('}'), after.find('}')) {
                (Some(open), close, Some(end)) if close.is_none_or(|close| close < open) => &methods[open..at + end],
                _ => quoted.as_str(),
            }
        });
        match entry {
            None => problems.push(format!("clippy.toml: `disallowed-methods` does not list \"{method}\"")),
            Some(entry) if !entry.contains("reason") => {
                problems.push(format!("clippy.toml: `disallowed-methods` lists \"{method}\" without a `reason`"));
            }
            Some(_) => {}
        }
    }
    problems
}

/// The text of the `[...]` array at the start of `rest` (after `= `), up to its closing bracket.
fn array_text(rest: &str) -> &str {
    let mut depth = 0;
    for (i, c) in rest.char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 1 => return &rest[..=i],
            ']' => depth -= 1,
            _ => {}
        }
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "//! What this file is for.\n";

    #[test]
    fn a_file_over_600_lines_is_refused() {
        let at_limit = format!("{DOC}{}", "fn f() {}\n".repeat(MAX_FILE_LINES - 1));
        assert!(check_file("a.rs", &at_limit).is_empty());
        let over = format!("{at_limit}fn g() {{}}\n");
        assert_eq!(check_file("a.rs", &over), ["a.rs:601: 601 lines, over the limit of 600: split the file"]);
    }

    #[test]
    fn dead_code_is_caught_in_every_attribute_form() {
        let text = "#![allow(dead_code)]\n#[allow(unused, dead_code)]\n\
                    #[expect(\n    dead_code,\n    reason = \"x\"\n)]\n\
                    #[cfg_attr(test, allow(clippy::unwrap_used, dead_code))]\nfn f() {}\n";
        assert_eq!(dead_code_allowed(text), [1, 2, 4, 7]);
        let innocent = "//! Never `#[allow(dead_code)]`.\n#[allow(unused)]\n#[cfg(dead_code)]\nfn dead_code() {}\n\
                        const S: &str = \"#[allow(dead_code)]\"; // #[allow(dead_code)]\n\
                        #[deny(dead_code)] fn g() { x.expect(dead_code); }\n";
        assert_eq!(dead_code_allowed(innocent), Vec::<usize>::new());
        assert_eq!(
            check_file("b.rs", &format!("{DOC}#[allow(dead_code)]\nfn f() {{}}\n")),
            ["b.rs:2: dead_code allowed: delete the unused code (or use it) instead of silencing the lint"]
        );
    }

    #[test]
    fn the_module_doc_comes_first_after_attributes() {
        assert_eq!(missing_module_doc("\n//! Doc.\nfn f() {}"), None);
        assert_eq!(missing_module_doc("#![allow(\n    clippy::unwrap_used,\n)]\n\n//! Doc.\n"), None);
        assert_eq!(missing_module_doc("/*! Doc. */\n"), None);
        assert_eq!(missing_module_doc("\n// A plain comment.\n//! Doc.\n"), Some(2));
        assert_eq!(missing_module_doc("/// An item doc.\nfn f() {}\n"), Some(1));
        assert_eq!(missing_module_doc("#[cfg(test)]\nuse x;\n"), Some(2));
        assert_eq!(missing_module_doc(""), Some(1));
    }

    #[test]
    fn the_desktop_shell_stays_under_500_lines() {
        let sizes = |a: usize| vec![("src-tauri/src/main.rs".to_owned(), a), ("src-tauri/src/tray.rs".to_owned(), 100)];
        assert_eq!(tauri_total(&sizes(399)), (499, None));
        let (total, problem) = tauri_total(&sizes(400));
        assert_eq!(total, 500);
        assert!(
            problem.is_some_and(
                |p| p.starts_with("src-tauri/src/**/*.rs: 500 lines in total") && p.contains("tray.rs 100")
            )
        );
        assert_eq!(tauri_total(&[("src-tauri/build.rs".to_owned(), 900)]).0, 0);
    }

    #[test]
    fn clippy_toml_must_set_the_threshold_and_ban_both_methods() {
        let good = "too-many-lines-threshold = 120\ndisallowed-methods = [\n    \
                    { path = \"std::thread::spawn\", reason = \
                    \"a\" },\n    { path = \"tokio::sync::mpsc::unbounded_channel\", reason = \"b\" },\n]\n";
        assert!(check_clippy_toml(Some(good)).is_empty());
        assert_eq!(check_clippy_toml(None), ["clippy.toml: missing at the workspace root"]);
        let commented = good.replace("too-many", "# too-many").replace("    { path = \"std", "# { path = \"std");
        assert_eq!(
            check_clippy_toml(Some(&commented)),
            [
                "clippy.toml: no `too-many-lines-threshold = N`",
                "clippy.toml: `disallowed-methods` does not list \"std::thread::spawn\""
            ]
        );
        let no_reason = good.replace("reason = \"b\"", "replacement = \"x\"");
        assert_eq!(
            check_clippy_toml(Some(&no_reason)),
            ["clippy.toml: `disallowed-methods` lists \"tokio::sync::mpsc::unbounded_channel\" without a `reason`"]
        );
        let elsewhere =
            "disallowed-methods = []\ntoo-many-lines-threshold = 1\ndisallowed-types = [\"std::thread::spawn\"]";
        assert_eq!(check_clippy_toml(Some(elsewhere)).len(), 2);
    }
}
