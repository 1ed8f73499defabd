//! YAML front end: saphyr-parser events → kexit's spanned tree ([`Node`]).
//!
//! Bounded by design: nesting depth is capped, alias expansion has a node budget (billion laughs
//! fails fast), and a parse error ends the file's parse with a located error while the documents
//! before it are kept.

mod node;
mod resolve;

pub use node::{Node, Style, Value};
pub use resolve::{parse_int, resolve_plain};

use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;
use std::ops::Range;

/// Deepest nesting kexit builds (Kubernetes objects stay far below this).
pub const MAX_DEPTH: usize = 128;
/// Nodes that alias expansion may add to one file.
pub const ALIAS_BUDGET: usize = 100_000;

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
}

#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub span: Range<usize>,
    pub message: String,
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
        while self.char_pos < char_idx && self.byte_pos < self.text.len() {
            let c = self.text[self.byte_pos..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            self.byte_pos += c;
            self.char_pos += 1;
        }
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

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

struct Builder<'a> {
    idx: ByteIndex<'a>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    budget: usize,
    errors: Vec<YamlError>,
    /// Depth of collections skipped because they were too deep.
    skipping: usize,
}

fn count_nodes(n: &Node) -> usize {
    1 + match &n.value {
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| count_nodes(k) + count_nodes(v))
            .sum(),
        _ => 0,
    }
}

impl Builder<'_> {
    /// Attach a finished node to its parent; returns the node if it is a document root.
    fn push(&mut self, node: Node, anchor: usize) -> Option<Node> {
        if anchor > 0 {
            let size = count_nodes(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => Some(node),
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                None
            }
            Some(Frame::Map { entries, key, .. }) => {
                match key.take() {
                    None => *key = Some(node),
                    Some(k) => {
                        if let Some(name) = k.scalar_text() {
                            if let Some((first, _)) = entries
                                .iter()
                                .find(|(e, _)| e.scalar_text().as_deref() == Some(name.as_str()))
                            {
                                self.errors.push(YamlError {
                                    kind: YamlErrorKind::DuplicateKey {
                                        first: first.span.clone(),
                                    },
                                    span: k.span.clone(),
                                    message: format!("duplicate key `{name}`"),
                                });
                            }
                        }
                        entries.push((k, node));
                    }
                }
                None
            }
        }
    }
}

/// Parse a YAML stream. Never panics; errors are returned located.
pub fn parse(text: &str) -> YamlFile {
    let mut out = YamlFile::default();
    let mut b = Builder {
        idx: ByteIndex::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget: ALIAS_BUDGET,
        errors: Vec::new(),
        skipping: 0,
    };
    let mut doc_start = 0;
    let mut root: Option<Node> = None;
    let parser = Parser::new_from_str(text);
    for ev in parser {
        let (event, span) = match ev {
            Ok(e) => e,
            Err(e) => {
                let at = b.idx.byte(e.marker().index());
                b.errors.push(YamlError {
                    kind: YamlErrorKind::Syntax,
                    span: at..at,
                    message: e.info().to_string(),
                });
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
                        root = root.or(b.push(Node::new(start..end, Style::Plain, Value::Null), 0));
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::DocumentStart(_) => {
                doc_start = start;
                b.anchors.clear();
            }
            Event::DocumentEnd => {
                if let Some(r) = root.take() {
                    out.docs.push(Document {
                        root: r,
                        start: doc_start,
                    });
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let (style, v) = match style {
                    ScalarStyle::Plain => (Style::Plain, resolve_plain(&value)),
                    ScalarStyle::SingleQuoted => (Style::SingleQuoted, Value::Str(value.into())),
                    ScalarStyle::DoubleQuoted => (Style::DoubleQuoted, Value::Str(value.into())),
                    ScalarStyle::Literal => (Style::Literal, Value::Str(value.into())),
                    ScalarStyle::Folded => (Style::Folded, Value::Str(value.into())),
                };
                let v = match tag.as_deref().map(|t| t.suffix.as_str()) {
                    Some("str") => Value::Str(
                        String::from_utf8_lossy(text.as_bytes().get(start..end).unwrap_or(b""))
                            .trim_matches(|c| c == '"' || c == '\'')
                            .to_string(),
                    ),
                    _ => v,
                };
                if let Some(r) = b.push(Node::new(start..end, style, v), anchor) {
                    root = Some(r);
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    b.errors.push(YamlError {
                        kind: YamlErrorKind::TooDeep,
                        span: start..end,
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                    });
                    b.skipping = 1;
                    continue;
                }
                b.stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        start,
                        anchor,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        start,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match b.stack.pop() {
                    Some(Frame::Seq {
                        start: s,
                        anchor,
                        items,
                    }) => Some((
                        Node::new(s..end, Style::Collection, Value::Seq(items)),
                        anchor,
                    )),
                    Some(Frame::Map {
                        start: s,
                        anchor,
                        entries,
                        ..
                    }) => Some((
                        Node::new(s..end, Style::Collection, Value::Map(entries)),
                        anchor,
                    )),
                    None => None,
                };
                if let Some((n, anchor)) = node {
                    if let Some(r) = b.push(n, anchor) {
                        root = Some(r);
                    }
                }
            }
            Event::Alias(id) => {
                let node = match b.anchors.get(&id) {
                    Some((n, size)) if *size <= b.budget => {
                        b.budget -= size;
                        let mut n = n.clone();
                        n.span = start..end.max(start + 1).min(text.len().max(start));
                        n
                    }
                    Some(_) => {
                        b.errors.push(YamlError {
                            kind: YamlErrorKind::AliasBudget,
                            span: start..end,
                            message: format!(
                                "alias expansion exceeds {ALIAS_BUDGET} nodes (a \"billion laughs\" document?)"
                            ),
                        });
                        break;
                    }
                    None => {
                        b.errors.push(YamlError {
                            kind: YamlErrorKind::UnknownAnchor,
                            span: start..end,
                            message: "alias to an unknown anchor".to_string(),
                        });
                        Node::new(start..end, Style::Plain, Value::Null)
                    }
                };
                if let Some(r) = b.push(node, 0) {
                    root = Some(r);
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
    // A document cut short by an error: keep nothing partial (its spans may be incomplete).
    out.errors = b.errors;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            f.docs[1].root.get("kind").and_then(Node::as_str),
            Some("List")
        );
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
        let f = parse(&s);
        assert!(f
            .errors
            .iter()
            .any(|e| e.kind == YamlErrorKind::AliasBudget));
    }

    #[test]
    fn deep_nesting_is_capped() {
        let s = "- ".repeat(10_000) + "x\n";
        let f = parse(&s);
        assert!(f.errors.iter().any(|e| e.kind == YamlErrorKind::TooDeep));
    }

    #[test]
    fn duplicate_keys_reported() {
        let f = parse("a: 1\na: 2\n");
        assert!(matches!(
            f.errors[0].kind,
            YamlErrorKind::DuplicateKey { .. }
        ));
        assert_eq!(f.docs[0].root.get("a").and_then(Node::as_i64), Some(2));
    }
}
