//! kexit's spanned YAML tree. Every key and value knows its byte range in the file.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
    /// Sequences and mappings.
    Collection,
}

/// A scalar resolved as kubectl (go-yaml v2, YAML 1.1) would, or a collection.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(super::Text),
    Seq(Box<[Node]>),
    Map(Box<[(Node, Node)]>),
}

/// A node of the tree: 32 bytes (the trees are most of a large run's memory). The byte range is
/// kept as two `u32`s, the end sharing its word with the style; read them with [`Node::span`]
/// and [`Node::style`]. Offsets past [`MAX_OFFSET`] (512 MiB, only reachable with a raised
/// `max-file-size`) are saturated, never a panic.
#[derive(Clone, PartialEq)]
pub struct Node {
    pub(super) start: u32,
    /// End offset in the low [`OFFSET_BITS`] bits, the style in the top three.
    pub(super) end_style: u32,
    pub value: Value,
}

const OFFSET_BITS: u32 = 29;
/// Largest byte offset a node records.
pub const MAX_OFFSET: usize = (1 << OFFSET_BITS) - 1;

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("span", &self.span())
            .field("style", &self.style())
            .field("value", &self.value)
            .finish()
    }
}

fn offset(n: usize) -> u32 {
    // Lossless: at most MAX_OFFSET, which is below 2^29.
    n.min(MAX_OFFSET) as u32
}

impl Style {
    fn bits(self) -> u32 {
        match self {
            Style::Plain => 0,
            Style::SingleQuoted => 1,
            Style::DoubleQuoted => 2,
            Style::Literal => 3,
            Style::Folded => 4,
            Style::Collection => 5,
        }
    }

    fn from_bits(b: u32) -> Style {
        match b {
            0 => Style::Plain,
            1 => Style::SingleQuoted,
            2 => Style::DoubleQuoted,
            3 => Style::Literal,
            4 => Style::Folded,
            _ => Style::Collection,
        }
    }
}

static EMPTY: Vec<Node> = Vec::new();

impl Node {
    pub fn new(span: Range<usize>, style: Style, value: Value) -> Node {
        Node {
            start: offset(span.start),
            end_style: offset(span.end) | (style.bits() << OFFSET_BITS),
            value,
        }
    }

    /// Byte range in the file.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..(self.end_style as usize & MAX_OFFSET)
    }

    pub fn set_span(&mut self, span: Range<usize>) {
        let style = self.end_style & !(MAX_OFFSET as u32);
        self.start = offset(span.start);
        self.end_style = offset(span.end) | style;
    }

    pub fn style(&self) -> Style {
        Style::from_bits(self.end_style >> OFFSET_BITS)
    }

    /// Value of `key` in a mapping (the last one when a key is duplicated, as kubectl does).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Key node and value node of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// Follow a path of keys (`["spec", "template"]`).
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        let mut n = self;
        for k in keys {
            n = n.get(k)?;
        }
        Some(n)
    }

    /// Find a node by JSON pointer (`/spec/containers/0/image`, with `~0`/`~1` escapes).
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut n = self;
        for raw in rest.split('/') {
            let token = raw.replace("~1", "/").replace("~0", "~");
            n = match &n.value {
                Value::Map(_) => n.get(&token)?,
                Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(n)
    }

    /// The string value, only for scalars that resolved to strings.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// Any scalar as text as kubectl's JSON would print it (`true`, `42`, `x`); None for
    /// collections and null.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Int(i) => Some(*i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Items of a sequence; empty for anything else.
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &EMPTY,
        }
    }

    /// Entries of a mapping; empty for anything else.
    pub fn entries(&self) -> impl Iterator<Item = (&Node, &Node)> {
        let slice: &[(Node, Node)] = match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        };
        slice.iter().map(|(k, v)| (k, v))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }
    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(_))
    }
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
    pub fn is_plain(&self) -> bool {
        self.style() == Style::Plain
    }

    /// Convert to JSON as kubectl sends it (for typed decoding).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            // Go's encoding/json prints an integral float64 without a fraction (`1.0` → `1`),
            // so the API server decodes it into integer fields.
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => J::from(*f as i64),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.to_string()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut m = serde_json::Map::new();
                for (k, v) in entries {
                    let key = k.scalar_text().unwrap_or_default();
                    m.insert(key, v.to_json());
                }
                J::Object(m)
            }
        }
    }
}
