//! Just enough Rust lexing for the source checks (`layers`, `tidy`): comments and literals blanked in place,
//! a flat token stream with byte offsets, line numbers, and the `.rs` files under a folder.
//!
//! Blanking keeps every byte offset (and so every line number) of the original text: comments become spaces,
//! string literals keep only their two quote characters, char literals become spaces, newlines stay. What is
//! left is code, so a `crate::` or `#[allow(dead_code)]` written in a comment or a string is never seen.

use std::path::{Path, PathBuf};

/// One token of blanked source: its kind and the byte offset where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind<'a>,
    pub offset: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind<'a> {
    /// An identifier or keyword (`crate`, `super`, `mod`, `allow`, …).
    Ident(&'a str),
    /// `::`
    PathSep,
    /// Any other single ASCII punctuation character.
    Punct(u8),
    /// A string literal (any prefix, raw or not) ending before this byte offset.
    Literal(usize),
    /// A number or a non-ASCII character: nothing the checks look at.
    Other,
}

/// `src` with comments and the contents of literals replaced by spaces, byte for byte (newlines kept).
pub fn blank(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        let (end, is_string) = match b[i] {
            b'/' if next == Some(b'/') => (b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |n| i + n), false),
            b'/' if next == Some(b'*') => (block_comment_end(b, i), false),
            b'"' => (string_end(b, i + 1), true),
            b'\'' => match char_end(b, i) {
                Some(end) => (end, false),
                None => {
                    i += 1;
                    continue;
                }
            },
            c if (c.is_ascii_alphabetic() || c == b'_') && (i == 0 || !is_ident_byte(b[i - 1])) => {
                match prefixed_literal_end(b, i) {
                    Some(end) => (end, b.get(i + 1) != Some(&b'\'')),
                    None => {
                        i += b[i..].iter().position(|&c| !is_ident_byte(c)).unwrap_or(b.len() - i);
                        continue;
                    }
                }
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let end = end.min(b.len());
        for c in &mut out[i..end] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
        if is_string && end - i >= 2 {
            out[i] = b'"';
            out[end - 1] = b'"';
        }
        i = end;
    }
    // Every byte replaced was part of a whole character (ASCII or all bytes of a multi-byte one) and became
    // ASCII, so the result is still UTF-8; the fallback only guards against a logic error.
    String::from_utf8(out).unwrap_or_default()
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The end of the (nestable) block comment starting at `start`.
fn block_comment_end(b: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i + 1 < b.len() {
        if b[i] == b'/' && b[i + 1] == b'*' {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// The end (after the closing quote) of a non-raw string whose contents start at `i`.
fn string_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The end of a char literal starting at the quote `start`, or None for a lifetime or label (`'a`).
fn char_end(b: &[u8], start: usize) -> Option<usize> {
    let first = *b.get(start + 1)?;
    if first == b'\\' {
        let close = b.get(start + 3..)?.iter().take(10).position(|&c| c == b'\'')?;
        return Some(start + 3 + close + 1);
    }
    let len = match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    (b.get(start + 1 + len) == Some(&b'\'')).then_some(start + len + 2)
}

/// The end of a literal with a prefix at `start` (`b"…"`, `b'…'`, `c"…"`, `r"…"`, `r#"…"#`, `br#"…"#`, …).
fn prefixed_literal_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    if matches!(b[i], b'b' | b'c') {
        i += 1;
    }
    match b.get(i) {
        Some(b'\'') if i == start + 1 && b[start] == b'b' => char_end(b, i),
        Some(b'"') if i == start + 1 => Some(string_end(b, i + 1)),
        Some(b'r') => {
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            let quote = i + 1 + hashes;
            if b.get(quote) != Some(&b'"') {
                return None;
            }
            let mut j = quote + 1;
            while j < b.len() {
                if b[j] == b'"' && b[j + 1..].iter().take(hashes).filter(|&&c| c == b'#').count() == hashes {
                    return Some(j + 1 + hashes);
                }
                j += 1;
            }
            Some(b.len())
        }
        _ => None,
    }
}

/// The tokens of blanked source (see [`blank`]).
pub fn tokens(blanked: &str) -> Vec<Token<'_>> {
    let b = blanked.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let kind = if c.is_ascii_whitespace() {
            i += 1;
            continue;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            i += b[i..].iter().position(|&c| !is_ident_byte(c)).unwrap_or(b.len() - i);
            Kind::Ident(&blanked[start..i])
        } else if c == b'"' {
            i += 1 + b[i + 1..].iter().position(|&c| c == b'"').map_or(b.len() - i - 1, |n| n + 1);
            Kind::Literal(i)
        } else if c == b':' && b.get(i + 1) == Some(&b':') {
            i += 2;
            Kind::PathSep
        } else if c.is_ascii_digit() {
            i += b[i..].iter().position(|&c| !is_ident_byte(c)).unwrap_or(b.len() - i);
            Kind::Other
        } else if c.is_ascii() {
            i += 1;
            Kind::Punct(c)
        } else {
            i += 1;
            Kind::Other
        };
        out.push(Token { kind, offset: start });
    }
    out
}

/// The value of the string literal token at `offset..end` of the original (not blanked) source.
pub fn literal_value(src: &str, offset: usize, end: usize) -> &str {
    let text = src.get(offset..end).unwrap_or("");
    match (text.find('"'), text.rfind('"')) {
        (Some(open), Some(close)) if close > open => &text[open + 1..close],
        _ => "",
    }
}

/// Maps byte offsets to 1-based line numbers.
#[derive(Debug)]
pub struct Lines(Vec<usize>);

impl Lines {
    pub fn new(src: &str) -> Self {
        Self(std::iter::once(0).chain(src.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }

    pub fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

/// Every `.rs` file under `dir`, sorted, skipping `target/` and hidden folders; none when `dir` is missing.
pub fn rust_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if dir.is_dir() {
        collect(dir, &mut found)?;
    }
    found.sort();
    Ok(found)
}

fn collect(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                collect(&path, found)?;
            }
        } else if name.ends_with(".rs") {
            found.push(path);
        }
    }
    Ok(())
}

