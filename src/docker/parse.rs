//! Parsing with recovery: `parse-dockerfile` stops at the first error; the error is reported,
//! the offending instruction blanked and the text parsed again (bounded).

use super::buildkit::{buildkit_accepts, buildkit_heredocs, empty_exec, restore_empty_exec};
use super::instructions::convert;
use super::{DockerError, Dockerfile};
use crate::source::FileId;
use std::ops::Range;

const MAX_RETRIES: usize = 32;

pub fn parse(file: FileId, text: &str) -> Dockerfile {
    let mut d = Dockerfile {
        file,
        escape: '\\',
        ..Dockerfile::default()
    };
    // The text with already-reported instructions blanked out (None: the original).
    let mut work: Option<String> = None;
    // Heredocs as BuildKit reads them; the `parse-dockerfile` crate misses some (see
    // [`buildkit_heredocs`]): where it trips over one, the heredoc is blanked and parsing resumes.
    let heredocs = buildkit_heredocs(text, '\\');
    // Offsets of `ENTRYPOINT []` / `CMD []` argument lists (valid in BuildKit: they clear the
    // inherited value; the crate wants an argument), parsed as `{}` and restored after.
    let mut cleared: Vec<usize> = Vec::new();
    for _ in 0..=MAX_RETRIES {
        let owned = work.take();
        let cur = owned.as_deref().unwrap_or(text);
        let parsed = parse_dockerfile::parse(cur);
        match parsed {
            Ok(parsed) => {
                convert(&mut d, cur, &parsed);
                restore_empty_exec(&mut d, &cleared);
                return d;
            }
            Err(e) => {
                let msg = e.to_string();
                let line = e.line().max(1);
                let message = match msg.rfind(" at line ") {
                    Some(i) => msg[..i].to_string(),
                    None => msg.clone(),
                };
                let starts = line_starts(cur);
                if let Some((next, at)) = empty_exec(cur, &starts, line, &message) {
                    cleared.push(at);
                    work = Some(next);
                    continue;
                }
                if let Some(next) = buildkit_accepts(cur, &starts, line, &message, &heredocs) {
                    work = Some(next);
                    continue;
                }
                let fatal = message.starts_with("expected FROM")
                    || message.contains("no stage")
                    || message.contains("duplicate stage name");
                if message.contains("here-document") {
                    // Find the instruction that opened it: the last line above with `<<`.
                    let mut l = line.min(starts.len());
                    while l > 1 && !line_str(cur, &starts, l).contains("<<") {
                        l -= 1;
                    }
                    let span = line_span(cur, &starts, l);
                    d.errors.push(DockerError {
                        span,
                        message: format!("unterminated here-document: {message}"),
                    });
                    let from = starts.get(l - 1).copied().unwrap_or(0);
                    let mut s = cur.to_string();
                    blank(&mut s, from..cur.len());
                    work = Some(s);
                    continue;
                }
                let l = line.min(starts.len());
                let mut span = line_span(cur, &starts, l);
                if message.contains("duplicate stage name") {
                    let col_byte = starts[l - 1] + e.column().saturating_sub(1);
                    span.start = col_byte.min(span.end);
                }
                d.errors.push(DockerError { span, message });
                if fatal {
                    return d;
                }
                // Blank the whole instruction (with continuation lines) and retry.
                let (first, last) = instruction_lines(cur, &starts, l, d.escape);
                let from = starts[first - 1];
                let to = starts.get(last).copied().unwrap_or(cur.len());
                let mut s = cur.to_string();
                blank(&mut s, from..to);
                work = Some(s);
            }
        };
    }
    d
}

pub(super) fn line_starts(t: &str) -> Vec<usize> {
    let mut v = vec![0];
    let b = t.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'\n' || (*c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            v.push(i + 1);
        }
    }
    v
}

pub(super) fn line_span(t: &str, starts: &[usize], line: usize) -> Range<usize> {
    let idx = line.saturating_sub(1).min(starts.len() - 1);
    let s = starts[idx];
    let mut e = starts.get(idx + 1).copied().unwrap_or(t.len());
    let b = t.as_bytes();
    while e > s && matches!(b.get(e - 1), Some(b'\n' | b'\r')) {
        e -= 1;
    }
    // Skip leading whitespace.
    let mut s2 = s;
    while s2 < e && matches!(b.get(s2), Some(b' ' | b'\t')) {
        s2 += 1;
    }
    s2..e
}

fn line_str<'t>(t: &'t str, starts: &[usize], line: usize) -> &'t str {
    t.get(line_span(t, starts, line)).unwrap_or("")
}

/// The first and last (1-based) lines of the instruction containing `line`.
pub(super) fn instruction_lines(
    t: &str,
    starts: &[usize],
    line: usize,
    escape: char,
) -> (usize, usize) {
    let continues = |l: usize| -> bool {
        let s = line_str(t, starts, l).trim_end();
        s.ends_with(escape) && !s.trim_start().starts_with('#')
    };
    let mut first = line;
    while first > 1 && continues(first - 1) {
        first -= 1;
    }
    let mut last = line;
    while last < starts.len() && continues(last) {
        last += 1;
    }
    (first, last)
}

/// Replace every byte of a range except line breaks by spaces (offsets stay valid).
pub(super) fn blank(s: &mut String, r: Range<usize>) {
    let bytes: Vec<u8> = s
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            if r.contains(&i) && b != b'\n' && b != b'\r' {
                b' '
            } else {
                b
            }
        })
        .collect();
    // Only ASCII spaces were substituted for whole characters' bytes: still valid UTF-8.
    *s = String::from_utf8(bytes).unwrap_or_default();
}
