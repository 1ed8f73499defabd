//! What BuildKit accepts and `parse-dockerfile` rejects: heredocs as BuildKit finds them,
//! `ENTRYPOINT []`/`CMD []`, ONBUILD triggers and duplicate stage names.

use super::parse::{blank, instruction_lines, line_starts};
use super::{CommandArgs, Dockerfile, InstKind};
use std::ops::Range;

/// A heredoc as BuildKit's parser finds it (frontend/dockerfile/parser/parser.go): on a RUN,
/// COPY or ADD line (also as an ONBUILD trigger) in shell form, any word matching
/// `^(\d*)<<(-?)\s*([^<]*)$` — at the start or in the middle of the line, quoted delimiter
/// or not — opens one; its body is every following line up to the delimiter (leading tabs
/// stripped for `<<-`), possibly none.
#[derive(Debug, Clone)]
pub(super) struct BkHeredoc {
    /// The `<<WORD` words on the instruction line.
    openers: Vec<Range<usize>>,
    /// From the line after the instruction to the end of the last delimiter line.
    bodies: Range<usize>,
}

/// Words of an instruction line with quotes kept (BuildKit lexes heredoc words raw).
fn raw_words(line: &str, base: usize) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') if quote != Some('\'') => {
                escaped = true;
                start.get_or_insert(i);
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => {
                quote = Some(c);
                start.get_or_insert(i);
            }
            (None, c) if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push((base + s..base + i, &line[s..i]));
                }
            }
            (None, _) => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        out.push((base + s..base + line.len(), &line[s..]));
    }
    out
}

/// The delimiter of a heredoc word, and whether it is `<<-` (BuildKit's `reHeredoc`).
fn heredoc_word(w: &str) -> Option<(String, bool)> {
    let rest = w.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = rest.trim_start();
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let name: String = rest
        .chars()
        .filter(|c| !matches!(c, '\'' | '"' | '\\'))
        .collect();
    (!name.is_empty()).then_some((name, chomp))
}

