//! The default format: rustc-style headers, source snippets drawn by miette, and the runtime
//! consequence of each finding.
//!
//! miette is given kexit's own source type ([`Src`]), which answers every span query from the
//! file's precomputed line index (miette's built-in sources rescan the text for each label), and
//! reports columns in characters. Colour is decided by the caller (`--color`, NO_COLOR,
//! CLICOLOR_FORCE, terminal detection) and links are never emitted.

use super::{locate, Sink, Summary};
use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::source::{FileId, SourceFile};
use crate::suppress::Suppressed;
use anstyle::{AnsiColor, Style};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt::{self, Write};

/// Rendering options.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub color: bool,
    /// Width to wrap to (the terminal's, or COLUMNS); `None`: nothing is wrapped (piped output).
    pub width: Option<usize>,
    /// Omit the summary line (and the per-rule table).
    pub quiet: bool,
    /// Print the per-rule table before the summary line when there are more than
    /// [`RULE_TABLE_FROM`] findings.
    pub rule_table: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            color: false,
            width: None,
            quiet: false,
            rule_table: true,
        }
    }
}

/// A headline's message part is kept within this many characters; the rest of the message goes
/// to the `= note:` line.
pub const HEADLINE_MAX: usize = 100;

/// More findings than this end with the per-rule table.
pub const RULE_TABLE_FROM: usize = 10;

/// A source file as miette sees it: spans are answered from the line index.
struct Src<'a>(&'a SourceFile);

impl SourceCode for Src<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let f = self.0;
        let text = f.text.as_str();
        let start = f.clamp(span.offset());
        let end = f.clamp(span.offset() + span.len()).max(start);
        let (line, col) = f.line_col(start);
        let (line0, col0) = (line - 1, col - 1);
        let last_line = f.line_col(if end > start { end - 1 } else { end }).0 - 1;
        let starts = f.line_starts();
        if before == 0 && after == 0 {
            return Ok(Box::new(MietteSpanContents::new_named(
                crate::text::name(&f.path).into_owned(),
                &text.as_bytes()[start..end],
                (start, end - start).into(),
                line0,
                col0,
                last_line - line0 + 1,
            )));
        }
        let first = line0.saturating_sub(before);
        let last = (last_line + after).min(starts.len() - 1);
        let data_start = starts[first];
        let data_end = starts.get(last + 1).copied().unwrap_or(text.len());
        let data_end = f.clamp(data_end).max(data_start);
        Ok(Box::new(MietteSpanContents::new_named(
            crate::text::name(&f.path).into_owned(),
            &text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            first,
            0,
            last - first + 1,
        )))
    }
}

/// A diagnostic holding only the labels of one file (the header is written by kexit).
/// A line longer than this is shown cropped around the finding: miette draws whole lines (a
/// 3.7 MB one-line JSON file was drawn once per finding, and its columns overflowed miette's
/// formatting widths, a panic).
const LONG_LINE: usize = 1024;
/// Bytes of a long line shown on each side of the finding, and of the finding itself.
const CROP_CONTEXT: usize = 60;
const CROP_SPAN: usize = 200;

/// A cropped piece of one long line (`…` marks where it was cut), as miette sees it: offsets
/// are relative to `text`; line and column are the real ones.
struct Window {
    name: String,
    text: String,
    /// 0-based line of the piece in its file.
    line0: usize,
    /// 0-based character column in the real line of `text`'s first character.
    col0: usize,
}

impl SourceCode for Window {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let t = self.text.as_str();
        let mut start = span.offset().min(t.len());
        while !t.is_char_boundary(start) {
            start -= 1;
        }
        let end = (span.offset() + span.len()).clamp(start, t.len());
        if before == 0 && after == 0 {
            let col = self.col0 + t[..start].chars().count();
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                &t.as_bytes()[start..end],
                (start, end - start).into(),
                self.line0,
                col,
                1,
            )));
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            t.as_bytes(),
            (0, t.len()).into(),
            self.line0,
            0,
            1,
        )))
    }
}

