//! Dockerfile front end: an owned model of stages and instructions (byte spans into the file),
//! built on `parse-dockerfile`. The parser stops at the first error; [`parse`] reports it, blanks
//! the offending instruction and parses again (bounded), so one bad line does not hide the rest.

pub mod expand;

use crate::source::FileId;
use std::ops::Range;

#[derive(Debug, Clone)]
pub struct DockerError {
    pub span: Range<usize>,
    pub message: String,
}

/// A string with its byte range in the file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Str {
    pub value: String,
    pub span: Range<usize>,
}

/// A `--name=value` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub span: Range<usize>,
}

/// ENTRYPOINT / CMD / RUN / HEALTHCHECK CMD arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandArgs {
    /// Valid JSON array of strings.
    Exec(Vec<Str>),
    /// Shell form (also heredoc RUN), as written (escapes preserved).
    Shell(Str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub args: CommandArgs,
    /// Span of the whole argument part.
    pub span: Range<usize>,
    /// Written as `[...]` but not valid JSON: BuildKit runs it as shell form.
    pub invalid_json: bool,
    /// A valid JSON array with a non-string element: BuildKit fails the build.
    pub non_string_json: bool,
}

impl Command {
    pub fn is_shell(&self) -> bool {
        matches!(self.args, CommandArgs::Shell(_))
    }
}

