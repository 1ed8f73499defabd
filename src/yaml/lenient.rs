//! libyaml's leniency about indentation inside flow collections and quoted scalars.
//!
//! kubectl's YAML reader (go-yaml, a port of libyaml) does not check indentation inside flow
//! collections or multi-line quoted scalars; saphyr does (YAML 1.2 wants continuation lines
//! indented deeper than the enclosing block), and rejects common, working manifests such as
//!
//! ```yaml
//!       args: ["
//!         echo hi
//!       "]
//! ```
//!
//! Inside such a region leading white space only separates tokens (it is folded away in
//! scalars), so indenting its continuation lines changes no value. When saphyr reports one of
//! these errors, the region is found, its under-indented lines are indented, the text is parsed
//! again (a bounded number of times), and every span is mapped back to the original text.

use super::offsets::quoted_end;
use super::{Node, Value, YamlError, YamlFile};

/// saphyr's messages for the checks libyaml does not make.
const INDENT_ERRORS: [&str; 3] = [
    "invalid indentation",
    "invalid indentation in quoted scalar",
    "invalid indentation in flow construct",
];

/// Re-parse attempts at most (each fixes one region).
const MAX_ROUNDS: usize = 16;

pub(super) fn is_indent_error(e: &YamlError) -> bool {
    e.kind == super::YamlErrorKind::Syntax && INDENT_ERRORS.contains(&e.message.as_str())
}

/// Spaces inserted into the original text: (original byte offset of a line start, count),
/// sorted by offset.
#[derive(Default)]
struct Shift {
    inserts: Vec<(usize, usize)>,
}

impl Shift {
    fn apply(&self, text: &str) -> String {
        let extra: usize = self.inserts.iter().map(|(_, c)| c).sum();
        let mut out = String::with_capacity(text.len() + extra);
        let mut at = 0;
        for &(o, c) in &self.inserts {
            out.push_str(&text[at..o]);
            out.extend(std::iter::repeat_n(' ', c));
            at = o;
        }
        out.push_str(&text[at..]);
        out
    }

    /// The inverse mapping, for [`Back::back`].
    fn inverse(&self) -> Back {
        let mut cum = 0;
        let entries = self
            .inserts
            .iter()
            .map(|&(o, c)| {
                let start = o + cum;
                cum += c;
                (start, o, c, cum)
            })
            .collect();
        Back { entries }
    }

    fn add(&mut self, offset: usize, count: usize) {
        match self.inserts.binary_search_by_key(&offset, |&(o, _)| o) {
            Ok(i) => self.inserts[i].1 += count,
            Err(i) => self.inserts.insert(i, (offset, count)),
        }
    }
}

/// Parse again with the regions that saphyr rejects for their indentation indented.
/// `strict` is the first parse; it is returned unchanged when no fix applies.
pub(super) fn reparse(text: &str, strict: YamlFile) -> YamlFile {
    let mut shift = Shift::default();
    let mut last: Option<YamlFile> = None;
    for _ in 0..MAX_ROUNDS {
        // Spans of `last` are already mapped back to the original text.
        let current = last.as_ref().unwrap_or(&strict);
        let Some(err) = current.errors.iter().find(|e| is_indent_error(e)) else {
            break;
        };
        // The region: the innermost open flow collection, else the quoted scalar itself.
        let region_start = err.note.as_ref().map_or(err.span.start, |(r, _)| r.start);
        if !indent_region(text, region_start, &mut shift) {
            break;
        }
        let mut f = super::builder::parse_strict(&shift.apply(text));
        remap(&mut f, &shift);
        last = Some(f);
    }
    last.unwrap_or(strict)
}

