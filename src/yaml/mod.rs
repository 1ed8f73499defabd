//! YAML front end: saphyr-parser events → kexit's spanned tree ([`Node`]).
//!
//! Bounded by design: nesting depth is capped (for block and flow nesting, and for trees that
//! alias expansion builds), alias expansion has a node budget (billion laughs fails fast), and a
//! parse error ends the file's parse with a located error while the documents before it are kept.
//! Because no tree is deeper than [`MAX_DEPTH`] + 1, every recursive walk of a [`Node`]
//! (`clone`, `to_json`, `Drop`) is bounded too.
//!
//! Scalars are resolved as kubectl does (go-yaml v2, YAML 1.1: see semantics.md §6), tags as
//! go-yaml v2 does: `!!str` forces a string, `!!int`/`!!float`/`!!bool` must fit the text
//! (otherwise kubectl fails: a [`YamlErrorKind::Tag`] error), custom tags leave the text a string.
//! Merge keys (`<<: *base`) are applied.
//!
//! Spans: saphyr's marks count characters; they are converted to byte offsets. A node's span is
//! its token: anchors and tags are left out, quotes are kept, block scalars start at their first
//! content character and end at their last non-blank one, block collections end at their last
//! child, flow collections include their brackets.

mod lenient;
mod node;
mod resolve;
mod text;

pub use node::{Node, Style, Value};
pub use resolve::{parse_int, resolve_plain};
pub use text::Text;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

/// Deepest nesting of collections kexit builds (Kubernetes objects stay far below this).
pub const MAX_DEPTH: usize = 128;
/// Nodes that alias expansion may add to one file.
pub const ALIAS_BUDGET: usize = 100_000;
/// Mappings with more entries than this check duplicate keys through a hash map.
const LINEAR_KEYS: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// The text is not YAML (scanner/parser error).
    Syntax,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Alias expansion over [`ALIAS_BUDGET`].
    AliasBudget,
    /// An alias to an unknown anchor.
    UnknownAnchor,
    /// A key repeated in one mapping (the last one wins). `first` is the earlier key's span.
    DuplicateKey { first: Range<usize> },
    /// A core-schema tag that does not fit its scalar (`!!int abc`): kubectl cannot decode it.
    Tag,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub span: Range<usize>,
    pub message: String,
    /// A secondary location that explains the error (the flow collection a syntax error is in).
    pub note: Option<(Range<usize>, String)>,
}

impl YamlError {
    fn new(kind: YamlErrorKind, span: Range<usize>, message: impl Into<String>) -> YamlError {
        YamlError {
            kind,
            span,
            message: message.into(),
            note: None,
        }
    }
}

/// One document of a stream.
#[derive(Debug, Clone)]
pub struct Document {
    pub root: Node,
    /// Byte offset where the document starts (its `---`, or its first token).
    pub start: usize,
}

#[derive(Debug, Default)]
pub struct YamlFile {
    /// The stream's documents, in order. Empty documents (nothing, or only `~`/`null`) are
    /// skipped; a document cut short by a syntax error is not kept.
    pub docs: Vec<Document>,
    pub errors: Vec<YamlError>,
    /// Duplicate keys past the first [`MAX_DUPLICATE_ERRORS`] of the file: counted, not kept
    /// (a file of two million `a: b` lines must not make two million findings).
    pub more_duplicates: usize,
}

/// Duplicate-key errors kept per file; the rest are only counted.
pub const MAX_DUPLICATE_ERRORS: usize = 100;

/// Converts saphyr's character indices to byte offsets with a moving cursor (events arrive
/// almost in order, so the total walk is linear).
struct ByteIndex<'a> {
    text: &'a str,
    ascii: bool,
    char_pos: usize,
    byte_pos: usize,
}

impl<'a> ByteIndex<'a> {
    fn new(text: &'a str) -> Self {
        ByteIndex {
            text,
            ascii: text.is_ascii(),
            char_pos: 0,
            byte_pos: 0,
        }
    }
    fn byte(&mut self, char_idx: usize) -> usize {
        if self.ascii {
            return char_idx.min(self.text.len());
        }
        if char_idx < self.char_pos / 2 {
            self.char_pos = 0;
            self.byte_pos = 0;
        }
        let bytes = self.text.as_bytes();
        while self.char_pos < char_idx && self.byte_pos < bytes.len() {
            self.byte_pos += utf8_len(bytes[self.byte_pos]);
            self.char_pos += 1;
        }
        self.byte_pos = self.byte_pos.min(bytes.len());
        while self.char_pos > char_idx && self.byte_pos > 0 {
            self.byte_pos -= 1;
            while self.byte_pos > 0 && !self.text.is_char_boundary(self.byte_pos) {
                self.byte_pos -= 1;
            }
            self.char_pos -= 1;
        }
        self.byte_pos
    }
}