/// A COPY/ADD source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopySource {
    Path(Str),
    /// `COPY <<EOF /dest` body (span of the body text).
    Heredoc {
        body: String,
        span: Range<usize>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDef {
    pub name: String,
    pub default: Option<String>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstKind {
    Run {
        flags: Vec<Flag>,
        command: Command,
        /// Heredoc bodies (`RUN <<EOF`), with spans.
        heredocs: Vec<Str>,
    },
    Cmd(Command),
    Entrypoint(Command),
    /// `None` for `HEALTHCHECK NONE`.
    Healthcheck(Option<Command>),
    Copy {
        /// true for ADD.
        add: bool,
        flags: Vec<Flag>,
        sources: Vec<CopySource>,
        dest: Str,
    },
    /// `ENV K=V …` pairs (values unexpanded, quotes removed).
    Env(Vec<(String, String)>),
    Arg(Vec<ArgDef>),
    Workdir(Str),
    User(Str),
    Shell(Vec<Str>),
    Stopsignal(Str),
    /// EXPOSE, LABEL, VOLUME, MAINTAINER, ONBUILD.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-case keyword (`COPY`).
    pub keyword: String,
    /// From the keyword to the end of the instruction (continuation lines included).
    pub span: Range<usize>,
    pub kind: InstKind,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        match &self.kind {
            InstKind::Run { flags, .. } | InstKind::Copy { flags, .. } => {
                flags.iter().find(|f| f.name.eq_ignore_ascii_case(name))
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct From {
    /// Image reference as written (unexpanded).
    pub image: Str,
    pub platform: Option<Str>,
    /// `AS name` (lower-cased as BuildKit compares it).
    pub name: Option<Str>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    pub from: From,
    /// Instructions after FROM.
    pub instructions: Vec<Instruction>,
}

impl Stage {
    pub fn name(&self) -> Option<&str> {
        self.from.name.as_ref().map(|n| n.value.as_str())
    }
    /// "`app`" or "#2".
    pub fn label(&self) -> String {
        match self.name() {
            Some(n) => format!("`{n}`"),
            None => format!("#{}", self.index),
        }
    }
}

/// The parsed, owned model of one Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    pub file: FileId,
    pub errors: Vec<DockerError>,
    /// Escape character (parser directive `# escape=`), `\` by default.
    pub escape: char,
    /// ARGs before the first FROM.
    pub global_args: Vec<ArgDef>,
    pub stages: Vec<Stage>,
}

impl Dockerfile {
    /// Stage by `AS` name (case-insensitive) or by index (`--from=0`).
    pub fn stage_by_ref(&self, r: &str, before: usize) -> Option<&Stage> {
        if let Some(s) = self.stages[..before.min(self.stages.len())]
            .iter()
            .find(|s| s.name().is_some_and(|n| n.eq_ignore_ascii_case(r)))
        {
            return Some(s);
        }
        let i: usize = r.parse().ok()?;
        if i < before {
            self.stages.get(i)
        } else {
            None
        }
    }
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        self.stage_by_ref(name, self.stages.len())
    }
    /// Indexes of stages no later stage builds on (`FROM <stage>`) or copies from
    /// (`COPY --from=<stage>`): the candidates for a final image.
    pub fn leaf_stages(&self) -> Vec<usize> {
        let mut used = vec![false; self.stages.len()];
        for s in &self.stages {
            if let Some(b) = self.stage_by_ref(&s.from.image.value, s.index) {
                used[b.index] = true;
            }
            for i in &s.instructions {
                if let Some(f) = i.flag("from").and_then(|f| f.value.as_deref()) {
                    if let Some(b) = self.stage_by_ref(f, s.index) {
                        used[b.index] = true;
                    }
                }
            }
        }
        (0..self.stages.len()).filter(|i| !used[*i]).collect()
    }

    /// Value of a global ARG default (for FROM expansion).
    pub fn global_arg(&self, name: &str) -> Option<&str> {
        self.global_args
            .iter()
            .rev()
            .find(|a| a.name == name)
            .and_then(|a| a.default.as_deref())
    }
}

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

/// A heredoc as BuildKit's parser finds it (frontend/dockerfile/parser/parser.go): on a RUN,
/// COPY or ADD line (also as an ONBUILD trigger) in shell form, any word matching
/// `^(\d*)<<(-?)\s*([^<]*)$` — at the start or in the middle of the line, quoted delimiter
/// or not — opens one; its body is every following line up to the delimiter (leading tabs
/// stripped for `<<-`), possibly none.
#[derive(Debug, Clone)]
struct BkHeredoc {
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
fn buildkit_heredocs(text: &str, escape: char) -> Vec<BkHeredoc> {
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
fn buildkit_accepts(
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
fn empty_exec(cur: &str, starts: &[usize], line: usize, message: &str) -> Option<(String, usize)> {
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

fn restore_empty_exec(d: &mut Dockerfile, cleared: &[usize]) {
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

fn line_starts(t: &str) -> Vec<usize> {
    let mut v = vec![0];
    let b = t.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'\n' || (*c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            v.push(i + 1);
        }
    }
    v
}

fn line_span(t: &str, starts: &[usize], line: usize) -> Range<usize> {
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
fn instruction_lines(t: &str, starts: &[usize], line: usize, escape: char) -> (usize, usize) {
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
fn blank(s: &mut String, r: Range<usize>) {
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

fn us(u: &parse_dockerfile::UnescapedString<'_>) -> Str {
    Str {
        value: u.value.to_string(),
        span: u.span.clone(),
    }
}

/// A Dockerfile word (a path, a stage name, a user) as BuildKit reads it: quotes removed and
/// escapes resolved ([`expand::unquote`]); variables are left for [`expand::expand`].
fn word(u: &parse_dockerfile::UnescapedString<'_>, escape: char) -> Str {
    Str {
        value: expand::unquote(&u.value, escape),
        span: u.span.clone(),
    }
}

/// Instruction flags; values lose their quotes as in BuildKit's `extractBuilderFlags`
/// (`--from="builder"` names the stage `builder`).
fn flags(fs: &[parse_dockerfile::Flag<'_>], escape: char) -> Vec<Flag> {
    fs.iter()
        .map(|f| Flag {
            name: f.name.value.to_ascii_lowercase(),
            value: f.value.as_ref().map(|v| expand::unquote(&v.value, escape)),
            span: f.span(),
        })
        .collect()
}

fn command(c: &parse_dockerfile::Command<'_>) -> Command {
    match c {
        parse_dockerfile::Command::Exec(a) => Command {
            args: CommandArgs::Exec(a.value.iter().map(us).collect()),
            span: a.span.clone(),
            invalid_json: false,
            non_string_json: false,
        },
        parse_dockerfile::Command::Shell(s) => {
            let text = s.value;
            let trimmed = text.trim();
            let mut invalid_json = false;
            let mut non_string_json = false;
            if trimmed.starts_with('[') {
                match serde_json::from_str::<serde_json::Value>(trimmed) {
                    Ok(serde_json::Value::Array(items)) => {
                        if items.iter().any(|i| !i.is_string()) {
                            non_string_json = true;
                        }
                    }
                    _ => invalid_json = trimmed.ends_with(']') || trimmed.contains(','),
                }
            }
            Command {
                args: CommandArgs::Shell(Str {
                    value: text.to_string(),
                    span: s.span.clone(),
                }),
                span: s.span.clone(),
                invalid_json,
                non_string_json,
            }
        }
        _ => Command {
            args: CommandArgs::Shell(Str::default()),
            span: 0..0,
            invalid_json: false,
            non_string_json: false,
        },
    }
}

/// `ENV` arguments: `K=V K2="v 2"` or the legacy `K V…` form.
pub fn parse_env(args: &str) -> Vec<(String, String)> {
    let a = args.trim();
    let first_ws = a.find(char::is_whitespace);
    let first_eq = a.find('=');
    let legacy = match (first_eq, first_ws) {
        (None, _) => true,
        (Some(e), Some(w)) => w < e,
        _ => false,
    };
    if legacy {
        return match a.split_once(char::is_whitespace) {
            Some((k, v)) => vec![(k.to_string(), v.trim().to_string())],
            None => vec![(a.to_string(), String::new())],
        };
    }
    words(a)
        .into_iter()
        .filter_map(|w| {
            let (k, v) = w.split_once('=')?;
            Some((k.to_string(), v.to_string()))
        })
        .collect()
}

/// Split on unquoted whitespace, removing quotes and backslash escapes (Dockerfile word rules).
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut q: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (q, c) {
            (None, c) if c.is_whitespace() => {
                if has {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            (None, '"' | '\'') => {
                q = Some(c);
                has = true;
            }
            (Some(qc), c) if c == qc => q = None,
            (Some('\''), c) => cur.push(c),
            (_, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                has = true;
            }
            (_, c) => {
                cur.push(c);
                has = true;
            }
        }
    }
    if has {
        out.push(cur);
    }
    out
}

fn parse_args(a: &parse_dockerfile::UnescapedString<'_>) -> Vec<ArgDef> {
    words(&a.value)
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => ArgDef {
                name: k.to_string(),
                default: Some(v.to_string()),
                span: a.span.clone(),
            },
            None => ArgDef {
                name: w,
                default: None,
                span: a.span.clone(),
            },
        })
        .collect()
}

/// Extend an end offset to the end of its line (before the line break).
fn to_line_end(t: &str, end: usize) -> usize {
    let b = t.as_bytes();
    let mut e = end.min(b.len());
    while e < b.len() && b[e] != b'\n' && b[e] != b'\r' {
        e += 1;
    }
    e
}

fn convert(d: &mut Dockerfile, text: &str, p: &parse_dockerfile::Dockerfile<'_>) {
    use parse_dockerfile::Instruction as I;
    if let Some(esc) = &p.parser_directives.escape {
        d.escape = esc.value.value;
    }
    for ins in &p.instructions {
        let (keyword, start, end, kind): (&str, usize, usize, InstKind) = match ins {
            I::From(f) => {
                let platform = f
                    .options
                    .iter()
                    .find(|o| o.name.value.eq_ignore_ascii_case("platform"))
                    .and_then(|o| o.value.as_ref().map(|v| word(v, d.escape)));
                let name = f.as_.as_ref().map(|(_, n)| Str {
                    value: n.value.to_ascii_lowercase(),
                    span: n.span.clone(),
                });
                let end = name
                    .as_ref()
                    .map_or(f.image.span.end, |n| n.span.end.max(f.image.span.end));
                let index = d.stages.len();
                d.stages.push(Stage {
                    index,
                    from: From {
                        image: word(&f.image, d.escape),
                        platform,
                        name,
                        span: f.from.span.start..to_line_end(text, end),
                    },
                    instructions: Vec::new(),
                });
                continue;
            }
            I::Arg(a) => (
                "ARG",
                a.arg.span.start,
                a.arguments.span.end,
                InstKind::Arg(parse_args(&a.arguments)),
            ),
            I::Run(r) => {
                let c = command(&r.arguments);
                let heredocs: Vec<Str> = r
                    .here_docs
                    .iter()
                    .map(|h| Str {
                        value: h.value.to_string(),
                        span: h.span.clone(),
                    })
                    .collect();
                let end = heredocs
                    .iter()
                    .map(|h| h.span.end)
                    .fold(c.span.end, usize::max);
                (
                    "RUN",
                    r.run.span.start,
                    end,
                    InstKind::Run {
                        flags: flags(&r.options, d.escape),
                        command: c,
                        heredocs,
                    },
                )
            }
            I::Cmd(c) => {
                let cmd = command(&c.arguments);
                ("CMD", c.cmd.span.start, cmd.span.end, InstKind::Cmd(cmd))
            }
            I::Entrypoint(c) => {
                let cmd = command(&c.arguments);
                (
                    "ENTRYPOINT",
                    c.entrypoint.span.start,
                    cmd.span.end,
                    InstKind::Entrypoint(cmd),
                )
            }
            I::Healthcheck(h) => match &h.arguments {
                parse_dockerfile::HealthcheckArguments::Cmd { arguments, .. } => {
                    let cmd = command(arguments);
                    (
                        "HEALTHCHECK",
                        h.healthcheck.span.start,
                        cmd.span.end,
                        InstKind::Healthcheck(Some(cmd)),
                    )
                }
                parse_dockerfile::HealthcheckArguments::None { none, .. } => (
                    "HEALTHCHECK",
                    h.healthcheck.span.start,
                    none.span.end,
                    InstKind::Healthcheck(None),
                ),
                _ => (
                    "HEALTHCHECK",
                    h.healthcheck.span.start,
                    h.healthcheck.span.end,
                    InstKind::Other,
                ),
            },
            I::Copy(c) => copy(
                false,
                c.copy.span.start,
                &c.options,
                &c.src,
                &c.dest,
                d.escape,
            ),
            I::Add(c) => copy(
                true,
                c.add.span.start,
                &c.options,
                &c.src,
                &c.dest,
                d.escape,
            ),
            I::Env(e) => (
                "ENV",
                e.env.span.start,
                e.arguments.span.end,
                InstKind::Env(parse_env(&e.arguments.value)),
            ),
            I::Workdir(w) => (
                "WORKDIR",
                w.workdir.span.start,
                w.arguments.span.end,
                InstKind::Workdir(word(&w.arguments, d.escape)),
            ),
            I::User(u) => (
                "USER",
                u.user.span.start,
                u.arguments.span.end,
                InstKind::User(word(&u.arguments, d.escape)),
            ),
            I::Shell(s) => {
                let end = s.arguments.last().map_or(s.shell.span.end, |a| a.span.end);
                (
                    "SHELL",
                    s.shell.span.start,
                    end,
                    InstKind::Shell(s.arguments.iter().map(us).collect()),
                )
            }
            I::Stopsignal(s) => (
                "STOPSIGNAL",
                s.stopsignal.span.start,
                s.arguments.span.end,
                InstKind::Stopsignal(word(&s.arguments, d.escape)),
            ),
            I::Expose(e) => (
                "EXPOSE",
                e.expose.span.start,
                e.expose.span.end,
                InstKind::Other,
            ),
            I::Label(l) => (
                "LABEL",
                l.label.span.start,
                l.label.span.end,
                InstKind::Other,
            ),
            I::Volume(v) => (
                "VOLUME",
                v.volume.span.start,
                v.volume.span.end,
                InstKind::Other,
            ),
            I::Maintainer(m) => (
                "MAINTAINER",
                m.maintainer.span.start,
                m.maintainer.span.end,
                InstKind::Other,
            ),
            I::Onbuild(o) => (
                {
                    // BuildKit (instructions/parse.go, parseOnBuild) rejects these triggers in
                    // the image that declares them; any other trigger is parsed only when a
                    // child image builds.
                    let bad = match &*o.instruction {
                        I::From(_) => Some("FROM"),
                        I::Maintainer(_) => Some("MAINTAINER"),
                        I::Onbuild(_) => Some("ONBUILD"),
                        _ => None,
                    };
                    if let Some(k) = bad {
                        let start = o.onbuild.span.start;
                        d.errors.push(DockerError {
                            span: start..to_line_end(text, start),
                            message: if k == "ONBUILD" {
                                "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string()
                            } else {
                                format!("{k} isn't allowed as an ONBUILD trigger")
                            },
                        });
                    }
                    "ONBUILD"
                },
                o.onbuild.span.start,
                o.onbuild.span.end,
                InstKind::Other,
            ),
            _ => continue,
        };
        let inst = Instruction {
            keyword: keyword.to_string(),
            span: start..to_line_end(text, end.max(start)),
            kind,
        };
        match d.stages.last_mut() {
            Some(s) => s.instructions.push(inst),
            None => {
                if let InstKind::Arg(a) = inst.kind {
                    d.global_args.extend(a);
                }
            }
        }
    }
}

fn copy(
    add: bool,
    start: usize,
    options: &[parse_dockerfile::Flag<'_>],
    src: &[parse_dockerfile::Source<'_>],
    dest: &parse_dockerfile::UnescapedString<'_>,
    escape: char,
) -> (&'static str, usize, usize, InstKind) {
    let sources: Vec<CopySource> = src
        .iter()
        .filter_map(|s| match s {
            parse_dockerfile::Source::Path(p) => Some(CopySource::Path(word(p, escape))),
            parse_dockerfile::Source::HereDoc(h) => Some(CopySource::Heredoc {
                body: h.value.to_string(),
                span: h.span.clone(),
            }),
            _ => None,
        })
        .collect();
    let end = sources
        .iter()
        .map(|s| match s {
            CopySource::Path(p) => p.span.end,
            CopySource::Heredoc { span, .. } => span.end,
        })
        .fold(dest.span.end, usize::max);
    (
        if add { "ADD" } else { "COPY" },
        start,
        end,
        InstKind::Copy {
            add,
            flags: flags(options, escape),
            sources,
            dest: word(dest, escape),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_after_bad_instruction() {
        let t = "FROM alpine\nFOO bar\nCOPY\nCMD [\"a\"]\n";
        let d = parse(0, t);
        assert_eq!(d.errors.len(), 2);
        assert_eq!(&t[d.errors[0].span.clone()], "FOO bar");
        assert_eq!(&t[d.errors[1].span.clone()], "COPY");
        assert_eq!(d.stages.len(), 1);
        assert_eq!(d.stages[0].instructions.len(), 1);
    }

    #[test]
    fn unterminated_heredoc_is_located() {
        let t = "FROM alpine\nRUN <<EOF\necho hi\n";
        let d = parse(0, t);
        assert_eq!(d.errors.len(), 1);
        assert_eq!(&t[d.errors[0].span.clone()], "RUN <<EOF");
        assert_eq!(d.stages.len(), 1);
    }

    #[test]
    fn json_forms() {
        let t = "FROM a AS B\nCMD ['node','app.js']\nENTRYPOINT [\"node\", 1]\nENV A=1 B=\"x y\"\nENV C hello world\n";
        let d = parse(0, t);
        assert!(d.errors.is_empty());
        let s = &d.stages[0];
        assert_eq!(s.name(), Some("b"));
        match &s.instructions[0].kind {
            InstKind::Cmd(c) => assert!(c.invalid_json && c.is_shell()),
            k => panic!("{k:?}"),
        }
        match &s.instructions[1].kind {
            InstKind::Entrypoint(c) => assert!(c.non_string_json),
            k => panic!("{k:?}"),
        }
        match &s.instructions[2].kind {
            InstKind::Env(v) => assert_eq!(
                v,
                &vec![("A".into(), "1".into()), ("B".into(), "x y".into())]
            ),
            k => panic!("{k:?}"),
        }
        match &s.instructions[3].kind {
            InstKind::Env(v) => assert_eq!(v, &vec![("C".into(), "hello world".into())]),
            k => panic!("{k:?}"),
        }
    }

    // Each KX002 cause matches BuildKit's parser (moby/buildkit frontend/dockerfile/parser,
    // instructions/parse.go): what BuildKit accepts is no error, what it rejects stays one.

    #[test]
    fn buildkit_accepts_empty_entrypoint() {
        // `ENTRYPOINT []` clears the inherited entrypoint (official images do it).
        let d = parse(0, "FROM postgres:16\nENTRYPOINT []\nCMD [\"postgres\"]\n");
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        match &d.stages[0].instructions[0].kind {
            InstKind::Entrypoint(c) => assert_eq!(c.args, CommandArgs::Exec(Vec::new())),
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn buildkit_accepts_heredoc_mid_line_with_quoted_delimiter() {
        // parser.go: any word matching `^(\d*)<<(-?)\s*([^<]*)$` opens a heredoc, anywhere on
        // the line; quotes around the delimiter only turn expansion off.
        let t = "FROM python:3.12-slim\nRUN cat <<'CONF' > /etc/app.conf\nlog_level = info\nworkers = 4\nCONF\nRUN cat <<INNER > /etc/motd\nWelcome\nINNER\nCMD [\"python\"]\n";
        let d = parse(0, t);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.stages[0].instructions.len(), 3);
    }

    #[test]
    fn buildkit_accepts_empty_heredoc_body() {
        // parser.go: the body is every line up to the delimiter, possibly none.
        let d = parse(0, "FROM alpine:3.20\nRUN echo $1 <<EOT\nEOT\n");
        assert!(d.errors.is_empty(), "{:?}", d.errors);
    }

    #[test]
    fn buildkit_rejects_unterminated_heredoc() {
        // parser.go: "unterminated heredoc".
        let d = parse(0, "FROM alpine\nRUN cat <<'EOF' > /x\nhello\n");
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    }

    #[test]
    fn buildkit_duplicate_stage_name_is_no_error() {
        // dockerfile2llb/validations.go: DuplicateStageName is a lint warning; the build runs.
        let d = parse(
            0,
            "FROM alpine AS builder\nRUN echo 1\nFROM ubuntu AS builder\nRUN echo 2\n",
        );
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.stages.len(), 2);
        assert_eq!(d.stages[1].name(), Some("builder"));
    }

    #[test]
    fn buildkit_parses_onbuild_trigger_only_in_child_builds() {
        // instructions/parse.go parseOnBuild: the trigger is parsed when a child image builds;
        // only ONBUILD, FROM and MAINTAINER are refused in the image that declares them.
        let d = parse(
            0,
            "FROM alpine AS base\nONBUILD COPPY . /app\nONBUILD RUN echo hello\n",
        );
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let d = parse(0, "FROM alpine\nONBUILD FROM debian\n");
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert!(d.errors[0]
            .message
            .contains("isn't allowed as an ONBUILD trigger"));
    }

    #[test]
    fn crlf_and_no_from() {
        let d = parse(0, "FROM alpine\r\nRUN echo\r\nCMD [\"x\"]\r\n");
        assert!(d.errors.is_empty());
        assert_eq!(d.stages[0].instructions.len(), 2);
        let d = parse(0, "RUN x\nRUN y\n");
        assert_eq!(d.errors.len(), 1);
    }
}