/// The labels of one file as a cropped [`Window`] when the first one is on a line longer than
/// [`LONG_LINE`] (labels outside the window are left out); None when the lines are short.
fn cropped(src: &SourceFile, labels: &[LabeledSpan]) -> Option<(Window, Vec<LabeledSpan>)> {
    let first = labels.first()?;
    let at = src.clamp(first.offset());
    let starts = src.line_starts();
    let line = match starts.binary_search(&at) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    };
    let line_start = starts.get(line).copied()?;
    let line_end = starts
        .get(line + 1)
        .copied()
        .unwrap_or(src.text.len())
        .max(line_start);
    let line_end = line_start
        + src.text[line_start..line_end]
            .trim_end_matches(['\n', '\r'])
            .len();
    if line_end - line_start <= LONG_LINE {
        return None;
    }
    let from = src.clamp(at.saturating_sub(CROP_CONTEXT).max(line_start));
    let span_end = (first.offset() + first.len()).min(at + CROP_SPAN);
    let to = src.clamp((span_end + CROP_CONTEXT).min(line_end)).max(from);
    let mut text = String::with_capacity(to - from + 8);
    let mut shift = 0usize;
    if from > line_start {
        text.push('…');
        shift = '…'.len_utf8();
    }
    text.push_str(&src.text[from..to]);
    if to < line_end {
        text.push('…');
    }
    let (_, col) = src.line_col(from);
    let window = Window {
        name: crate::text::name(&src.path).into_owned(),
        text,
        line0: line,
        col0: (col - 1).saturating_sub(usize::from(from > line_start)),
    };
    let kept = labels
        .iter()
        .filter(|l| l.offset() >= from && l.offset() <= to)
        .map(|l| {
            let s = l.offset() - from + shift;
            let e = (l.offset() + l.len()).min(to) - from + shift;
            let span = SourceSpan::from((s, e.max(s) - s));
            match l.primary() {
                true => LabeledSpan::new_primary_with_span(l.label().map(str::to_string), span),
                false => LabeledSpan::new_with_span(l.label().map(str::to_string), span),
            }
        })
        .collect();
    Some((window, kept))
}

struct Snippet<'a> {
    src: &'a dyn SourceCode,
    labels: Vec<LabeledSpan>,
    severity: miette::Severity,
}

impl fmt::Debug for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Snippet")
    }
}
impl fmt::Display for Snippet<'_> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}
impl std::error::Error for Snippet<'_> {}
impl Diagnostic for Snippet<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

fn severity_style(s: Severity) -> Style {
    let c = match s {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(c.into())).bold()
}

/// What an exit code means, for the `= exit:` line.
pub fn exit_meaning(code: u16) -> &'static str {
    match code {
        126 => "found but cannot be executed",
        127 => "command not found",
        128 => "StartError: the runtime could not start the process",
        255 => "exec failed inside the started container",
        137 => "SIGKILL: OOMKilled or killed at the deadline",
        143 => "SIGTERM",
        1 => "exec failed (runc 1.1)",
        _ => "",
    }
}