/// Length of a UTF-8 sequence from its first byte.
fn utf8_len(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// First byte after any node properties (`&anchor`, `!tag`) at the start of `start..end`.
/// Plain scalars cannot start with `&` or `!`, so this never eats content.
fn skip_properties(bytes: &[u8], start: usize, end: usize) -> usize {
    let mut i = start;
    while i < end && matches!(bytes[i], b'&' | b'!') {
        while i < end && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        while i < end && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
    }
    i
}

/// Just past the closing quote of the quoted scalar opening at `start` (the end of the text if
/// it never closes).
fn quoted_end(b: &[u8], start: usize) -> usize {
    let Some(&q) = b.get(start) else {
        return start;
    };
    if q != b'"' && q != b'\'' {
        return b.len();
    }
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' if q == b'"' => i += 2,
            b'\'' if q == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// A collection being built.
struct Frame {
    start: usize,
    /// `[…]`/`{…}`: the span ends at the closing bracket; block collections end at their last child.
    flow: bool,
    anchor: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// Key text → index of its first entry, once the mapping is large.
        seen: Option<HashMap<String, usize>>,
        has_merge: bool,
    },
}

/// An anchored node with its size and height, for the alias budget and depth cap.
struct Anchored {
    node: Node,
    size: usize,
    height: usize,
}

/// Node count and height (a scalar is 1 high). Recursion is bounded by the depth cap.
fn measure(n: &Node) -> (usize, usize) {
    match &n.value {
        Value::Seq(items) => items.iter().fold((1, 1), |(s, h), c| {
            let (cs, ch) = measure(c);
            (s + cs, h.max(ch + 1))
        }),
        Value::Map(entries) => entries.iter().fold((1, 1), |(s, h), (k, v)| {
            let (ks, kh) = measure(k);
            let (vs, vh) = measure(v);
            (s + ks + vs, h.max(kh + 1).max(vh + 1))
        }),
        _ => (1, 1),
    }
}

/// A key's text as it becomes a JSON key (`true`, `1`, `x`); None for null and collections.
fn key_text(n: &Node) -> Option<Cow<'_, str>> {
    match &n.value {
        Value::Str(s) => Some(Cow::Borrowed(s.as_str())),
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => n.scalar_text().map(Cow::Owned),
        _ => None,
    }
}

fn is_merge_key(n: &Node) -> bool {
    n.style == Style::Plain && matches!(&n.value, Value::Str(s) if s == "<<")
}

struct Builder<'a> {
    text: &'a str,
    idx: ByteIndex<'a>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    budget: usize,
    errors: Vec<YamlError>,
    /// Depth of collections skipped because they were too deep.
    skipping: usize,
    /// Where the skipped collection starts.
    skip_start: usize,
    /// Anchors may have been lost in a skipped subtree (their aliases become null without a new
    /// error).
    skipped_anchors: bool,
    /// Duplicate keys seen in the file.
    duplicates: usize,
}

