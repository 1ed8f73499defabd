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

mod builder;
mod lenient;
mod node;
mod offsets;
mod resolve;
mod text;

pub use lenient::{Reparse, MAX_REPARSED_RUN};
pub use node::{Node, Style, Value};
pub use resolve::{parse_int, resolve_plain};
pub use text::Text;

use builder::exact;

use std::ops::Range;

/// Deepest nesting of collections kexit builds (Kubernetes objects stay far below this).
pub const MAX_DEPTH: usize = 128;
/// Nodes that alias expansion may add to one file.
pub const ALIAS_BUDGET: usize = 100_000;
/// Text bytes that anchors and aliases may copy in one file: this floor plus
/// [`ALIAS_BYTES_PER_BYTE`] times the file's size (Compose `x-` blocks and repeated env lists
/// stay far below it). Past it kexit stops reading the file (KX011).
pub const ALIAS_BYTES_FLOOR: usize = 1 << 20;
pub const ALIAS_BYTES_PER_BYTE: usize = 2;
/// Nodes one file may hold (its documents together). Kubernetes manifests hold a few thousand
/// (the largest file of the real-world corpus, a CRD of 12,500 lines, about 25,000); past this
/// kexit stops reading the file (KX011), so that memory stays bounded: a 10 MB file of
/// distinct `aN: b` keys (2.9 million nodes, read up to 1,000,000) costs about 55 MB of peak
/// RSS, 10 MB of small Deployments about 95-115 MB (`benches/memory-classes.py`).
pub const MAX_NODES: usize = 1_000_000;
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
    /// kexit stopped reading the file (not a YAML error: KX011 reports it): it holds more than
    /// [`MAX_NODES`] nodes, a flow collection too large to read where a key may start
    /// (`lenient::MAX_KEY_FLOW`), or aliases that copy more text than [`ALIAS_BYTES_FLOOR`]
    /// allows.
    NodeBudget,
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
    /// An alias was expanded: a tree may be larger than its text (the model measures such
    /// objects as the API server will receive them, KX013).
    pub aliased: bool,
}

/// Duplicate-key errors kept per file; the rest are only counted.
pub const MAX_DUPLICATE_ERRORS: usize = 100;

/// Parse a YAML stream. Never panics; errors are returned located.
///
/// Indentation inside flow collections and quoted scalars is not checked, as kubectl's
/// libyaml-based reader does not check it (see `lenient`).
pub fn parse(text: &str) -> YamlFile {
    parse_in(text, &Reparse::new(lenient::MAX_REPARSED_RUN))
}

/// [`parse`], its lenient re-parses spending from `reparse`, which the files of one run share.
pub fn parse_in(text: &str, reparse: &Reparse) -> YamlFile {
    let scan = lenient::large_flows(text);
    // A flow collection too large to read ends the text kexit reads at its document's start.
    let read = scan.cut.map_or(text, |(doc, _, _)| &text[..doc]);
    let shift = scan.shift;
    let mut f = lenient::parse_shifted(read, &shift);
    if f.errors.iter().any(lenient::is_indent_error) {
        f = lenient::reparse(read, f, shift, reparse);
    }
    if let Some((_, at, size)) = scan.cut {
        // Unless the parse stopped before it anyway.
        if !f.errors.iter().any(|e| e.kind == YamlErrorKind::NodeBudget) {
            f.errors.push(YamlError::new(
                YamlErrorKind::NodeBudget,
                at..at + 1,
                format!(
                    "a flow collection of {size} bytes starts this line, where YAML lets it be a key, and kexit reads such a collection only up to {} bytes (a JSON document that is a whole document is read), so neither it nor the rest of its document was read",
                    lenient::MAX_KEY_FLOW
                ),
            ));
        }
    }
    f
}

#[cfg(test)]
mod tests;
