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

mod node;
mod resolve;

pub use node::{Node, Style, Value};
pub use resolve::{parse_int, resolve_plain};

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
}

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
                        if let Some(i) = first {
                            let first_span = entries[i].0.span.clone();
                            self.errors.push(YamlError::new(
                                YamlErrorKind::DuplicateKey { first: first_span },
                                k.span.clone(),
                                format!("duplicate key `{name}`"),
                            ));
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
                (Value::Seq(items), last)
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
                let entries = if has_merge {
                    merge(entries)
                } else {
                    entries
                };
                (Value::Map(entries), last)
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
            Value::Map(es) => out.extend(es),
            Value::Seq(items) if items.iter().all(Node::is_map) => {
                for item in items.into_iter().rev() {
                    if let Value::Map(es) = item.value {
                        out.extend(es);
                    }
                }
            }
            value => out.push((k, Node { value, ..v })),
        }
    }
    out
}

/// The value of a scalar event, as kubectl resolves it; Err with a message when a core-schema
/// tag does not fit the text.
fn scalar_value(value: Cow<'_, str>, plain: bool, tag: Option<&Tag>) -> Result<Value, (Value, String)> {
    let Some(tag) = tag else {
        return Ok(if plain {
            resolve::resolve_cow(value)
        } else {
            Value::Str(value.into_owned())
        });
    };
    if !tag.is_yaml_core_schema() {
        // Custom (`!Ref`) and non-specific (`!`) tags: go-yaml v2 keeps the text.
        return Ok(Value::Str(value.into_owned()));
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
    let text = Value::Str(value.into_owned());
    if fits {
        Ok(text)
    } else {
        let shown = match &text {
            Value::Str(s) => s.clone(),
            _ => String::new(),
        };
        let kind = match &resolved {
            Value::Null => "!!null",
            Value::Bool(_) => "!!bool",
            Value::Int(_) => "!!int",
            Value::Float(_) => "!!float",
            _ => "!!str",
        };
        let msg = format!("cannot decode {kind} `{shown}` as a !!{}", tag.suffix);
        Err((text, msg))
    }
}

/// Parse a YAML stream. Never panics; errors are returned located.
pub fn parse(text: &str) -> YamlFile {
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
                    Err((v, msg)) => {
                        b.errors.push(YamlError::new(YamlErrorKind::Tag, s..e, msg));
                        v
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
    out
}