impl Builder<'_> {
    /// Attach a finished node to its parent; returns the node if it is a document root.
    fn push(&mut self, mut node: Node, anchor: usize) -> Option<Node> {
        if anchor > 0 {
            let (size, height) = measure(&node);
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    size,
                    height,
                },
            );
        }
        let Some(frame) = self.stack.last_mut() else {
            return Some(node);
        };
        match &mut frame.body {
            Body::Seq(items) => items.push(node),
            Body::Map {
                entries,
                key,
                seen,
                has_merge,
            } => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    // `key:` with nothing after it: point just after the key, not at the next token.
                    if node.is_null() && node.style == Style::Plain && node.span.is_empty() {
                        node.span = k.span.end..k.span.end;
                    }
                    *has_merge |= is_merge_key(&k);
                    if let Some(name) = key_text(&k) {
                        let first = match seen {
                            Some(map) => match map.get(name.as_ref()) {
                                Some(&i) => Some(i),
                                None => {
                                    map.insert(name.to_string(), entries.len());
                                    None
                                }
                            },
                            None => {
                                let found = entries
                                    .iter()
                                    .position(|(e, _)| key_text(e).as_deref() == Some(&*name));
                                if found.is_none() && entries.len() >= LINEAR_KEYS {
                                    let mut map = HashMap::with_capacity(entries.len() * 2);
                                    for (i, (e, _)) in entries.iter().enumerate() {
                                        if let Some(t) = key_text(e) {
                                            map.entry(t.into_owned()).or_insert(i);
                                        }
                                    }
                                    map.insert(name.to_string(), entries.len());
                                    *seen = Some(map);
                                }
                                found
                            }
                        };
                        if first.is_some() {
                            self.duplicates += 1;
                        }
                        if let Some(i) = first.filter(|_| self.duplicates <= MAX_DUPLICATE_ERRORS) {
                            let first_span = entries[i].0.span.clone();
                            self.errors.push(YamlError::new(
                                YamlErrorKind::DuplicateKey { first: first_span },
                                k.span.clone(),
                                format!("duplicate key `{name}`"),
                            ));
                        }
                        // The last value wins (as kubectl reads it); the mapping keeps one entry
                        // per key, so repeated keys cost no memory.
                        if let Some(slot) = first.and_then(|i| entries.get_mut(i)) {
                            slot.1 = node;
                            return None;
                        }
                    }
                    entries.push((k, node));
                }
            },
        }
        None
    }

    fn start_collection(&mut self, event_start: usize, event_end: usize, anchor: usize, seq: bool) {
        let bytes = self.text.as_bytes();
        let s = skip_properties(bytes, event_start, event_end);
        let flow = event_end == s + 1 && matches!(bytes.get(s), Some(b'[' | b'{'));
        self.stack.push(Frame {
            start: s,
            flow,
            anchor,
            body: if seq {
                Body::Seq(Vec::new())
            } else {
                Body::Map {
                    entries: Vec::new(),
                    key: None,
                    seen: None,
                    has_merge: false,
                }
            },
        });
    }

    fn end_collection(&mut self, event_end: usize) -> Option<Node> {
        let frame = self.stack.pop()?;
        let (value, last_end) = match frame.body {
            Body::Seq(items) => {
                let last = items.last().map(|n| n.span.end);
                (Value::Seq(items.into_boxed_slice()), last)
            }
            Body::Map {
                entries,
                key,
                has_merge,
                ..
            } => {
                let last = entries
                    .last()
                    .map(|(_, v)| v.span.end.max(v.span.start))
                    .or(key.as_ref().map(|k| k.span.end));
                let entries = if has_merge { merge(entries) } else { entries };
                (Value::Map(entries.into_boxed_slice()), last)
            }
        };
        let end = if frame.flow {
            event_end
        } else {
            last_end.unwrap_or(frame.start)
        }
        .max(frame.start);
        self.push(
            Node::new(frame.start..end, Style::Collection, value),
            frame.anchor,
        )
    }

    fn alias(&mut self, id: usize, span: Range<usize>) -> Result<Node, YamlError> {
        let Some(a) = self.anchors.get(&id) else {
            if self.skipped_anchors {
                return Ok(Node::new(span, Style::Plain, Value::Null));
            }
            self.errors.push(YamlError::new(
                YamlErrorKind::UnknownAnchor,
                span.clone(),
                "alias to an unknown anchor",
            ));
            return Ok(Node::new(span, Style::Plain, Value::Null));
        };
        if a.size > self.budget {
            return Err(YamlError::new(
                YamlErrorKind::AliasBudget,
                span,
                format!(
                    "alias expansion exceeds {ALIAS_BUDGET} nodes (a \"billion laughs\" document?)"
                ),
            ));
        }
        if self.stack.len() + a.height > MAX_DEPTH + 1 {
            self.errors.push(YamlError::new(
                YamlErrorKind::TooDeep,
                span.clone(),
                format!("alias expansion nests deeper than {MAX_DEPTH} levels"),
            ));
            return Ok(Node::new(span, Style::Plain, Value::Null));
        }
        self.budget -= a.size;
        let mut n = a.node.clone();
        n.span = span;
        Ok(n)
    }
}

