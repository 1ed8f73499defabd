//! The tree builder: saphyr-parser events folded into [`Node`]s, with the depth cap, the alias
//! budget, merge keys, duplicate keys and tag resolution.

use super::offsets::{quoted_end, skip_properties, ByteIndex};
use super::{resolve, Document, Node, Style, Text, Value, YamlError, YamlErrorKind, YamlFile};
use super::{
    ALIAS_BUDGET, ALIAS_BYTES_FLOOR, ALIAS_BYTES_PER_BYTE, LINEAR_KEYS, MAX_DEPTH,
    MAX_DUPLICATE_ERRORS, MAX_NODES,
};
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::ops::Range;

/// A collection being built.
struct Frame {
    start: usize,
    /// `[…]`/`{…}`: the span ends at the closing bracket; block collections end at their last child.
    flow: bool,
    anchor: usize,
    body: Body,
}

/// A collection's children so far: the tail of the builder's scratch stack from `base` on (its
/// `items` or `pairs`), moved into an exact-size slice when the collection ends. A `Vec` per
/// collection grew by doubling and was shrunk at the end: the tails it freed were holes too
/// small for the next collection's growth, and the heap grew past what the trees hold.
enum Body {
    Seq {
        base: usize,
    },
    Map {
        base: usize,
        key: Option<Node>,
        /// Indices of the entries by key text, once the mapping is large (no copy of the keys:
        /// a file of half a million keys would hold them twice).
        seen: Option<KeyIndex>,
        has_merge: bool,
    },
}

/// The entries of a large mapping by key text: a hash table of entry indices, hashed and
/// compared through the entries' own keys.
struct KeyIndex {
    table: hashbrown::HashTable<u32>,
    hasher: RandomState,
}

impl KeyIndex {
    fn new(entries: &[(Node, Node)]) -> KeyIndex {
        let mut index = KeyIndex {
            table: hashbrown::HashTable::with_capacity(entries.len() * 2),
            hasher: RandomState::new(),
        };
        for i in 0..entries.len() {
            if let Some(t) = entries.get(i).and_then(|(k, _)| key_text(k)) {
                if index.find(entries, &t).is_none() {
                    index.insert(entries, &t, i);
                }
            }
        }
        index
    }

    /// Index of the entry whose key is `name`.
    fn find(&self, entries: &[(Node, Node)], name: &str) -> Option<usize> {
        let is = |&i: &u32| {
            entries
                .get(i as usize)
                .and_then(|(k, _)| key_text(k))
                .is_some_and(|t| t == name)
        };
        self.table
            .find(self.hasher.hash_one(name), is)
            .map(|&i| i as usize)
    }

    /// Record `name` at entry `i` (`i` may be the entry about to be pushed: when the table grows,
    /// the other keys' hashes are recomputed from `entries`).
    fn insert(&mut self, entries: &[(Node, Node)], name: &str, i: usize) {
        let Ok(i) = u32::try_from(i) else {
            return;
        };
        let hasher = &self.hasher;
        let hash = hasher.hash_one(name);
        let rehash = |&j: &u32| {
            if j == i {
                return hash;
            }
            let t = entries.get(j as usize).and_then(|(k, _)| key_text(k));
            hasher.hash_one(t.as_deref().unwrap_or(""))
        };
        self.table.insert_unique(hash, i, rehash);
    }
}

/// An anchored node with its size, height and text bytes, for the alias budgets and depth cap.
/// `node` is None when copying it would have overrun the byte budget: an alias to it stops the
/// parse.
struct Anchored {
    node: Option<Node>,
    size: usize,
    height: usize,
    bytes: usize,
}

/// The size of a subtree: its nodes, its height (a scalar is 1 high) and the bytes of its
/// heap-held text (what a copy of it allocates besides its nodes). Recursion is bounded by the
/// depth cap.
#[derive(Clone, Copy)]
pub(super) struct Measure {
    pub nodes: usize,
    pub height: usize,
    pub bytes: usize,
}

