//! The tokenizer: words (quotes removed, expansions kept verbatim, byte ranges), list and
//! redirection operators; heredoc bodies are skipped and recorded; comments dropped.

use super::{Bashism, BashismKind, Heredoc, Word, MAX_DEPTH};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    Word(Word),
    /// `;` `&` `&&` `||` `|` `(` `)` `;;` `;&` `|&` newline (as "\n").
    Op(&'static str, Range<usize>),
    /// A redirection operator (with its IO number); the next word is its target (except for
    /// heredocs, whose delimiter is consumed here).
    /// The index into `Lexer::heredocs` for `<<` / `<<-`.
    Redir(Range<usize>, Option<usize>),
}

pub(super) struct Lexer<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    pub(super) toks: Vec<Tok>,
    pub(super) bashisms: Vec<Bashism>,
    /// Unterminated quotes or unbalanced `$(…)`/`${…}`, or nesting deeper than [`MAX_DEPTH`].
    pub(super) incomplete: bool,
    pub(super) heredocs: Vec<Heredoc>,
    /// Heredocs (indices into `heredocs`) whose bodies start after the next newline.
    pending: Vec<usize>,
}

pub(super) fn is_op_byte(c: u8) -> bool {
    matches!(c, b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' | b'\n')
}

pub(super) fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && cs.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

impl<'a> Lexer<'a> {
    pub(super) fn new(s: &'a str) -> Self {
        Lexer {
            s,
            b: s.as_bytes(),
            i: 0,
            toks: Vec::new(),
            bashisms: Vec::new(),
            incomplete: false,
            heredocs: Vec::new(),
            pending: Vec::new(),
        }
    }

    fn peek(&self, off: usize) -> Option<u8> {
        self.b.get(self.i + off).copied()
    }

    fn bashism(&mut self, range: Range<usize>, kind: BashismKind) {
        self.bashisms.push(Bashism { range, kind });
    }

    pub(super) fn run(mut self) -> Self {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\\' if self.peek(1) == Some(b'\n') => self.i += 2,
                b'#' => {
                    while self.i < self.b.len() && self.b[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                b'\n' => {
                    self.toks.push(Tok::Op("\n", self.i..self.i + 1));
                    self.i += 1;
                    self.skip_heredocs();
                }
                _ if is_op_byte(c) => self.operator(None),
                _ => self.word(),
            }
        }
        self
    }

    fn skip_heredocs(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for h in pending {
            let Some((delim, strip)) = self
                .heredocs
                .get(h)
                .map(|d| (d.delimiter.clone(), d.strip_tabs))
            else {
                continue;
            };
            let body_start = self.i;
            loop {
                if self.i >= self.b.len() {
                    if let Some(d) = self.heredocs.get_mut(h) {
                        d.body = body_start..self.b.len();
                    }
                    return;
                }
                let end = self.s[self.i..]
                    .find('\n')
                    .map_or(self.b.len(), |n| self.i + n);
                let line = &self.s[self.i..end];
                let line = line.strip_suffix('\r').unwrap_or(line);
                let line = if strip {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                let line_start = self.i;
                self.i = (end + 1).min(self.b.len());
                if line == delim {
                    if let Some(d) = self.heredocs.get_mut(h) {
                        d.body = body_start..line_start;
                    }
                    break;
                }
            }
        }
    }

    /// An operator at `self.i`; `io` is the start of a preceding IO number.
    fn operator(&mut self, io: Option<usize>) {
        let start = io.unwrap_or(self.i);
        let rest = &self.b[self.i..];
        let two = |a: u8, b: u8| rest.len() >= 2 && rest[0] == a && rest[1] == b;
        // Process substitution <( and >( : a bashism; skip the parenthesised part as a word.
        if (two(b'<', b'(') || two(b'>', b'(')) && io.is_none() {
            let s = self.i;
            self.i += 1;
            let ok = self.skip_balanced(b'(', b')', 0);
            self.bashism(s..self.i, BashismKind::ProcessSubstitution);
            if !ok {
                self.incomplete = true;
            }
            self.toks.push(Tok::Word(Word {
                text: self.s[s..self.i].to_string(),
                range: s..self.i,
                literal: false,
                quoted: false,
            }));
            return;
        }
        let (op, len): (&'static str, usize) = if rest.starts_with(b"<<<") {
            ("<<<", 3)
        } else if rest.starts_with(b"<<-") {
            ("<<-", 3)
        } else if rest.starts_with(b";;&") {
            (";;", 3)
        } else if two(b'<', b'<') {
            ("<<", 2)
        } else if two(b'>', b'>')
            || two(b'<', b'&')
            || two(b'>', b'&')
            || two(b'<', b'>')
            || two(b'>', b'|')
            // bash `&>file`; busybox too. dash reads `&` then `>file`.
            || two(b'&', b'>')
        {
            (">", 2)
        } else if two(b'&', b'&') {
            ("&&", 2)
        } else if two(b'|', b'|') {
            ("||", 2)
        } else if two(b';', b';') || two(b';', b'&') {
            (";;", 2)
        } else if two(b'|', b'&') {
            ("|", 2)
        } else {
            match rest[0] {
                b'<' | b'>' => (">", 1),
                b';' => (";", 1),
                b'&' => ("&", 1),
                b'|' => ("|", 1),
                b'(' => ("(", 1),
                b')' => (")", 1),
                _ => ("\n", 1),
            }
        };
        self.i += len;
        match op {
            "<<<" => {
                self.bashism(start..self.i, BashismKind::HereString);
                self.toks.push(Tok::Redir(start..self.i, None));
            }
            "<<" | "<<-" => {
                // The delimiter word: quotes removed.
                while matches!(self.peek(0), Some(b' ' | b'\t')) {
                    self.i += 1;
                }
                let mut heredoc = None;
                if self.i < self.b.len() && !is_op_byte(self.b[self.i]) {
                    let before = self.toks.len();
                    self.word();
                    if let Some(Tok::Word(w)) = self.toks.get(before).cloned() {
                        self.toks.truncate(before);
                        heredoc = Some(self.heredocs.len());
                        self.pending.push(self.heredocs.len());
                        self.heredocs.push(Heredoc {
                            delimiter: w.text,
                            quoted: w.quoted,
                            strip_tabs: op == "<<-",
                            body: self.b.len()..self.b.len(),
                        });
                    }
                }
                self.toks.push(Tok::Redir(start..self.i, heredoc));
                // Redirection with the target consumed: mark by a dummy literal word.
                self.toks.push(Tok::Word(Word {
                    text: String::new(),
                    range: self.i..self.i,
                    literal: true,
                    quoted: true,
                }));
            }
            ">" => self.toks.push(Tok::Redir(start..self.i, None)),
            _ => self.toks.push(Tok::Op(op, start..self.i)),
        }
    }

    /// Skip from an opening byte at `self.i` to just past its matching close, honouring quotes.
    fn skip_balanced(&mut self, open: u8, close: u8, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            self.i = self.b.len();
            return false;
        }
        let mut level = 0usize;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b'\\' => self.i += 2,
                b'\'' => {
                    self.i += 1;
                    while self.i < self.b.len() && self.b[self.i] != b'\'' {
                        self.i += 1;
                    }
                    self.i += 1;
                }
                b'"' => {
                    self.i += 1;
                    let mut scratch = String::new();
                    let mut lit = true;
                    if !self.double_quoted(&mut scratch, &mut lit, depth + 1) {
                        return false;
                    }
                }
                b'`' => {
                    self.i += 1;
                    while self.i < self.b.len() && self.b[self.i] != b'`' {
                        if self.b[self.i] == b'\\' {
                            self.i += 1;
                        }
                        self.i += 1;
                    }
                    self.i += 1;
                }
                _ if c == open => {
                    level += 1;
                    self.i += 1;
                }
                _ if c == close => {
                    self.i += 1;
                    level = level.saturating_sub(1);
                    if level == 0 {
                        return true;
                    }
                }
                _ => self.i += 1,
            }
        }
        self.i = self.i.min(self.b.len());
        false
    }

    /// Inside double quotes (opening quote consumed): append the value, stop after the closing
    /// quote. Returns false when unterminated.
    fn double_quoted(&mut self, out: &mut String, literal: &mut bool, depth: usize) -> bool {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b'"' => {
                    self.i += 1;
                    return true;
                }
                b'\\' => match self.peek(1) {
                    Some(n @ (b'$' | b'`' | b'"' | b'\\')) => {
                        out.push(n as char);
                        self.i += 2;
                    }
                    Some(b'\n') => self.i += 2,
                    _ => {
                        out.push('\\');
                        self.i += 1;
                    }
                },
                b'$' => {
                    *literal = false;
                    self.dollar(out, depth);
                }
                b'`' => {
                    *literal = false;
                    let s = self.i;
                    self.i += 1;
                    while self.i < self.b.len() && self.b[self.i] != b'`' {
                        if self.b[self.i] == b'\\' {
                            self.i += 1;
                        }
                        self.i += 1;
                    }
                    self.i = (self.i + 1).min(self.b.len());
                    out.push_str(&self.s[s..self.i.min(self.s.len())]);
                }
                _ => {
                    let ch_len = self.s[self.i..].chars().next().map_or(1, char::len_utf8);
                    out.push_str(&self.s[self.i..self.i + ch_len]);
                    self.i += ch_len;
                }
            }
        }
        false
    }

    /// A `$…` expansion at `self.i`: copy it verbatim into `out`.
    fn dollar(&mut self, out: &mut String, depth: usize) {
        let s = self.i;
        match self.peek(1) {
            Some(b'(') => {
                self.i += 1;
                if self.peek(1) == Some(b'(') {
                    // $(( arithmetic ))
                    if !self.skip_balanced(b'(', b')', depth + 1) {
                        self.incomplete = true;
                    }
                } else if !self.skip_balanced(b'(', b')', depth + 1) {
                    self.incomplete = true;
                }
            }
            Some(b'{') => {
                self.i += 1;
                if !self.skip_balanced(b'{', b'}', depth + 1) {
                    self.incomplete = true;
                }
                let inner = self.s.get(s + 2..self.i.saturating_sub(1)).unwrap_or("");
                let name_len = inner
                    .bytes()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    .count();
                let after = &inner[name_len..];
                let substr = after.strip_prefix(':').is_some_and(|r| {
                    r.starts_with(|c: char| c.is_ascii_digit() || c == ' ' || c == '$')
                });
                if name_len > 0 && (after.starts_with('/') || substr) {
                    self.bashism(s..self.i, BashismKind::Substitution);
                }
            }
            Some(b'\'') => {
                // $'…' (bash, busybox): treat as dynamic.
                self.i += 2;
                while self.i < self.b.len() && self.b[self.i] != b'\'' {
                    if self.b[self.i] == b'\\' {
                        self.i += 1;
                    }
                    self.i += 1;
                }
                self.i = (self.i + 1).min(self.b.len());
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                self.i += 1;
                while self.i < self.b.len()
                    && (self.b[self.i].is_ascii_alphanumeric() || self.b[self.i] == b'_')
                {
                    self.i += 1;
                }
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => self.i += 2,
            _ => {
                // A lone `$` is literal.
                self.i += 1;
                out.push('$');
                return;
            }
        }
        self.i = self.i.min(self.b.len());
        out.push_str(&self.s[s..self.i]);
    }

    fn word(&mut self) {
        let start = self.i;
        let mut text = String::new();
        let mut literal = true;
        let mut quoted = false;
        if self.b[self.i] == b'~' {
            literal = false;
        }
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b' ' | b'\t' | b'\r' => break,
                b'\\' => {
                    match self.peek(1) {
                        Some(b'\n') => {}
                        Some(_) => {
                            let ch_len = self.s[self.i + 1..]
                                .chars()
                                .next()
                                .map_or(1, char::len_utf8);
                            text.push_str(&self.s[self.i + 1..self.i + 1 + ch_len]);
                            quoted = true;
                            self.i += 1 + ch_len;
                            continue;
                        }
                        None => {}
                    }
                    self.i += 2;
                }
                b'\'' => {
                    quoted = true;
                    self.i += 1;
                    let s = self.i;
                    while self.i < self.b.len() && self.b[self.i] != b'\'' {
                        self.i += 1;
                    }
                    if self.i >= self.b.len() {
                        self.incomplete = true;
                    }
                    text.push_str(&self.s[s..self.i.min(self.b.len())]);
                    self.i = (self.i + 1).min(self.b.len());
                }
                b'"' => {
                    quoted = true;
                    self.i += 1;
                    if !self.double_quoted(&mut text, &mut literal, 0) {
                        self.incomplete = true;
                    }
                }
                b'$' => {
                    literal = false;
                    self.dollar(&mut text, 0);
                }
                b'`' => {
                    literal = false;
                    let s = self.i;
                    self.i += 1;
                    while self.i < self.b.len() && self.b[self.i] != b'`' {
                        if self.b[self.i] == b'\\' {
                            self.i += 1;
                        }
                        self.i += 1;
                    }
                    self.i = (self.i + 1).min(self.b.len());
                    text.push_str(&self.s[s..self.i]);
                }
                b'*' | b'?' => {
                    literal = false;
                    text.push(c as char);
                    self.i += 1;
                }
                b'(' if !quoted
                    && (text.ends_with('=')
                        && is_name(text.trim_end_matches('=').trim_end_matches('+'))) =>
                {
                    // name=( … ): an array assignment.
                    let s = self.i;
                    let ok = self.skip_balanced(b'(', b')', 0);
                    if !ok {
                        self.incomplete = true;
                    }
                    self.bashism(start..self.i, BashismKind::Array);
                    text.push_str(&self.s[s..self.i]);
                    literal = false;
                }
                b'<' | b'>'
                    if !quoted
                        && !text.is_empty()
                        && text.bytes().all(|d| d.is_ascii_digit())
                        && self.i == start + text.len() =>
                {
                    // IO number: `2>file`.
                    self.operator(Some(start));
                    return;
                }
                _ if is_op_byte(c) => break,
                _ => {
                    let ch_len = self.s[self.i..].chars().next().map_or(1, char::len_utf8);
                    text.push_str(&self.s[self.i..self.i + ch_len]);
                    self.i += ch_len;
                }
            }
        }
        self.i = self.i.min(self.b.len());
        if self.i > start {
            self.toks.push(Tok::Word(Word {
                text,
                range: start..self.i,
                literal,
                quoted,
            }));
        }
    }
}