/// Apply merge keys as go-yaml v2 does: entries are read in order and a later key wins, so a
/// `<<` mapping's entries are spliced in where the `<<` stands; of a `<<` sequence of mappings,
/// earlier mappings win (they are spliced in last).
fn merge(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    let mut out = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        if !is_merge_key(&k) {
            out.push((k, v));
            continue;
        }
        match v.value {
            Value::Map(es) => out.extend(Vec::from(es)),
            Value::Seq(items) if items.iter().all(Node::is_map) => {
                for item in Vec::from(items).into_iter().rev() {
                    if let Value::Map(es) = item.value {
                        out.extend(Vec::from(es));
                    }
                }
            }
            value => out.push((k, Node { value, ..v })),
        }
    }
    out
}

/// A scalar's text as stored in the tree: a frequent word shared, else an exact-size copy
/// (the scanner grows its strings by pushing; every tree is kept until the end of the run).
pub(crate) fn exact(value: Cow<'_, str>) -> Text {
    Text::new(value.into_owned())
}

/// The value of a scalar event, as kubectl resolves it; Err with a message when a core-schema
/// tag does not fit the text.
fn scalar_value(value: Cow<'_, str>, plain: bool, tag: Option<&Tag>) -> Result<Value, String> {
    let Some(tag) = tag else {
        return Ok(if plain {
            resolve::resolve_cow(value)
        } else {
            Value::Str(exact(value))
        });
    };
    if !tag.is_yaml_core_schema() {
        // Custom (`!Ref`) and non-specific (`!`) tags: go-yaml v2 keeps the text.
        return Ok(Value::Str(exact(value)));
    }
    let resolved = resolve::resolve_plain(&value);
    let fits = match (tag.suffix.as_str(), &resolved) {
        ("int", Value::Int(_)) | ("bool", Value::Bool(_)) | ("float", Value::Float(_)) => {
            return Ok(resolved)
        }
        ("float", Value::Int(i)) => return Ok(Value::Float(*i as f64)),
        ("null", _) => return Ok(Value::Null),
        ("int" | "bool" | "float", _) => false,
        // !!str, !!binary, !!timestamp, and anything else: the text.
        _ => true,
    };
    if fits {
        return Ok(Value::Str(exact(value)));
    }
    let kind = match &resolved {
        Value::Null => "!!null",
        Value::Bool(_) => "!!bool",
        Value::Int(_) => "!!int",
        Value::Float(_) => "!!float",
        _ => "!!str",
    };
    Err(format!(
        "cannot decode {kind} `{value}` as a !!{}",
        tag.suffix
    ))
}

/// Parse a YAML stream. Never panics; errors are returned located.
///
/// Indentation inside flow collections and quoted scalars is not checked, as kubectl's
/// libyaml-based reader does not check it (see `lenient`).
pub fn parse(text: &str) -> YamlFile {
    let f = parse_strict(text);
    if f.errors.iter().any(lenient::is_indent_error) {
        return lenient::reparse(text, f);
    }
    f
}