pub(super) fn measure(n: &Node) -> Measure {
    let leaf = |bytes| Measure {
        nodes: 1,
        height: 1,
        bytes,
    };
    let join = |a: Measure, b: Measure| Measure {
        nodes: a.nodes + b.nodes,
        height: a.height.max(b.height + 1),
        bytes: a.bytes + b.bytes,
    };
    match &n.value {
        Value::Seq(items) => items.iter().fold(leaf(0), |m, c| join(m, measure(c))),
        Value::Map(entries) => entries
            .iter()
            .fold(leaf(0), |m, (k, v)| join(join(m, measure(k)), measure(v))),
        Value::Str(t) if !t.is_compact() => leaf(t.as_str().len()),
        _ => leaf(0),
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
    n.style() == Style::Plain && matches!(&n.value, Value::Str(s) if s == "<<")
}

struct Builder<'a> {
    text: &'a str,
    idx: ByteIndex<'a>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    budget: usize,
    /// Text bytes that anchors and aliases may still copy ([`ALIAS_BYTES_FLOOR`] +
    /// [`ALIAS_BYTES_PER_BYTE`] × the text): a 1 MB file of aliases to a 1 MB string would
    /// otherwise build gigabytes within the node budget.
    byte_budget: usize,
    aliased: bool,
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
    /// Nodes the tree holds so far (the file's documents together; [`MAX_NODES`]).
    nodes: usize,
    /// Children of the open sequences, innermost last ([`Body::Seq`]).
    items: Vec<Node>,
    /// Entries of the open mappings, innermost last ([`Body::Map`]).
    pairs: Vec<(Node, Node)>,
}

/// The children of a collection that ends, from `base` on: exact-size. When they are the whole
/// scratch stack and many (a huge root mapping), the stack itself is taken, not copied; a stack
/// that a huge nested collection grew is given back afterwards.
fn take_tail<T>(scratch: &mut Vec<T>, base: usize) -> Vec<T> {
    if base == 0 && scratch.len() > SCRATCH_KEEP {
        let mut all = std::mem::take(scratch);
        all.shrink_to_fit();
        return all;
    }
    let tail: Vec<T> = scratch.drain(base.min(scratch.len())..).collect();
    if scratch.capacity() > SCRATCH_KEEP && scratch.len() < SCRATCH_KEEP / 4 {
        scratch.shrink_to(SCRATCH_KEEP);
    }
    tail
}

/// Scratch capacity kept after a large collection (in children).
const SCRATCH_KEEP: usize = 4096;

