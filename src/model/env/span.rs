//! Spans inside scalar values: a byte range of a value mapped to the file.

use crate::source::{FileId, Span};
use crate::yaml::{Node, Style};
use std::ops::Range;

/// The file span of a byte range of a scalar node's *value*: exact for plain scalars and quoted
/// scalars without escapes; otherwise where the value's bytes lie in the raw text ([`Placement`]);
/// otherwise the whole node.
pub fn value_span(file: FileId, text: &str, node: &Node, range: Range<usize>) -> Span {
    Placement::of_node(file, text, node).span(text, node, range)
}

/// Values up to this length may also be placed by counting occurrences (where the alignment
/// stops early): that costs the value's length per range asked.
const COUNTED: usize = 4096;

/// Where a scalar's value lies in its file, worked out once per node: each range asked of a
/// long value (the commands of a script, the references of a value) is then placed in time
/// proportional to its own length, not to the value's.
#[derive(Debug, Clone)]
pub enum Placement {
    /// Not placed: every range is the whole node.
    Whole(Span),
    /// The value is the file's text from `start` on, byte for byte.
    Verbatim { file: FileId, start: usize },
    /// The value's bytes in order within the raw text (a block scalar without its
    /// indentation, a quoted one without its escapes), as runs of bytes side by side in the
    /// file: `(i, o)` says value byte `i` and those after it, up to the next run, are at file
    /// offsets `o`, `o + 1` … (one run per line of a block scalar, not one offset per byte).
    /// `placed` bytes are placed (the alignment stops where an escape changed a byte).
    Aligned {
        file: FileId,
        runs: Vec<(u32, u32)>,
        placed: usize,
    },
}

impl Placement {
    pub fn of_node(file: FileId, text: &str, node: &Node) -> Placement {
        let whole = Placement::Whole(Span::new(file, node.span()));
        let (Some(value), Some(raw)) = (node.as_str(), text.get(node.span())) else {
            return whole;
        };
        let inner = match node.style() {
            Style::Plain => Some(0),
            Style::SingleQuoted | Style::DoubleQuoted if raw.len() >= 2 => Some(1),
            _ => None,
        };
        if let Some(off) = inner {
            if raw.get(off..raw.len() - off) == Some(value) {
                return Placement::Verbatim {
                    file,
                    start: node.span().start + off,
                };
            }
        }
        // Earliest embedding of the value's bytes in the raw text, skipping only bytes a
        // scalar drops (indentation and line breaks, quotes, escape backslashes). It stops (the
        // rest of the value is not placed) where an escape changed a byte (`\t`), and at a
        // block scalar's final line break, which is past the node's end.
        let base = node.span().start;
        let raw = raw.as_bytes();
        let mut runs: Vec<(u32, u32)> = Vec::new();
        let mut placed = 0;
        let mut j = 0;
        for (i, &b) in value.as_bytes().iter().enumerate() {
            let from = j;
            while raw.get(j).is_some_and(|&r| {
                r != b && matches!(r, b' ' | b'\t' | b'\n' | b'\r' | b'\\' | b'"' | b'\'')
            }) {
                j += 1;
            }
            if raw.get(j) != Some(&b) {
                break;
            }
            let (Ok(vi), Ok(o)) = (u32::try_from(i), u32::try_from(base + j)) else {
                break;
            };
            // A byte skipped, or the first: a new run.
            if j > from || runs.is_empty() {
                runs.push((vi, o));
            }
            placed = i + 1;
            j += 1;
        }
        runs.shrink_to_fit();
        Placement::Aligned { file, runs, placed }
    }

    /// The span of `range` of the node's value.
    pub fn span(&self, text: &str, node: &Node, range: Range<usize>) -> Span {
        match self {
            Placement::Whole(s) => *s,
            Placement::Verbatim { file, start } => {
                Span::new(*file, start + range.start..start + range.end)
            }
            Placement::Aligned { file, runs, placed } => {
                let whole = Span::new(*file, node.span());
                let Some(needle) = node.as_str().and_then(|v| v.get(range.clone())) else {
                    return whole;
                };
                if needle.is_empty() {
                    return whole;
                }
                // The run holding the range's first byte; its last byte must be in it too.
                let k = runs.partition_point(|&(i, _)| i as usize <= range.start);
                let run = k.checked_sub(1).and_then(|k| runs.get(k));
                let run_end = runs
                    .get(k)
                    .map_or(*placed, |&(i, _)| (i as usize).min(*placed));
                if let Some(&(i, o)) = run.filter(|_| range.end <= run_end) {
                    let first = o as usize + (range.start - i as usize);
                    if text.get(first..first + needle.len()) == Some(needle) {
                        return Span::new(*file, first..first + needle.len());
                    }
                }
                counted(*file, text, node, range).unwrap_or(whole)
            }
        }
    }
}

/// A short value's range placed by occurrence: the same occurrence of the substring in the raw
/// text as in the value.
fn counted(file: FileId, text: &str, node: &Node, range: Range<usize>) -> Option<Span> {
    let value = node.as_str().filter(|v| v.len() <= COUNTED)?;
    let raw = text.get(node.span())?;
    let needle = value.get(range.clone()).filter(|n| !n.is_empty())?;
    let nth = value
        .get(..range.start)
        .map_or(0, |before| before.matches(needle).count());
    let (i, _) = raw.match_indices(needle).nth(nth)?;
    let s = node.span().start + i;
    Some(Span::new(file, s..s + needle.len()))
}