/// `path` relative to `base`, with `/` separators on every OS.
pub fn relative(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_literals_are_blanked_in_place() {
        let src = "use a; // crate::x\n/* crate::y /* nested */ crate::z */ let s = \"crate::w\";\n\
                   let r = r#\"crate::\"v\"#; let c = '\"'; let l: &'a u8 = b'x'; let q = '{';";
        let out = blank(src);
        assert_eq!(out.len(), src.len());
        assert_eq!(out.lines().count(), src.lines().count());
        assert!(!out.contains("crate"), "{out}");
        assert!(out.contains("let s = \"        \";"), "{out}");
        assert!(out.contains("&'a u8"), "{out}");
        assert!(!out.contains('{'), "{out}");
    }

    #[test]
    fn tokens_carry_offsets_and_literal_values() {
        let src = "#[path = \"game_host.rs\"]\npub mod host;";
        let blanked = blank(src);
        let toks = tokens(&blanked);
        let kinds: Vec<Kind<'_>> = toks.iter().map(|t| t.kind).collect();
        assert_eq!(kinds[..3], [Kind::Punct(b'#'), Kind::Punct(b'['), Kind::Ident("path")]);
        let Kind::Literal(end) = kinds[4] else { panic!("{kinds:?}") };
        assert_eq!(literal_value(src, toks[4].offset, end), "game_host.rs");
        let lines = Lines::new(src);
        assert_eq!(lines.line_of(toks[4].offset), 1);
        assert_eq!(lines.line_of(toks[6].offset), 2);
        assert_eq!(tokens("a::b")[1].kind, Kind::PathSep);
    }
}
