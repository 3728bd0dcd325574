//! Reading a crate's imports between its top-level modules from the source text (see the `layers` module doc
//! for what counts as an import and which file belongs to which module).

use std::collections::BTreeMap;

use crate::rust_source::{Kind, Lines, Token, blank, literal_value, tokens};

/// One source file of a crate: its path under `src/` (`/`-separated) and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// What a crate's files say: its top-level modules (each with one of its files) and every import between them.
#[derive(Debug, Default)]
pub struct Crate {
    pub modules: BTreeMap<String, String>,
    pub imports: Vec<Import>,
}

/// `from` refers to `to` at `file:line` (file under `src/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub from: String,
    pub to: String,
    pub file: String,
    pub line: usize,
}

/// Where a file sits: its top-level module (None for the crate root) and its module depth (`src/x.rs` is 1).
#[derive(Debug, Clone, PartialEq)]
struct Place {
    module: Option<String>,
    depth: usize,
}

/// Every file's module and every import between modules (`src/bin/**` skipped; the root's files import nothing).
pub fn analyse(files: &[SourceFile]) -> Crate {
    let files: Vec<&SourceFile> = files.iter().filter(|f| !f.path.starts_with("bin/")).collect();
    let blanked: Vec<String> = files.iter().map(|f| blank(&f.text)).collect();
    let toks: Vec<Vec<Token<'_>>> = blanked.iter().map(|b| tokens(b)).collect();
    let places = places(&files, &toks);
    let modules: BTreeMap<String, String> = files
        .iter()
        .zip(&places)
        .filter_map(|(f, p)| p.module.clone().map(|m| (m, f.path.clone())))
        .rev() // the first file of each module (sorted paths: `x.rs` before `x/…`) wins
        .collect();
    let mut reexports = BTreeMap::new();
    for (toks, place) in toks.iter().zip(&places) {
        if place.module.is_none() {
            root_reexports(toks, &modules, &mut reexports);
        }
    }
    let mut imports = Vec::new();
    for ((file, toks), place) in files.iter().zip(&toks).zip(&places) {
        let Some(from) = &place.module else { continue };
        let lines = Lines::new(&file.text);
        for (name, offset) in crate_refs(toks, place.depth) {
            let to = if modules.contains_key(name) { Some(name) } else { reexports.get(name).map(String::as_str) };
            match to {
                Some(to) if to != from => imports.push(Import {
                    from: from.clone(),
                    to: to.to_owned(),
                    file: file.path.clone(),
                    line: lines.line_of(offset),
                }),
                _ => {}
            }
        }
    }
    Crate { modules, imports }
}

