//! Spans inside scalar values: a byte range of a value mapped to the file.

use crate::source::{FileId, Span};
use crate::yaml::{Node, Style};
use std::ops::Range;

/// The file span of a byte range of a scalar node's *value*: exact for plain scalars and quoted
/// scalars without escapes; otherwise the first occurrence of the substring in the raw text;
/// otherwise the whole node.
pub fn value_span(file: FileId, text: &str, node: &Node, range: Range<usize>) -> Span {
    let whole = Span::new(file, node.span());
    let Some(value) = node.as_str() else {
        return whole;
    };
    let Some(raw) = text.get(node.span()) else {
        return whole;
    };
    let Some(needle) = value.get(range.clone()) else {
        return whole;
    };
    let inner_off = match node.style() {
        Style::Plain => Some(0),
        Style::SingleQuoted | Style::DoubleQuoted if raw.len() >= 2 => Some(1),
        _ => None,
    };
    if let Some(off) = inner_off {
        if raw.get(off..raw.len() - off) == Some(value) {
            let s = node.span().start + off + range.start;
            return Span::new(file, s..s + needle.len());
        }
    }
    // Count occurrences before `range.start` in the value and take the same occurrence in raw.
    if needle.is_empty() {
        return whole;
    }
    let nth = value
        .get(..range.start)
        .map_or(0, |before| before.matches(needle).count());
    match raw.match_indices(needle).nth(nth) {
        Some((i, _)) => {
            let s = node.span().start + i;
            Span::new(file, s..s + needle.len())
        }
        None => whole,
    }
}