fn handler(opts: &Options) -> GraphicalReportHandler {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(1)
        .without_primary_span_start()
        // Unwrapped output: a width no label reaches.
        .with_width(opts.width.unwrap_or(10_000))
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn label(
    f: &SourceFile,
    start: usize,
    end: usize,
    text: Option<String>,
    primary: bool,
) -> LabeledSpan {
    let s = f.clamp(start);
    let e = f.clamp(end).max(s);
    if primary {
        LabeledSpan::new_primary_with_span(text, SourceSpan::from((s, e - s)))
    } else {
        LabeledSpan::new_with_span(text, SourceSpan::from((s, e - s)))
    }
}

/// Draw the snippets of one finding: the primary file first, then every other labelled file.
fn snippets(out: &mut String, project: &Project, f: &Finding, h: &GraphicalReportHandler) {
    let mut files: Vec<FileId> = vec![f.span.file];
    for l in &f.labels {
        if !files.contains(&l.span.file) {
            files.push(l.span.file);
        }
    }
    for id in files {
        let Some(src) = project.files.get(id) else {
            continue;
        };
        if src.text.is_empty() {
            continue;
        }
        let mut labels = Vec::new();
        if id == f.span.file && f.span.has_line() {
            labels.push(label(src, f.span.start, f.span.end, None, true));
        }
        for l in f
            .labels
            .iter()
            .filter(|l| l.span.file == id && l.span.has_line())
        {
            labels.push(label(
                src,
                l.span.start,
                l.span.end,
                Some(l.message.to_string()),
                false,
            ));
        }
        let plain = Src(src);
        let window = cropped(src, &labels);
        let (code, labels): (&dyn SourceCode, Vec<LabeledSpan>) = match window {
            Some((ref w, kept)) => (w, kept),
            None => (&plain, labels),
        };
        let d = Snippet {
            src: code,
            labels,
            severity: miette_severity(f.severity),
        };
        let mut s = String::new();
        if h.render_report(&mut s, &d).is_err() {
            continue;
        }
        // The first line is miette's (empty) message line: kexit writes its own header.
        let body = s.split_once('\n').map_or("", |(_, rest)| rest);
        out.push_str(body.trim_end_matches('\n'));
        out.push('\n');
    }
}

fn note(out: &mut String, opts: &Options, key: &str, value: &str) {
    let style = Style::new().bold();
    let head = format!("= {key}:");
    // Continuation lines line up under the value: "  = key: value".
    let pad = " ".repeat(key.len() + 6);
    let mut first = true;
    for line in value.lines() {
        for piece in wrap(line, opts.width, pad.len()) {
            if first {
                let _ = writeln!(out, "  {} {piece}", paint(opts.color, style, &head));
                first = false;
            } else {
                let _ = writeln!(out, "{pad}{piece}");
            }
        }
    }
    if first {
        let _ = writeln!(out, "  {}", paint(opts.color, style, &head));
    }
}

/// `text` broken on word boundaries into lines that fit `width` after an indent of `indent`
/// columns (at least 30 columns of text); one line when there is no width.
pub fn wrap(text: &str, width: Option<usize>, indent: usize) -> Vec<String> {
    match width {
        None => vec![text.to_string()],
        Some(w) => {
            let avail = w.saturating_sub(indent).max(30);
            let o = textwrap::Options::new(avail)
                .word_separator(crate::text::word_separator(text))
                .break_words(false)
                .word_splitter(textwrap::WordSplitter::NoHyphenation);
            textwrap::wrap(text, o)
                .into_iter()
                .map(|c| c.into_owned())
                .collect()
        }
    }
}

/// A finding's message split into a headline that fits one line (what, kept within
/// [`HEADLINE_MAX`] characters) and the detail for the `= note:` line.
///
/// The headline is the message's first clause (up to the first `: `, `; ` or sentence end
/// outside backticks, quotes and parentheses). A clause still too long loses its parenthesised
/// asides, then is cut at a word boundary with `…`; the note then holds the whole message, so
/// nothing is lost.
///
/// A first clause that is only a token (`` `spec.containers[0].env[1].value` ``: where, not
/// what) is preceded by the rule's name (`yaml11-scalar`).
pub fn split_message(message: &str, rule_name: &str) -> (String, Option<String>) {
    let (clause, rest) = first_clause(message);
    let rest = rest.filter(|r| !r.trim().is_empty());
    if clause.chars().count() <= HEADLINE_MAX {
        if rest.is_some() && is_token(clause) {
            return (format!("{rule_name}: {clause}"), rest.map(str::to_string));
        }
        return (clause.to_string(), rest.map(str::to_string));
    }
    let mut short = without_asides(clause);
    if short.chars().count() > HEADLINE_MAX {
        short = short_paths(&short);
    }
    let head = if short.chars().count() <= HEADLINE_MAX {
        short
    } else {
        cut(&short, HEADLINE_MAX)
    };
    (head, Some(message.to_string()))
}

/// `s` with each long path in backticks shortened to its last two components
/// (`` `…/api/entrypoint.sh` ``); the note keeps the whole path.
fn short_paths(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, part) in s.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let in_ticks = i % 2 == 1;
        if in_ticks && part.chars().count() > 32 && part.contains('/') && !part.contains(' ') {
            let comps: Vec<&str> = part.rsplitn(3, '/').collect();
            if comps.len() == 3 {
                out.push_str(&format!("…/{}/{}", comps[1], comps[0]));
                continue;
            }
        }
        out.push_str(part);
    }
    out
}

/// Whether `s` has no blank outside backticks (a path or a quoted token).
fn is_token(s: &str) -> bool {
    let mut tick = false;
    for c in s.chars() {
        match c {
            '`' => tick = !tick,
            ' ' if !tick => return false,
            _ => {}
        }
    }
    true
}

/// The first clause of `s` and what follows its separator.
fn first_clause(s: &str) -> (&str, Option<&str>) {
    let b = s.as_bytes();
    let (mut tick, mut quote, mut depth) = (false, false, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '`' => tick = !tick,
            '"' if !tick => quote = !quote,
            '(' | '[' if !tick && !quote => depth += 1,
            ')' | ']' if !tick && !quote => depth = depth.saturating_sub(1),
            ':' | ';' | '.' if !tick && !quote && depth == 0 => {
                // A separator is followed by a blank; a sentence end also by a capital.
                if b.get(i + 1) != Some(&b' ') || i < 8 {
                    continue;
                }
                if c == '.' && !b.get(i + 2).is_some_and(u8::is_ascii_uppercase) {
                    continue;
                }
                return (&s[..i], Some(&s[i + 2..]));
            }
            _ => {}
        }
    }
    (s, None)
}