impl Builder<'_> {
    /// Attach a finished node to its parent; returns the node if it is a document root.
    fn push(&mut self, mut node: Node, anchor: usize) -> Option<Node> {
        if anchor > 0 {
            let m = measure(&node);
            let copy = (m.bytes <= self.byte_budget).then(|| {
                self.byte_budget -= m.bytes;
                node.clone()
            });
            self.anchors.insert(
                anchor,
                Anchored {
                    node: copy,
                    size: m.nodes,
                    height: m.height,
                    bytes: m.bytes,
                },
            );
        }
        let Some(frame) = self.stack.last_mut() else {
            return Some(node);
        };
        match &mut frame.body {
            Body::Seq { .. } => {
                self.nodes += 1;
                self.items.push(node)
            }
            Body::Map {
                base,
                key,
                seen,
                has_merge,
            } => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    // `key:` with nothing after it: point just after the key, not at the next token.
                    if node.is_null() && node.style() == Style::Plain && node.span().is_empty() {
                        node.set_span(k.span().end..k.span().end);
                    }
                    let merge_key = is_merge_key(&k);
                    *has_merge |= merge_key;
                    let entries = self.pairs.get_mut(*base..).unwrap_or_default();
                    // Merge keys are no duplicates of each other: go-yaml v2 (kubectl's, Helm's,
                    // even in strict mode) applies every `<<` of a mapping, in order.
                    if let Some(name) = key_text(&k).filter(|_| !merge_key) {
                        let first = match seen {
                            Some(index) => {
                                let found = index.find(entries, &name);
                                if found.is_none() {
                                    index.insert(entries, &name, entries.len());
                                }
                                found
                            }
                            None => {
                                let found = entries
                                    .iter()
                                    .position(|(e, _)| key_text(e).as_deref() == Some(&*name));
                                if found.is_none() && entries.len() >= LINEAR_KEYS {
                                    let mut index = KeyIndex::new(entries);
                                    index.insert(entries, &name, entries.len());
                                    *seen = Some(index);
                                }
                                found
                            }
                        };
                        if first.is_some() {
                            self.duplicates += 1;
                        }
                        let shown = first.filter(|_| self.duplicates <= MAX_DUPLICATE_ERRORS);
                        if let Some((first_key, _)) = shown.and_then(|i| entries.get(i)) {
                            let first_span = first_key.span();
                            self.errors.push(YamlError::new(
                                YamlErrorKind::DuplicateKey { first: first_span },
                                k.span(),
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
                    self.nodes += 2;
                    self.pairs.push((k, node));
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
                Body::Seq {
                    base: self.items.len(),
                }
            } else {
                Body::Map {
                    base: self.pairs.len(),
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
            Body::Seq { base } => {
                let items = take_tail(&mut self.items, base);
                let last = items.last().map(|n| n.span().end);
                (Value::Seq(items.into_boxed_slice()), last)
            }
            Body::Map {
                base,
                key,
                has_merge,
                ..
            } => {
                let entries = take_tail(&mut self.pairs, base);
                let last = entries
                    .last()
                    .map(|(_, v)| v.span().end.max(v.span().start))
                    .or(key.as_ref().map(|k| k.span().end));
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
        let copy = match &a.node {
            Some(n) if a.bytes <= self.byte_budget => n,
            _ => {
                return Err(YamlError::new(
                    YamlErrorKind::NodeBudget,
                    span,
                    format!(
                        "alias expansion copies more than {} bytes of text (kexit allows {ALIAS_BYTES_FLOOR} bytes plus {ALIAS_BYTES_PER_BYTE} times the file's size)",
                        self.byte_budget_total()
                    ),
                ))
            }
        };
        if self.stack.len() + a.height > MAX_DEPTH + 1 {
            self.errors.push(YamlError::new(
                YamlErrorKind::TooDeep,
                span.clone(),
                format!("alias expansion nests deeper than {MAX_DEPTH} levels"),
            ));
            return Ok(Node::new(span, Style::Plain, Value::Null));
        }
        self.budget -= a.size;
        self.byte_budget -= a.bytes;
        self.aliased = true;
        let mut n = copy.clone();
        n.set_span(span);
        Ok(n)
    }

    fn byte_budget_total(&self) -> usize {
        ALIAS_BYTES_FLOOR.saturating_add(self.text.len().saturating_mul(ALIAS_BYTES_PER_BYTE))
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

/// Parse with saphyr's YAML 1.2 indentation rules.
pub(super) fn parse_strict(text: &str) -> YamlFile {
    let mut out = YamlFile::default();
    let bytes = text.as_bytes();
    let mut b = Builder {
        text,
        idx: ByteIndex::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget: ALIAS_BUDGET,
        byte_budget: ALIAS_BYTES_FLOOR
            .saturating_add(text.len().saturating_mul(ALIAS_BYTES_PER_BYTE)),
        aliased: false,
        errors: Vec::new(),
        skipping: 0,
        skip_start: 0,
        skipped_anchors: false,
        duplicates: 0,
        nodes: 0,
        items: Vec::new(),
        pairs: Vec::new(),
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
                        Body::Seq { .. } => "flow sequence `[`",
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
            Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)
                if b.nodes >= MAX_NODES =>
            {
                b.errors.push(YamlError::new(
                    YamlErrorKind::NodeBudget,
                    start..end,
                    format!("the file holds more than {MAX_NODES} YAML nodes"),
                ));
                break;
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
    out.aliased = b.aliased;
    out.more_duplicates = b.duplicates.saturating_sub(MAX_DUPLICATE_ERRORS);
    // Kept for the whole run: no spare slots (a one-document file would keep four).
    out.docs.shrink_to_fit();
    out
}