/// Add the spaces that the region starting at byte `start` (a `[`, `{`, `"` or `'`) needs:
/// every continuation line indented less than one column past the region's block key.
/// Returns whether anything was added.
fn indent_region(text: &str, start: usize, shift: &mut Shift) -> bool {
    let bytes = text.as_bytes();
    let Some(&open) = bytes.get(start) else {
        return false;
    };
    let end = region_end(bytes, start, open);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    // The block key's column: skip indentation and `- ` sequence indicators.
    let line = &bytes[line_start..];
    let mut i = 0;
    loop {
        while i < line.len() && line[i] == b' ' {
            i += 1;
        }
        if i + 1 < line.len() && line[i] == b'-' && matches!(line[i + 1], b' ' | b'\t') {
            i += 1;
            continue;
        }
        break;
    }
    let need = i + 1;
    let mut added = false;
    let mut pos = start;
    let end = end.min(text.len());
    while let Some(nl) = text[pos..end].find('\n') {
        let ls = pos + nl + 1;
        if ls >= text.len() {
            break;
        }
        let mut j = ls;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        let blank = j >= bytes.len() || matches!(bytes[j], b'\n' | b'\r');
        let have = j - ls
            + shift
                .inserts
                .iter()
                .find(|(o, _)| *o == ls)
                .map_or(0, |(_, c)| *c);
        if !blank && have < need {
            shift.add(ls, need - have);
            added = true;
        }
        pos = ls;
    }
    added
}

/// Byte offset just past the end of the flow collection or quoted scalar opening at `start`
/// (the end of the text if it never closes).
fn region_end(b: &[u8], start: usize, open: u8) -> usize {
    let mut i = start;
    match open {
        b'"' | b'\'' => quoted_end(b, start),
        b'[' | b'{' => {
            let mut depth = 0usize;
            let mut token_start = true;
            while i < b.len() {
                let c = b[i];
                match c {
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    b'"' | b'\'' if token_start => {
                        i = quoted_end(b, i);
                        token_start = false;
                        continue;
                    }
                    b'#' if token_start => {
                        while i < b.len() && b[i] != b'\n' {
                            i += 1;
                        }
                        continue;
                    }
                    _ => {}
                }
                token_start = matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':');
                i += 1;
            }
            b.len()
        }
        _ => start,
    }
}

/// Modified-text offsets back to original ones: (modified start of an insertion, original
/// offset, count, spaces inserted up to and including it), sorted.
struct Back {
    entries: Vec<(usize, usize, usize, usize)>,
}

impl Back {
    /// Original offset of a modified-text offset (inside inserted spaces: the line start).
    fn back(&self, m: usize) -> usize {
        let i = self.entries.partition_point(|e| e.0 <= m);
        match i.checked_sub(1).map(|i| self.entries[i]) {
            None => m,
            Some((start, orig, count, _)) if m < start + count => orig,
            Some((_, _, _, cum)) => m - cum,
        }
    }
}

/// Map every span of a parse of the shifted text back to the original text.
fn remap(f: &mut YamlFile, shift: &Shift) {
    let inv = shift.inverse();
    let shift = &inv;
    let back = |r: &mut std::ops::Range<usize>| {
        let s = shift.back(r.start);
        let e = shift.back(r.end).max(s);
        *r = s..e;
    };
    for d in &mut f.docs {
        d.start = shift.back(d.start);
        remap_node(&mut d.root, &back);
    }
    for e in &mut f.errors {
        back(&mut e.span);
        if let super::YamlErrorKind::DuplicateKey { first } = &mut e.kind {
            back(first);
        }
        if let Some((r, _)) = &mut e.note {
            back(r);
        }
    }
}

/// Recursion is bounded by the depth cap of the tree.
fn remap_node(n: &mut Node, back: &impl Fn(&mut std::ops::Range<usize>)) {
    let mut span = n.span();
    back(&mut span);
    n.set_span(span);
    match &mut n.value {
        Value::Seq(items) => items.iter_mut().for_each(|c| remap_node(c, back)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            remap_node(k, back);
            remap_node(v, back);
        }),
        _ => {}
    }
}
