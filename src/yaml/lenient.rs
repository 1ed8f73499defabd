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

/// Re-parse attempts at most (each fixes one region)...
const MAX_ROUNDS: usize = 256;
/// ...and bytes re-parsed in all: a small file gets as many rounds as it has regions, a 10 MB
/// file 16 (as many re-parses as kexit can afford: a full parse each). Past either, the region
/// left is a syntax error (KX001).
const MAX_REPARSED: usize = 16 * 10 * 1024 * 1024;
/// ...and bytes re-parsed over all the files of one run: files of about 640 KB, each with 256
/// such regions, cost 160 MB of parsing each (eight of them took 16 s); now the run as a whole
/// re-parses at most what one file may.
pub const MAX_REPARSED_RUN: usize = MAX_REPARSED;

/// The bytes that lenient re-parses may still use (shared by the files of a run, which are
/// parsed in parallel). Past it, the regions left are syntax errors (KX001), as past a file's
/// own bound.
#[derive(Debug)]
pub struct Reparse(std::sync::atomic::AtomicUsize);

impl Reparse {
    /// A budget of `bytes`.
    pub fn new(bytes: usize) -> Reparse {
        Reparse(std::sync::atomic::AtomicUsize::new(bytes))
    }

    /// Takes `bytes` from the budget: false (and nothing taken) when they are not there.
    fn take(&self, bytes: usize) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        self.0
            .fetch_update(Relaxed, Relaxed, |left| left.checked_sub(bytes))
            .is_ok()
    }
}

pub(super) fn is_indent_error(e: &YamlError) -> bool {
    e.kind == super::YamlErrorKind::Syntax && INDENT_ERRORS.contains(&e.message.as_str())
}

/// Text inserted into the original text: (original byte offset of a line start, what),
/// sorted by offset.
#[derive(Default)]
pub(super) struct Shift {
    inserts: Vec<(usize, Insert)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Insert {
    /// Indentation.
    Spaces(usize),
    /// `--- ` before a document's root flow collection ([`large_flows`]).
    DocStart,
}

const DOC_START: &str = "--- ";

impl Insert {
    fn len(self) -> usize {
        match self {
            Insert::Spaces(c) => c,
            Insert::DocStart => DOC_START.len(),
        }
    }
}

impl Shift {
    pub(super) fn is_empty(&self) -> bool {
        self.inserts.is_empty()
    }