/// `s` without its parenthesised asides (` (…)` outside backticks).
fn without_asides(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let (mut tick, mut depth) = (false, 0usize);
    for c in s.chars() {
        match c {
            '`' if depth == 0 => {
                tick = !tick;
                out.push(c);
            }
            '(' if !tick => depth += 1,
            ')' if !tick && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    // The blank before each removed aside: no double blanks, none before punctuation.
    // A `.` that starts a word (`./Dockerfile`, `.env`) is not punctuation.
    let mut squeezed = String::with_capacity(out.len());
    let mut blank = false;
    let mut chars = out.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            blank = !squeezed.is_empty();
            continue;
        }
        let starts_word = c == '.' && chars.peek().is_some_and(|n| !n.is_whitespace());
        if blank && (!matches!(c, ',' | ':' | ';' | '.') || starts_word) {
            squeezed.push(' ');
        }
        blank = false;
        squeezed.push(c);
    }
    squeezed
}

/// `s` cut at the last blank before `max` characters, with `…`.
fn cut(s: &str, max: usize) -> String {
    let end = s
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(s.len(), |(i, _)| i);
    let at = s[..end].rfind(' ').filter(|&i| i > 0).unwrap_or(end);
    format!("{}…", s[..at].trim_end_matches([',', ':', ';']))
}

/// Render one finding.
pub fn render_finding(
    out: &mut String,
    project: &Project,
    f: &Finding,
    opts: &Options,
    h: &GraphicalReportHandler,
) {
    let color = opts.color;
    let head = format!("{}[{}]", f.severity.as_str(), f.rule.code);
    let (headline, detail) = split_message(&f.message, f.rule.name);
    // `error[KX101]: ` then the headline, wrapped (on a narrow terminal) under its first word.
    let indent = head.len() + 2;
    let indent = if indent * 2 < opts.width.unwrap_or(usize::MAX) {
        indent
    } else {
        2
    };
    let lines = wrap(&headline, opts.width, indent);
    for (i, l) in lines.iter().enumerate() {
        if i == 0 {
            let _ = writeln!(
                out,
                "{}{} {}",
                paint(color, severity_style(f.severity), &head),
                paint(color, Style::new().bold(), ":"),
                paint(color, Style::new().bold(), l)
            );
        } else {
            let _ = writeln!(
                out,
                "{}{}",
                " ".repeat(indent),
                paint(color, Style::new().bold(), l)
            );
        }
    }
    let loc = locate(project, f);
    let path = crate::text::name(
        project
            .files
            .get(f.span.file)
            .map_or("", |s| s.path.as_str()),
    );
    let blue = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    let at = if loc.known() {
        format!(":{}:{}", loc.line, loc.column)
    } else {
        String::new()
    };
    // The object is part of "where": on the location line when it fits.
    let object = f.object.as_ref().map(|o| {
        let mut what = format!("{} {}/{}", o.kind, o.namespace, o.name);
        // The container, unless the message names it already.
        if let Some(c) = f
            .container
            .as_ref()
            .filter(|c| !f.message.contains(&format!("`{c}`")))
        {
            what.push_str(&format!(", container `{c}`"));
        }
        what
    });
    // A Compose service in place of the object, unless the message names it already.
    let object = object.or_else(|| {
        f.service
            .as_ref()
            .filter(|sv| !f.message.contains(&format!("`{sv}`")))
            .map(|sv| format!("Compose service `{sv}`"))
    });
    let location = format!("  --> {path}{at}");
    let with_object = object.as_ref().map(|o| format!("{location} ({o})"));
    let fits = |l: &String| opts.width.is_none_or(|w| l.chars().count() <= w);
    let object_note = match &with_object {
        Some(l) if fits(l) => {
            let _ = writeln!(
                out,
                "  {} {path}{at} ({})",
                paint(color, blue, "-->"),
                object.as_deref().unwrap_or("")
            );
            None
        }
        _ => {
            let _ = writeln!(out, "  {} {path}{at}", paint(color, blue, "-->"));
            object
        }
    };
    snippets(out, project, f, h);
    if let Some(d) = &detail {
        note(out, opts, "note", d);
    }
    if let Some(o) = &object_note {
        note(out, opts, "object", o);
    }
    if let Some(code) = f.exit_code {
        let meaning = exit_meaning(code);
        let v = if meaning.is_empty() {
            code.to_string()
        } else {
            format!("{code} ({meaning})")
        };
        note(out, opts, "exit", &v);
    }
    if let Some(s) = &f.symptom {
        note(out, opts, "runtime", s);
    }
    if let Some(help) = &f.help {
        note(out, opts, "help", help);
    }
    out.push('\n');
}