/// Parse with saphyr's YAML 1.2 indentation rules.
fn parse_strict(text: &str) -> YamlFile {
    let mut out = YamlFile::default();
    let bytes = text.as_bytes();
    let mut b = Builder {
        text,
        idx: ByteIndex::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget: ALIAS_BUDGET,
        errors: Vec::new(),
        skipping: 0,
        skip_start: 0,
        skipped_anchors: false,
        duplicates: 0,
    };
    let mut doc_start = 0;
    let mut root: Option<Node> = None;
    let parser = Parser::new_from_str(text);
    for ev in parser {
        let (event, span) = match ev {
            Ok(e) => e,
            Err(e) => {
                let at = b.idx.byte(e.marker().index());
                let mut err = YamlError::new(YamlErrorKind::Syntax, at..at, e.info());
                if let Some(f) = b.stack.iter().rev().find(|f| f.flow) {
                    let what = match f.body {
                        Body::Seq(_) => "flow sequence `[`",
                        Body::Map { .. } => "flow mapping `{`",
                    };
                    err.note = Some((
                        f.start..f.start + 1,
                        format!("inside the {what} that starts here"),
                    ));
                }
                b.errors.push(err);
                break;
            }
        };
        let start = b.idx.byte(span.start.index());
        let end = b.idx.byte(span.end.index()).max(start);
        if b.skipping > 0 {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => b.skipping += 1,
                Event::SequenceEnd | Event::MappingEnd => {
                    b.skipping -= 1;
                    if b.skipping == 0 {
                        // Stand-in for the collection that was too deep.
                        let at = b.skip_start;
                        if let Some(r) = b.push(Node::new(at..at, Style::Plain, Value::Null), 0) {
                            root = Some(r);
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::DocumentStart(_) => {
                doc_start = start;
                root = None;
                b.anchors.clear();
            }
            Event::DocumentEnd => {
                if let Some(r) = root.take() {
                    if !r.is_null() {
                        out.docs.push(Document {
                            root: r,
                            start: doc_start,
                        });
                    }
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let plain = style == ScalarStyle::Plain;
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let empty = plain && value.is_empty() && tag.is_none();
                let s = skip_properties(bytes, start, end);
                let e = if empty {
                    s
                } else if matches!(style, Style::SingleQuoted | Style::DoubleQuoted) {
                    // saphyr's end mark runs on over trailing blanks and a comment.
                    quoted_end(bytes, s).min(end).max(s)
                } else if matches!(style, Style::Literal | Style::Folded) {
                    let mut e = end;
                    while e > s && bytes[e - 1].is_ascii_whitespace() {
                        e -= 1;
                    }
                    e
                } else {
                    end
                };
                let v = match scalar_value(value, plain, tag.as_deref()) {
                    Ok(v) => v,
                    Err(msg) => {
                        // kubectl rejects the file: no value reaches any check.
                        b.errors.push(YamlError::new(YamlErrorKind::Tag, s..e, msg));
                        Value::Null
                    }
                };
                if let Some(r) = b.push(Node::new(s..e, style, v), anchor) {
                    root = Some(r);
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    b.errors.push(YamlError::new(
                        YamlErrorKind::TooDeep,
                        start..end,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                    b.skipping = 1;
                    b.skip_start = skip_properties(bytes, start, end);
                    b.skipped_anchors = true;
                    continue;
                }
                let seq = matches!(event, Event::SequenceStart(..));
                b.start_collection(start, end, anchor, seq);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(r) = b.end_collection(end) {
                    root = Some(r);
                }
            }
            Event::Alias(id) => match b.alias(id, start..end) {
                Ok(node) => {
                    if let Some(r) = b.push(node, 0) {
                        root = Some(r);
                    }
                }
                Err(e) => {
                    b.errors.push(e);
                    break;
                }
            },
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
    // A document cut short by an error is not kept (its spans may be incomplete).
    out.errors = b.errors;
    out.more_duplicates = b.duplicates.saturating_sub(MAX_DUPLICATE_ERRORS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileKind, SourceFile};
    use std::time::{Duration, Instant};

    fn tok<'a>(text: &'a str, n: &Node) -> &'a str {
        &text[n.span.clone()]
    }

    fn line_col(text: &str, byte: usize) -> (usize, usize) {
        SourceFile::new("t", FileKind::Manifest, text.to_string()).line_col(byte)
    }

    fn height(n: &Node) -> usize {
        measure(n).1
    }

    #[test]
    fn spans_and_multi_docs() {
        let text = "a: 1\nb: [x, 'y']\n---\nkind: List\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(f.docs.len(), 2);
        let b = f.docs[0].root.get("b").unwrap();
        let y = &b.items()[1];
        assert_eq!(&text[y.span.clone()], "'y'");
        assert_eq!(y.as_str(), Some("y"));
        assert_eq!(tok(text, b), "[x, 'y']");
        assert_eq!(
            f.docs[1].root.get("kind").and_then(Node::as_str),
            Some("List")
        );
        assert_eq!(f.docs[1].start, 17);
    }

    #[test]
    fn scalar_spans_by_style() {
        let text = "a: plain text\nb: \"dq \\\" x\"\nc: 'sq'\nd: |\n  lit\n  x\n\ne: >-\n  fold\n  ed\nf: !!str 0755\ng: &anc multi\n  line\nh: *anc\ni: !custom v\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let r = &f.docs[0].root;
        let at = |k: &str| tok(text, r.get(k).unwrap());
        assert_eq!(at("a"), "plain text");
        assert_eq!(at("b"), "\"dq \\\" x\"");
        assert_eq!(r.get("b").and_then(Node::as_str), Some("dq \" x"));
        assert_eq!(at("c"), "'sq'");
        assert_eq!(at("d"), "lit\n  x");
        assert_eq!(r.get("d").and_then(Node::as_str), Some("lit\nx\n"));
        assert_eq!(at("e"), "fold\n  ed");
        assert_eq!(at("f"), "0755");
        assert_eq!(r.get("f").and_then(Node::as_str), Some("0755"));
        assert_eq!(at("g"), "multi\n  line");
        assert_eq!(at("h"), "*anc");
        assert_eq!(r.get("h").and_then(Node::as_str), Some("multi line"));
        assert_eq!(at("i"), "v");
        // Keys point at the key token.
        let (k, _) = r.entry("e").unwrap();
        assert_eq!(line_col(text, k.span.start), (8, 1));
    }

    #[test]
    fn quoted_spans_stop_at_the_closing_quote() {
        let text =
            "a: \"0755\" # c\nb: 'it''s'   # c\nc: \"x\\\"y\" # c\nd: \"multi\n  line\" # c\n";
        let f = parse(text);
        let r = &f.docs[0].root;
        assert_eq!(tok(text, r.get("a").unwrap()), "\"0755\"");
        assert_eq!(tok(text, r.get("b").unwrap()), "'it''s'");
        assert_eq!(tok(text, r.get("c").unwrap()), "\"x\\\"y\"");
        assert_eq!(tok(text, r.get("d").unwrap()), "\"multi\n  line\"");
    }

    #[test]
    fn collection_spans() {
        let text = "spec:\n  containers:\n    - name: a\n      image: x\n    # trailing comment\n\nother: {k: v}\nempty: []\nt: !!map\n  k: v\n";
        let f = parse(text);
        let r = &f.docs[0].root;
        let cs = r.path(&["spec", "containers"]).unwrap();
        assert_eq!(tok(text, cs), "- name: a\n      image: x");
        assert_eq!(tok(text, &cs.items()[0]), "name: a\n      image: x");
        assert_eq!(
            tok(text, r.get("spec").unwrap()),
            "containers:\n    - name: a\n      image: x"
        );
        assert_eq!(tok(text, r.get("other").unwrap()), "{k: v}");
        assert_eq!(tok(text, r.get("empty").unwrap()), "[]");
        assert_eq!(tok(text, r.get("t").unwrap()), "k: v");
        assert_eq!(r.span.start, 0);
    }

    #[test]
    fn empty_value_points_after_its_key() {
        let text = "a:\nb: 1\n";
        let f = parse(text);
        let (k, v) = f.docs[0].root.entry("a").unwrap();
        assert!(v.is_null());
        assert_eq!(v.span, k.span.end..k.span.end);
    }

    #[test]
    fn crlf_and_non_ascii_spans_are_bytes() {
        let text = "é: ü\r\nname: \"héllo wörld\"\r\nlist:\r\n  - ñ\r\n  - |\r\n    l1\r\n    l2\r\n\r\nlast: x\r\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let r = &f.docs[0].root;
        assert_eq!(tok(text, r.get("é").unwrap()), "ü");
        let name = r.get("name").unwrap();
        assert_eq!(tok(text, name), "\"héllo wörld\"");
        assert_eq!(line_col(text, name.span.start), (2, 7));
        let items = r.get("list").unwrap().items();
        assert_eq!(tok(text, &items[0]), "ñ");
        assert_eq!(tok(text, &items[1]), "l1\r\n    l2");
        assert_eq!(items[1].as_str(), Some("l1\nl2\n"));
        let last = r.get("last").unwrap();
        assert_eq!(tok(text, last), "x");
        assert_eq!(line_col(text, last.span.start), (9, 7));
    }

    #[test]
    fn document_boundaries() {
        let text = "---\n---\n# only a comment\n---\na: 1\n...\n--- ~\n---\nb: 2\n---\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(f.docs.len(), 2);
        assert_eq!(f.docs[0].root.get("a").and_then(Node::as_i64), Some(1));
        assert_eq!(f.docs[1].root.get("b").and_then(Node::as_i64), Some(2));
        assert_eq!(line_col(text, f.docs[0].start), (4, 1));
        assert_eq!(line_col(text, f.docs[1].start), (8, 1));
        assert!(parse("").docs.is_empty());
        assert!(parse("# nothing\n").docs.is_empty());
        assert!(parse("\u{feff}a: 1\n").errors.is_empty());
    }

    #[test]
    fn syntax_errors_are_located_and_earlier_docs_kept() {
        let cases: &[(&str, (usize, usize))] = &[
            ("ok: 1\n---\nx: \t- bad\n", (3, 5)),
            ("a: 1\n  b: 2\n", (2, 4)),
            ("a: 1\nb: [1, 2\nc: 3\n", (3, 2)),
            ("a: \"x\nb: 2\n", (1, 4)),
            ("é: ü\nb: *nope\n", (2, 4)),
            ("- a\nb: c\n", (2, 1)),
        ];
        for (text, want) in cases {
            let f = parse(text);
            let e = f
                .errors
                .iter()
                .find(|e| e.kind == YamlErrorKind::Syntax)
                .unwrap_or_else(|| panic!("no error for {text:?}"));
            assert_eq!(line_col(text, e.span.start), *want, "{text:?}: {e:?}");
        }
        let f = parse("ok: 1\n---\nx: \t- bad\n---\nz: 3\n");
        assert_eq!(f.docs.len(), 1);
        assert_eq!(f.docs[0].root.get("ok").and_then(Node::as_i64), Some(1));
        let f = parse("a: 1\nb: [1, 2\nc: 3\n");
        let note = f.errors[0].note.as_ref().unwrap();
        assert_eq!(note.0, 8..9);
    }

    #[test]
    fn tags_resolve_like_go_yaml_v2() {
        let text = "a: !!str 0755\nb: !!int \"12\"\nc: !custom yes\nd: !!float 1\ne: ! 12\nf: !!bool \"on\"\ng: !!null ~\nh: !!binary aGk=\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let r = &f.docs[0].root;
        assert_eq!(r.get("a").unwrap().value, Value::Str("0755".into()));
        assert_eq!(r.get("b").unwrap().value, Value::Int(12));
        assert_eq!(r.get("c").unwrap().value, Value::Str("yes".into()));
        assert_eq!(r.get("d").unwrap().value, Value::Float(1.0));
        assert_eq!(r.get("e").unwrap().value, Value::Str("12".into()));
        assert_eq!(r.get("f").unwrap().value, Value::Bool(true));
        assert_eq!(r.get("g").unwrap().value, Value::Null);
        assert_eq!(r.get("h").unwrap().value, Value::Str("aGk=".into()));
        let text = "replicas: !!int three\n";
        let f = parse(text);
        assert_eq!(f.errors.len(), 1);
        assert_eq!(f.errors[0].kind, YamlErrorKind::Tag);
        assert_eq!(&text[f.errors[0].span.clone()], "three");
        assert_eq!(
            f.errors[0].message,
            "cannot decode !!str `three` as a !!int"
        );
    }

    #[test]
    fn merge_keys() {
        let text = "base: &b {image: x, name: base}\nc:\n  <<: *b\n  name: mine\nd:\n  <<: [{a: 1, z: 1}, {a: 2, w: 2}]\n  w: 3\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let r = &f.docs[0].root;
        let c = r.get("c").unwrap();
        assert_eq!(c.get("image").and_then(Node::as_str), Some("x"));
        assert_eq!(c.get("name").and_then(Node::as_str), Some("mine"));
        assert!(c.get("<<").is_none());
        let d = r.get("d").unwrap();
        assert_eq!(d.get("a").and_then(Node::as_i64), Some(1));
        assert_eq!(d.get("z").and_then(Node::as_i64), Some(1));
        assert_eq!(d.get("w").and_then(Node::as_i64), Some(3));
        assert_eq!(
            c.to_json(),
            serde_json::json!({"image": "x", "name": "mine"})
        );
        // A quoted `"<<"` is an ordinary key.
        let f = parse("\"<<\": {a: 1}\n");
        assert!(f.docs[0].root.get("<<").is_some());
    }

    #[test]
    fn billion_laughs_fails_fast() {
        let mut s = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x]\n");
        for i in 1..12 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
            ));
        }
        let t = Instant::now();
        let f = parse(&s);
        assert!(t.elapsed() < Duration::from_secs(2));
        assert!(f
            .errors
            .iter()
            .any(|e| e.kind == YamlErrorKind::AliasBudget));
    }

    #[test]
    fn aliases_cannot_build_trees_deeper_than_the_cap() {
        // Each anchor nests the previous one 100 levels deeper.
        let mut s = String::new();
        let wrap = 100;
        s.push_str("a0: &a0 x\n");
        for i in 1..40 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} {}*a{p}{}\n",
                "[".repeat(wrap),
                "]".repeat(wrap)
            ));
        }
        let f = parse(&s);
        assert!(f.errors.iter().any(|e| e.kind == YamlErrorKind::TooDeep));
        for d in &f.docs {
            assert!(height(&d.root) <= MAX_DEPTH + 1, "{}", height(&d.root));
        }
    }

    #[test]
    fn deep_nesting_is_capped_block_and_flow() {
        for s in [
            "- ".repeat(100_000) + "x\n",
            "[".repeat(100_000) + &"]".repeat(100_000),
            "{a: ".repeat(100_000) + &"}".repeat(100_000),
            "? ".repeat(100_000) + "x\n",
            (0..2_000)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                .collect(),
        ] {
            let t = Instant::now();
            let f = parse(&s);
            assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
            assert!(
                f.errors
                    .iter()
                    .any(|e| matches!(e.kind, YamlErrorKind::TooDeep | YamlErrorKind::Syntax)),
                "{:?}",
                &s[..20]
            );
            for d in &f.docs {
                assert!(height(&d.root) <= MAX_DEPTH + 1);
                let _ = d.root.to_json();
                let _ = d.root.clone();
            }
        }
        // Just under the cap is fine.
        let s = "- ".repeat(MAX_DEPTH) + "x\n";
        let f = parse(&s);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(height(&f.docs[0].root), MAX_DEPTH + 1);
    }

    #[test]
    fn duplicate_keys_reported() {
        let f = parse("a: 1\na: 2\n");
        assert!(matches!(
            f.errors[0].kind,
            YamlErrorKind::DuplicateKey { .. }
        ));
        assert_eq!(f.docs[0].root.get("a").and_then(Node::as_i64), Some(2));
        // Large mappings go through the hash path.
        let mut s: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        s.push_str("k3: again\nk39: again\nk40: new\n");
        let f = parse(&s);
        let dups: Vec<_> = f
            .errors
            .iter()
            .filter_map(|e| match &e.kind {
                YamlErrorKind::DuplicateKey { first } => {
                    Some((&s[first.clone()], &s[e.span.clone()]))
                }
                _ => None,
            })
            .collect();
        assert_eq!(dups, vec![("k3", "k3"), ("k39", "k39")]);
        // `1` and `"1"` are the same JSON key.
        let f = parse("1: a\n\"1\": b\n");
        assert_eq!(f.errors.len(), 1);
    }

    #[test]
    fn integral_floats_become_json_integers() {
        let f = parse("a: 1.0\nb: 1e3\nc: 0.5\n");
        assert_eq!(
            f.docs[0].root.to_json(),
            serde_json::json!({"a": 1, "b": 1000, "c": 0.5})
        );
    }

    #[test]
    fn flow_and_quoted_indentation_is_lenient_like_libyaml() {
        // argo-workflows style: a multi-line quoted scalar in a flow sequence, closed at the
        // key's column.
        let text = "spec:\n  c:\n    - name: x\n      args: [\"\n        apk update &&\n        echo hi\n      \"]\n      image: alpine\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let c = &f.docs[0].root.path(&["spec", "c"]).unwrap().items()[0];
        let arg = &c.get("args").unwrap().items()[0];
        assert_eq!(arg.as_str(), Some(" apk update && echo hi "));
        assert_eq!(
            tok(text, arg),
            "\"\n        apk update &&\n        echo hi\n      \""
        );
        let image = c.get("image").unwrap();
        assert_eq!(tok(text, image), "alpine");
        assert_eq!(line_col(text, image.span.start), (8, 14));
        // Flow sequence closed at the key's column, twice in one file, and a quoted scalar.
        let text = "a:\n  args: [\n    \"-x\",\n  ]\n  more: [x,\n  y]\n  q: \"one\n two\"\nb: 1\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let a = f.docs[0].root.get("a").unwrap();
        assert_eq!(a.get("more").unwrap().items().len(), 2);
        assert_eq!(tok(text, &a.get("more").unwrap().items()[1]), "y");
        assert_eq!(a.get("q").and_then(Node::as_str), Some("one two"));
        assert_eq!(tok(text, f.docs[0].root.get("b").unwrap()), "1");
        // Real errors stay errors, located in the original text.
        let text = "a:\n  args: [x,\n  y\nb: 1\n";
        let f = parse(text);
        assert!(!f.errors.is_empty());
        assert!(f.errors[0].span.end <= text.len());
        let text = "a: 1\n  b: 2\n";
        assert!(!parse(text).errors.is_empty());
    }
}