    pub(super) fn apply(&self, text: &str) -> String {
        let extra: usize = self.inserts.iter().map(|(_, i)| i.len()).sum();
        let mut out = String::with_capacity(text.len() + extra);
        let mut at = 0;
        for &(o, ins) in &self.inserts {
            out.push_str(&text[at..o]);
            match ins {
                Insert::Spaces(c) => out.extend(std::iter::repeat_n(' ', c)),
                Insert::DocStart => out.push_str(DOC_START),
            }
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
            .map(|&(o, ins)| {
                let start = o + cum;
                cum += ins.len();
                (start, o, ins.len(), cum)
            })
            .collect();
        Back { entries }
    }

    /// Spaces at `offset` (added to those already there). A document start at the same offset
    /// stays first.
    fn add(&mut self, offset: usize, count: usize) {
        let at = self.inserts.partition_point(|&(o, _)| o < offset);
        let mut i = at;
        while let Some((o, ins)) = self.inserts.get_mut(i) {
            if *o != offset {
                break;
            }
            if let Insert::Spaces(c) = ins {
                *c += count;
                return;
            }
            i += 1;
        }
        self.inserts.insert(i, (offset, Insert::Spaces(count)));
    }
}

/// Document root flow collections that would be read with `--- ` before them
/// ([`large_flows`]) past this size.
pub(super) const LARGE_FLOW_ROOT: usize = 64 * 1024;

/// Non-root flow collections that start a line past this size are not read ([`large_flows`]).
pub(super) const MAX_KEY_FLOW: usize = 1 << 20;

/// What [`large_flows`] found.
#[derive(Default)]
pub(super) struct FlowScan {
    /// `--- ` before each large document root flow collection.
    pub(super) shift: Shift,
    /// A larger flow collection that is not a document root: (its document's start, its
    /// start, its size). kexit reads the text before that document only.
    pub(super) cut: Option<(usize, usize, usize)>,
}

/// A flow collection that starts a line is a possible implicit key (`[a, b]: c`) until it
/// ends, and saphyr keeps every token of it queued until then (its check for stale keys is
/// skipped inside flow collections): a 10 MB JSON document queued about a gigabyte of tokens.
/// A document root cannot be a key once `--- ` precedes it on its line, so the large root
/// collections get one: a JSON file, `kubectl get -o json` output, `[` or `{` at column 0 as
/// the first content of the stream or after a `---` or `...` line (blank and comment lines
/// between). A flow collection over [`MAX_KEY_FLOW`] that starts a line elsewhere (`- [`,
/// a value on the line below its key) has no such fix: its document is not read. Block
/// scalars are skipped (a dashboard's JSON in a ConfigMap is text). Everything else parses as
/// before.
pub(super) fn large_flows(text: &str) -> FlowScan {
    let bytes = text.as_bytes();
    let mut scan = FlowScan::default();
    // No collection in a smaller text is large enough to matter (most files: no scan).
    if bytes.len() <= LARGE_FLOW_ROOT {
        return scan;
    }
    // At a document start: the stream's start, or past a `---`/`...` line.
    let mut at_start = true;
    let mut doc_start = 0;
    // Inside a block scalar: lines indented more than this are its text (-1: every line, for a
    // block scalar at the root).
    let mut block: Option<isize> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = text[pos..].find('\n').map_or(bytes.len(), |i| pos + i);
        let line = text[pos..end].trim_end_matches('\r');
        let content = line.trim_start_matches(' ');
        let indent = (line.len() - content.len()) as isize;
        // `---` or `...` alone on its line (a comment after blanks allowed), or `--- ` and a
        // root node.
        let marker = |m: &str| {
            line.strip_prefix(m)
                .filter(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        };
        if let Some(rest) = marker("---").or_else(|| marker("...")) {
            let rest = rest.trim_start_matches([' ', '\t']);
            at_start = rest.is_empty() || rest.starts_with('#');
            block = block_header(rest).then_some(-1);
            doc_start = pos;
            pos = end + 1;
            continue;
        }
        if block.is_some_and(|b| content.trim().is_empty() || indent > b) {
            pos = end + 1;
            continue;
        }
        block = None;
        if content.trim().is_empty() || content.starts_with('#') {
            pos = end + 1;
            continue;
        }
        // Past block sequence entries and explicit keys (`- - [`, `? {`).
        let mut node = content;
        while let Some(rest) = node.strip_prefix("- ").or_else(|| node.strip_prefix("? ")) {
            node = rest.trim_start_matches(' ');
        }
        if node.starts_with(['[', '{']) {
            // `node` ends `line`, which starts at `pos`.
            let open = pos + (line.len() - node.len());
            let close = region_end(bytes, open, bytes[open]).max(open);
            let root = at_start && open == pos;
            if root && close - open > LARGE_FLOW_ROOT {
                scan.shift.inserts.push((open, Insert::DocStart));
            } else if !root && close - open > MAX_KEY_FLOW {
                scan.cut = Some((doc_start, open, close - open));
                break;
            }
            // Past the collection: what follows it belongs to the same document.
            pos = text[close..]
                .find('\n')
                .map_or(bytes.len(), |i| close + i + 1);
            at_start = false;
            continue;
        }
        if block_header(content) {
            block = Some(
                if at_start && indent == 0 && content.starts_with(['|', '>']) {
                    -1
                } else {
                    indent
                },
            );
        }
        at_start = false;
        pos = end + 1;
    }
    scan
}

/// Whether a line's content ends with a block scalar header (`key: |`, `- >-`, `|2+`, an
/// anchor or tag before it), a comment after it allowed. A plain scalar ending in ` |` is
/// taken for one too: its next lines are then skipped, which only means less is looked at.
fn block_header(content: &str) -> bool {
    // Most lines end in neither a header character nor a comment.
    let ends = content.trim_end().bytes().last();
    if !matches!(ends, Some(b'|' | b'>' | b'+' | b'-' | b'1'..=b'9')) && !content.contains('#') {
        return false;
    }
    let code = match content.find(" #") {
        Some(i) => &content[..i],
        None => content,
    };
    let code = code.trim_end();
    let last = &code[code.rfind([' ', '\t']).map_or(0, |i| i + 1)..];
    let mut chars = last.chars();
    matches!(chars.next(), Some('|' | '>'))
        && last.len() <= 3
        && chars.all(|c| matches!(c, '+' | '-' | '1'..='9'))
}

/// Parse again with the regions that saphyr rejects for their indentation indented.
/// `strict` is the first parse, of `text` with `shift` applied (and mapped back); it is
/// returned unchanged when no fix applies.
pub(super) fn reparse(text: &str, strict: YamlFile, mut shift: Shift, run: &Reparse) -> YamlFile {
    let mut last = strict;
    let rounds = MAX_ROUNDS.min(MAX_REPARSED / text.len().max(1));
    for _ in 0..rounds {
        if !run.take(text.len()) {
            break;
        }
        // Spans of `last` are already mapped back to the original text.
        let Some(err) = last.errors.iter().find(|e| is_indent_error(e)) else {
            break;
        };
        // The region: the innermost open flow collection, else the quoted scalar itself.
        let region_start = err.note.as_ref().map_or(err.span.start, |(r, _)| r.start);
        if !indent_region(text, region_start, &mut shift) {
            break;
        }
        // One tree at a time: the previous parse is dropped before the next one.
        drop(last);
        last = parse_shifted(text, &shift);
    }
    last
}

/// Parse `text` with `shift` applied, spans mapped back to `text`.
pub(super) fn parse_shifted(text: &str, shift: &Shift) -> YamlFile {
    if shift.is_empty() {
        return super::builder::parse_strict(text);
    }
    let mut f = super::builder::parse_strict(&shift.apply(text));
    remap(&mut f, shift);
    f
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
                .find_map(|&(o, ins)| match ins {
                    Insert::Spaces(c) if o == ls => Some(c),
                    _ => None,
                })
                .unwrap_or(0);
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