/// The whole report: findings, optionally the suppressed ones, and the summary line.
pub fn render(
    project: &Project,
    findings: &[Finding],
    suppressed: Option<&[Suppressed]>,
    summary: Summary,
    opts: &Options,
) -> String {
    let mut sink = Sink::text();
    render_to(&mut sink, project, findings, suppressed, summary, opts);
    sink.finish().unwrap_or_default()
}

/// [`render`] into a sink, in pieces.
pub fn render_to(
    sink: &mut Sink,
    project: &Project,
    findings: &[Finding],
    suppressed: Option<&[Suppressed]>,
    summary: Summary,
    opts: &Options,
) {
    let h = handler(opts);
    for f in findings {
        sink.boundary();
        render_finding(&mut sink.buf, project, f, opts, &h);
    }
    sink.boundary();
    let out = &mut sink.buf;
    if let Some(sup) = suppressed {
        if !sup.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                paint(
                    opts.color,
                    Style::new().bold(),
                    &format!("suppressed ({}):", sup.len())
                )
            );
            for s in sup {
                let loc = locate(project, &s.finding);
                let path = crate::text::name(
                    project
                        .files
                        .get(s.finding.span.file)
                        .map_or("", |f| f.path.as_str()),
                );
                let _ = writeln!(
                    out,
                    "  {path}:{}:{}: {} {}: {}",
                    loc.line,
                    loc.column,
                    s.finding.rule.code,
                    s.finding.severity.as_str(),
                    s.finding.message
                );
                let _ = writeln!(out, "    silenced by {}: {}", s.by, s.reason);
            }
            out.push('\n');
        }
    }
    if !opts.quiet {
        if opts.rule_table && findings.len() > RULE_TABLE_FROM {
            out.push_str(&rule_table(findings, opts.color));
        }
        out.push_str(&summary_line(&summary, opts.color));
    }
}

/// Findings per rule and severity, most frequent first (`count code severity exit name`), as
/// ruff's `--statistics` prints them.
pub fn rule_table(findings: &[Finding], color: bool) -> String {
    use std::collections::HashMap;
    let mut counts: HashMap<(&str, Severity), (usize, &crate::meta::Meta)> = HashMap::new();
    for f in findings {
        counts
            .entry((f.rule.code, f.severity))
            .or_insert((0, f.rule))
            .0 += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| {
        b.1 .0
            .cmp(&a.1 .0)
            .then(a.0 .0.cmp(b.0 .0))
            .then(b.0 .1.cmp(&a.0 .1))
    });
    let mut s = format!(
        "{}\n",
        paint(color, Style::new().bold(), "findings by rule:")
    );
    for ((code, sev), (n, rule)) in rows {
        let exit = rule.exit_code.map_or("-".to_string(), |c| c.to_string());
        let _ = writeln!(
            s,
            "{n:>6}  {code:<6} {} {exit:<4} {}",
            paint(color, severity_style(sev), &format!("{:<8}", sev.as_str())),
            rule.name
        );
    }
    s.push('\n');
    s
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `3 files, 4 documents: 1 error, 2 warnings, 0 infos (1 suppressed)`.
pub fn summary_line(s: &Summary, color: bool) -> String {
    let mut line = format!(
        "{}, {}: {}, {}, {}",
        plural(s.files, "file"),
        plural(s.documents, "document"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info")
    );
    if s.suppressed > 0 {
        line.push_str(&format!(" ({} suppressed)", s.suppressed));
    }
    let style = if s.errors > 0 {
        severity_style(Severity::Error)
    } else if s.warnings > 0 {
        severity_style(Severity::Warning)
    } else {
        Style::new().fg_color(Some(AnsiColor::Green.into())).bold()
    };
    format!("{}\n", paint(color, style, &line))
}

#[cfg(test)]
mod tests {
    use super::without_asides;

    #[test]
    fn asides_go_and_paths_keep_their_blank() {
        assert_eq!(
            without_asides("the image built from ./Dockerfile (stage #0) runs `x` (exit 127)."),
            "the image built from ./Dockerfile runs `x`."
        );
        assert_eq!(without_asides("a (b), c"), "a, c");
    }
}