/// Every heredoc of the file as BuildKit reads it. Linear in the text.
pub(super) fn buildkit_heredocs(text: &str, escape: char) -> Vec<BkHeredoc> {
    let starts = line_starts(text);
    let n = starts.len();
    let raw_line = |l: usize| -> &str {
        let s = starts[l];
        let e = starts.get(l + 1).copied().unwrap_or(text.len());
        text.get(s..e).unwrap_or("").trim_end_matches(['\n', '\r'])
    };
    let mut out = Vec::new();
    let mut l = 0;
    while l < n {
        let first = raw_line(l);
        let t = first.trim_start();
        if t.is_empty() || t.starts_with('#') {
            l += 1;
            continue;
        }
        // The instruction's lines (continuations joined).
        let mut last = l;
        while raw_line(last).trim_end().ends_with(escape) && last + 1 < n {
            last += 1;
        }
        // A heredoc word holds `<<`: an instruction without one has none (most of them).
        let inst_end = starts.get(last + 1).copied().unwrap_or(text.len());
        if !text
            .get(starts[l]..inst_end)
            .is_some_and(|t| t.contains("<<"))
        {
            l = last + 1;
            continue;
        }
        let mut words: Vec<(Range<usize>, &str)> = Vec::new();
        for (k, start) in starts.iter().enumerate().take(last + 1).skip(l) {
            let line = raw_line(k);
            let line = line.trim_end();
            let line = line.strip_suffix(escape).unwrap_or(line);
            words.extend(raw_words(line, *start));
        }
        l = last + 1;
        let mut idx = 0;
        if words
            .first()
            .is_some_and(|(_, w)| w.eq_ignore_ascii_case("ONBUILD"))
        {
            idx = 1;
        }
        let Some((_, kw)) = words.get(idx) else {
            continue;
        };
        if !["RUN", "COPY", "ADD"]
            .iter()
            .any(|k| kw.eq_ignore_ascii_case(k))
        {
            continue;
        }
        // Exec (JSON) form has no heredocs.
        if words.get(idx + 1).is_some_and(|(_, w)| w.starts_with('[')) {
            continue;
        }
        let docs: Vec<(Range<usize>, String, bool)> = words[idx + 1..]
            .iter()
            .filter_map(|(r, w)| heredoc_word(w).map(|(name, chomp)| (r.clone(), name, chomp)))
            .collect();
        if docs.is_empty() {
            continue;
        }
        let body_start = starts.get(l).copied().unwrap_or(text.len());
        let mut end = body_start;
        let mut terminated = true;
        for (_, name, chomp) in &docs {
            let mut found = false;
            while l < n {
                let line = raw_line(l);
                let cand = if *chomp {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                l += 1;
                end = starts.get(l).copied().unwrap_or(text.len());
                if cand == name {
                    found = true;
                    break;
                }
            }
            if !found {
                terminated = false;
                break;
            }
        }
        if terminated {
            out.push(BkHeredoc {
                openers: docs.into_iter().map(|(r, _, _)| r).collect(),
                bodies: body_start..end,
            });
        }
    }
    out
}

/// Where the crate rejects what BuildKit accepts, the text to parse instead (`None`: the error
/// stands). Each case follows BuildKit's parser (moby/buildkit frontend/dockerfile/parser and
/// instructions/parse.go):
/// - an error inside (or at the opening line of) a heredoc BuildKit reads as terminated: the
///   heredoc words and bodies are blanked, the instruction kept (`cat <<'EOF' > f` mid-line,
///   quoted delimiters, empty bodies);
/// - an ONBUILD trigger naming an unknown instruction: BuildKit parses triggers only when a child
///   image builds (only `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER` fail here);
/// - a duplicate stage name: a BuildKit lint warning (DuplicateStageName), not an error; the
///   later stage keeps the name, as BuildKit's lookup by name finds the last one.
pub(super) fn buildkit_accepts(
    cur: &str,
    starts: &[usize],
    line: usize,
    message: &str,
    heredocs: &[BkHeredoc],
) -> Option<String> {
    let at = starts.get(line.saturating_sub(1)).copied()?;
    let line_end = starts.get(line).copied().unwrap_or(cur.len());
    if let Some(h) = heredocs.iter().find(|h| {
        h.bodies.contains(&at)
            || h.openers.iter().any(|o| (at..line_end).contains(&o.start))
            || (h.bodies.is_empty() && h.bodies.start == line_end)
    }) {
        let mut s = cur.to_string();
        for o in &h.openers {
            blank(&mut s, o.clone());
        }
        blank(&mut s, h.bodies.clone());
        return (s != cur).then_some(s);
    }
    let text = cur.get(at..line_end).unwrap_or("").trim_start();
    let onbuild = text
        .get(..7)
        .is_some_and(|k| k.eq_ignore_ascii_case("ONBUILD"));
    if message.contains("unknown instruction") && onbuild {
        let trigger = text
            .get(7..)
            .unwrap_or("")
            .split_whitespace()
            .next()
            .unwrap_or("");
        if !["ONBUILD", "FROM", "MAINTAINER"]
            .iter()
            .any(|k| trigger.eq_ignore_ascii_case(k))
        {
            let (first, last) = instruction_lines(cur, starts, line, '\\');
            let from = starts.get(first - 1).copied()?;
            let to = starts.get(last).copied().unwrap_or(cur.len());
            let mut s = cur.to_string();
            blank(&mut s, from..to);
            return Some(s);
        }
    }
    if let Some(name) = message
        .strip_prefix("duplicate stage name '")
        .and_then(|m| m.split('\'').next())
    {
        // Blank `AS name` of the earliest stage with that name.
        for (i, st) in starts.iter().enumerate().take(line.saturating_sub(1)) {
            let end = starts.get(i + 1).copied().unwrap_or(cur.len());
            let l = cur.get(*st..end).unwrap_or("");
            let ws = raw_words(l, *st);
            let is_from = ws
                .first()
                .is_some_and(|(_, w)| w.eq_ignore_ascii_case("FROM"));
            if !is_from {
                continue;
            }
            if let Some(k) = ws.iter().position(|(_, w)| w.eq_ignore_ascii_case("AS")) {
                if ws
                    .get(k + 1)
                    .is_some_and(|(_, w)| w.eq_ignore_ascii_case(name))
                {
                    let mut s = cur.to_string();
                    blank(&mut s, ws[k].0.start..ws[k + 1].0.end);
                    return Some(s);
                }
            }
        }
    }
    None
}

/// `ENTRYPOINT []` / `CMD []`: BuildKit accepts an empty JSON array (instructions/parse.go
/// parses the JSON form without an argument count; an empty ENTRYPOINT clears the inherited
/// one). The crate refuses it: the `[]` is rewritten to `{}` (same length) and restored by
/// [`restore_empty_exec`].
pub(super) fn empty_exec(
    cur: &str,
    starts: &[usize],
    line: usize,
    message: &str,
) -> Option<(String, usize)> {
    if !message.contains("at least one argument") {
        return None;
    }
    let at = starts.get(line.saturating_sub(1)).copied()?;
    let end = starts.get(line).copied().unwrap_or(cur.len());
    let l = cur.get(at..end)?;
    let t = l.trim_start();
    let kw = t.split_whitespace().next()?;
    if !kw.eq_ignore_ascii_case("ENTRYPOINT") && !kw.eq_ignore_ascii_case("CMD") {
        return None;
    }
    let args = t[kw.len()..].trim();
    if args != "[]" {
        return None;
    }
    let pos = at + l.find("[]")?;
    let mut s = cur.to_string();
    s.replace_range(pos..pos + 2, "{}");
    Some((s, pos))
}

pub(super) fn restore_empty_exec(d: &mut Dockerfile, cleared: &[usize]) {
    if cleared.is_empty() {
        return;
    }
    for st in &mut d.stages {
        for i in &mut st.instructions {
            if let InstKind::Entrypoint(c) | InstKind::Cmd(c) = &mut i.kind {
                if cleared.contains(&c.span.start) {
                    c.args = CommandArgs::Exec(Vec::new());
                    c.invalid_json = false;
                    c.non_string_json = false;
                }
            }
        }
    }
}
