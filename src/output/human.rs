//! The default format: rustc-style headers, source snippets drawn by miette, and the runtime
//! consequence of each finding.
//!
//! miette is given kexit's own source type ([`Src`]), which answers every span query from the
//! file's precomputed line index (miette's built-in sources rescan the text for each label), and
//! reports columns in characters. Colour is decided by the caller (`--color`, NO_COLOR,
//! CLICOLOR_FORCE, terminal detection) and links are never emitted.

use super::{locate, Summary};
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
    /// Terminal width used to lay out snippets.
    pub width: usize,
    /// Omit the summary line.
    pub quiet: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            color: false,
            width: 100,
            quiet: false,
        }
    }
}

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
                f.path.clone(),
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
            f.path.clone(),
            &text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            first,
            0,
            last - first + 1,
        )))
    }
}

/// A diagnostic holding only the labels of one file (the header is written by kexit).
struct Snippet<'a> {
    src: Src<'a>,
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
        Some(&self.src)
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
        .with_width(opts.width)
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
                Some(l.message.clone()),
                false,
            ));
        }
        let d = Snippet {
            src: Src(src),
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

fn note(out: &mut String, color: bool, key: &str, value: &str) {
    let style = Style::new().bold();
    let mut lines = value.lines();
    let first = lines.next().unwrap_or("");
    let _ = writeln!(
        out,
        "  {} {first}",
        paint(color, style, &format!("= {key}:"))
    );
    let pad = " ".repeat(key.len() + 5);
    for l in lines {
        let _ = writeln!(out, "{pad}{l}");
    }
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
    let _ = writeln!(
        out,
        "{}{} {}",
        paint(color, severity_style(f.severity), &head),
        paint(color, Style::new().bold(), ":"),
        paint(color, Style::new().bold(), &f.message)
    );
    let loc = locate(project, f);
    let path = project
        .files
        .get(f.span.file)
        .map_or("", |s| s.path.as_str());
    let blue = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    let at = if loc.known() {
        format!(":{}:{}", loc.line, loc.column)
    } else {
        String::new()
    };
    let _ = writeln!(out, "  {} {path}{at}", paint(color, blue, "-->"));
    snippets(out, project, f, h);
    if let Some(o) = &f.object {
        let mut what = format!("{} {}/{}", o.kind, o.namespace, o.name);
        if let Some(c) = &f.container {
            what.push_str(&format!(", container `{c}`"));
        }
        note(out, color, "object", &what);
    }
    if let Some(code) = f.exit_code {
        let meaning = exit_meaning(code);
        let v = if meaning.is_empty() {
            code.to_string()
        } else {
            format!("{code} ({meaning})")
        };
        note(out, color, "exit", &v);
    }
    if let Some(s) = &f.symptom {
        note(out, color, "runtime", s);
    }
    if let Some(help) = &f.help {
        note(out, color, "help", help);
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
    let h = handler(opts);
    let mut out = String::new();
    for f in findings {
        render_finding(&mut out, project, f, opts, &h);
    }
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
                let path = project
                    .files
                    .get(s.finding.span.file)
                    .map_or("", |f| f.path.as_str());
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
        out.push_str(&summary_line(&summary, opts.color));
    }
    out
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