/// The place of each file: by its path, unless a `#[path = "…"] mod name;` elsewhere declares it.
fn places(files: &[&SourceFile], toks: &[Vec<Token<'_>>]) -> Vec<Place> {
    let mut places: Vec<Place> = files.iter().map(|f| place_by_path(&f.path)).collect();
    let mut declared = Vec::new(); // (declaring file, declared file, module name)
    for (i, (file, toks)) in files.iter().zip(toks).enumerate() {
        for (target, name) in path_attributes(&file.text, toks) {
            let dir = file.path.rsplit_once('/').map_or("", |(dir, _)| dir);
            let target = normalize(&format!("{dir}/{target}"));
            if let Some(j) = files.iter().position(|f| f.path == target) {
                declared.push((i, j, name));
            }
        }
    }
    for _ in 0..=declared.len() {
        for (i, j, name) in &declared {
            let by = &places[*i];
            places[*j] = match &by.module {
                None => Place { module: Some(name.clone()), depth: 1 },
                Some(module) => Place { module: Some(module.clone()), depth: by.depth + 1 },
            };
        }
    }
    places
}

fn place_by_path(path: &str) -> Place {
    if path == "lib.rs" || path == "main.rs" {
        return Place { module: None, depth: 0 };
    }
    let parts: Vec<&str> = path.split('/').collect();
    let module = parts[0].trim_end_matches(".rs").to_owned();
    let depth = parts.len() - usize::from(parts.len() > 1 && parts.last() == Some(&"mod.rs"));
    Place { module: Some(module), depth }
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// `(path value, module name)` of each `#[path = "…"] … mod name` in a file.
fn path_attributes(text: &str, toks: &[Token<'_>]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (i, window) in toks.windows(6).enumerate() {
        let [hash, open, path, eq, lit, close] = window else { continue };
        let Kind::Literal(end) = lit.kind else { continue };
        if (hash.kind, open.kind, path.kind, eq.kind, close.kind)
            != (Kind::Punct(b'#'), Kind::Punct(b'['), Kind::Ident("path"), Kind::Punct(b'='), Kind::Punct(b']'))
        {
            continue;
        }
        let rest = &toks[i + 6..];
        let until_end = rest.iter().take_while(|t| !matches!(t.kind, Kind::Punct(b';' | b'{'))).count();
        let decl = &rest[..until_end];
        if let Some(at) = decl.iter().position(|t| t.kind == Kind::Ident("mod"))
            && let Some(Token { kind: Kind::Ident(name), .. }) = decl.get(at + 1)
        {
            found.push((literal_value(text, lit.offset, end).to_owned(), (*name).to_owned()));
        }
    }
    found
}

/// The names the crate root binds with top-level `use` items, mapped to the module they come from.
fn root_reexports(toks: &[Token<'_>], modules: &BTreeMap<String, String>, out: &mut BTreeMap<String, String>) {
    let depths = brace_depths(toks);
    for (i, t) in toks.iter().enumerate() {
        if t.kind != Kind::Ident("use") || depths[i].0 != 0 {
            continue;
        }
        let mut paths = Vec::new();
        use_tree(toks, &mut (i + 1), &mut Vec::new(), &mut paths);
        for path in paths {
            let segments: Vec<&str> =
                path.segments.iter().map(|s| s.0).skip_while(|s| matches!(*s, "crate" | "self")).collect();
            if let (Some(first), Some(binding)) = (segments.first(), path.binding)
                && modules.contains_key(*first)
                && segments.len() > 1
            {
                out.insert(binding.to_owned(), (*first).to_owned());
            }
        }
    }
}

/// For each token: (brace depth, number of inline `mod name { … }` blocks around it).
fn brace_depths(toks: &[Token<'_>]) -> Vec<(usize, usize)> {
    let mut depth = 0usize;
    let mut mods: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(toks.len());
    for (i, t) in toks.iter().enumerate() {
        out.push((depth, mods.len()));
        match t.kind {
            Kind::Punct(b'{') => {
                depth += 1;
                let is_mod =
                    i >= 2 && toks[i - 2].kind == Kind::Ident("mod") && matches!(toks[i - 1].kind, Kind::Ident(_));
                if is_mod {
                    mods.push(depth);
                }
            }
            Kind::Punct(b'}') => {
                if mods.last() == Some(&depth) {
                    mods.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    out
}

/// The first segment after `crate::` (or after enough `super::` to reach the crate root) of every path in a
/// file whose module depth is `depth`, with its byte offset. `$crate::` (macros) is not the crate.
fn crate_refs<'a>(toks: &[Token<'a>], depth: usize) -> Vec<(&'a str, usize)> {
    let depths = brace_depths(toks);
    let kind = |i: usize| toks.get(i).map(|t| t.kind);
    let mut refs = Vec::new();
    for i in 0..toks.len() {
        let previous = i.checked_sub(1).and_then(kind);
        let start = match toks[i].kind {
            Kind::Ident("crate") if previous != Some(Kind::Punct(b'$')) && kind(i + 1) == Some(Kind::PathSep) => i + 2,
            Kind::Ident("super") if previous != Some(Kind::PathSep) => {
                let mut j = i;
                while kind(j) == Some(Kind::Ident("super")) && kind(j + 1) == Some(Kind::PathSep) {
                    j += 2;
                }
                if (j - i) / 2 != depth + depths[i].1 {
                    continue;
                }
                j
            }
            _ => continue,
        };
        let mut paths = Vec::new();
        use_tree(toks, &mut { start }, &mut Vec::new(), &mut paths);
        refs.extend(paths.iter().filter_map(|p| p.segments.first().copied()));
    }
    refs
}

/// One path of a use tree: its segments (name, offset) and the name it binds (None for a glob).
#[derive(Debug)]
struct UsePath<'a> {
    segments: Vec<(&'a str, usize)>,
    binding: Option<&'a str>,
}

/// Parses the use tree (or plain path) at `toks[*i]`: `a::b`, `a::{b, c::{d as e}}`, `a::*`, `a::f::<T>`, ….
fn use_tree<'a>(toks: &[Token<'a>], i: &mut usize, prefix: &mut Vec<(&'a str, usize)>, out: &mut Vec<UsePath<'a>>) {
    let kind = |i: usize| toks.get(i).map(|t| t.kind);
    let base = prefix.len();
    loop {
        match kind(*i) {
            Some(Kind::Ident(name)) => {
                prefix.push((name, toks[*i].offset));
                *i += 1;
                if kind(*i) != Some(Kind::PathSep) {
                    break;
                }
                *i += 1;
            }
            Some(Kind::Punct(b'{')) => {
                *i += 1;
                while !matches!(kind(*i), None | Some(Kind::Punct(b'}'))) {
                    let before = *i;
                    use_tree(toks, i, prefix, out);
                    if kind(*i) == Some(Kind::Punct(b',')) || *i == before {
                        *i += 1;
                    }
                }
                *i += 1;
                prefix.truncate(base);
                return;
            }
            Some(Kind::Punct(b'*')) => {
                *i += 1;
                out.push(UsePath { segments: prefix.clone(), binding: None });
                prefix.truncate(base);
                return;
            }
            _ => break,
        }
    }
    if prefix.len() > base {
        let mut binding = prefix.last().map(|s| s.0);
        if binding == Some("self") {
            binding = prefix.len().checked_sub(2).map(|at| prefix[at].0);
        }
        if kind(*i) == Some(Kind::Ident("as"))
            && let Some(Kind::Ident(alias)) = kind(*i + 1)
        {
            binding = Some(alias);
            *i += 2;
        }
        out.push(UsePath { segments: prefix.clone(), binding });
    }
    prefix.truncate(base);
}

#[cfg(test)]
pub mod tests {
    use super::*;

    pub fn file(path: &str, text: &str) -> SourceFile {
        SourceFile { path: path.to_owned(), text: text.to_owned() }
    }

    fn imports(found: &Crate) -> Vec<(&str, &str, &str, usize)> {
        found.imports.iter().map(|i| (i.from.as_str(), i.to.as_str(), i.file.as_str(), i.line)).collect()
    }

    #[test]
    fn grouped_multi_line_use_and_expression_paths_are_parsed() {
        let files = [
            file("lib.rs", "mod a; mod b; mod c; mod d; mod e;\npub use b::Thing;\nuse crate::c::Other as O;"),
            file(
                "a.rs",
                "//! a\nuse crate::{\n    b::X,\n    c::{Y, Z as W},\n    d,\n    self,\n};\n\
                 fn f() { let _ = crate::e::g::<u8>(); } // crate::zz\n\
                 const S: &str = \"crate::zz::q\";\npub(crate) fn h() { crate::Thing::new(); crate::O; $crate::zz }",
            ),
            file("b.rs", ""),
            file("c.rs", ""),
            file("d.rs", ""),
            file("e/mod.rs", ""),
            file("bin/tool.rs", "use crate::a;"),
        ];
        let found = analyse(&files);
        assert_eq!(found.modules.keys().collect::<Vec<_>>(), ["a", "b", "c", "d", "e"]);
        assert_eq!(
            imports(&found),
            [
                ("a", "b", "a.rs", 3),
                ("a", "c", "a.rs", 4),
                ("a", "c", "a.rs", 4),
                ("a", "d", "a.rs", 5),
                ("a", "e", "a.rs", 8),
                ("a", "b", "a.rs", 10),
                ("a", "c", "a.rs", 10),
            ]
        );
    }

    #[test]
    fn super_counts_when_it_climbs_to_the_root() {
        let files = [
            file("lib.rs", "mod a; mod b; mod c; mod game;"),
            file("a.rs", "use super::b::X;\nmod tests {\n    use super::*;\n    use super::super::c::Y;\n}"),
            file("a/inner.rs", "use super::Sibling;\nuse super::super::b::Z;"),
            file("b.rs", ""),
            file("c.rs", ""),
            file("game.rs", "#[path = \"game_host.rs\"]\npub mod host;"),
            file("game_host.rs", "use super::super::a::Q;\nuse super::Local;"),
        ];
        let found = analyse(&files);
        assert_eq!(found.modules.keys().collect::<Vec<_>>(), ["a", "b", "c", "game"]);
        assert_eq!(
            imports(&found),
            [
                ("a", "b", "a.rs", 1),
                ("a", "c", "a.rs", 4),
                ("a", "b", "a/inner.rs", 2),
                ("game", "a", "game_host.rs", 1)
            ]
        );
    }
}
