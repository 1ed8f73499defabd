//! Output formats. Every format prints file, line, column and end of each finding.

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::finding::{Finding, Severity};
use crate::project::Project;

/// A report written into memory as text (`{}` when writing failed, which a `Vec` never does).
fn written_text(written: std::io::Result<Vec<u8>>) -> String {
    match written {
        Ok(bytes) => String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(_) => "{}\n".to_string(),
    }
}

/// A text report written in pieces: past [`Sink::CHUNK`] bytes, what has accumulated (whole
/// findings) goes to the writer, so a report of 100,000 findings is never held whole. Without a
/// writer it collects the whole text ([`Sink::text`]).
pub struct Sink<'w> {
    pub buf: String,
    write: Option<&'w mut dyn FnMut(String) -> std::io::Result<()>>,
    error: Option<std::io::Error>,
}

impl<'w> Sink<'w> {
    const CHUNK: usize = 64 * 1024;

    /// A sink that keeps the whole text.
    pub fn text() -> Sink<'static> {
        Sink {
            buf: String::new(),
            write: None,
            error: None,
        }
    }

    /// A sink that hands its text to `write` in pieces; after a failed write the rest is
    /// dropped and the error returned by [`Sink::finish`].
    pub fn to(write: &'w mut dyn FnMut(String) -> std::io::Result<()>) -> Sink<'w> {
        Sink {
            buf: String::new(),
            write: Some(write),
            error: None,
        }
    }

    /// Between two findings: hand on the text so far if it is long enough.
    pub fn boundary(&mut self) {
        if self.buf.len() >= Self::CHUNK {
            self.pass();
        }
    }

    fn pass(&mut self) {
        let Some(write) = self.write.as_mut() else {
            return;
        };
        let text = std::mem::take(&mut self.buf);
        if self.error.is_none() {
            if let Err(e) = write(text) {
                self.error = Some(e);
            }
        }
    }

    /// Hand on the rest; the whole text for a sink without a writer.
    pub fn finish(mut self) -> std::io::Result<String> {
        self.pass();
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(std::mem::take(&mut self.buf)),
        }
    }
}

/// A finding's resolved location: 1-based lines, 1-based character columns, end exclusive.
#[derive(Debug, Clone, Copy)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// The location of a finding; all zero when the finding names its file but no line
/// ([`crate::source::Span::file_only`]): see [`Location::known`].
pub fn locate(project: &Project, f: &Finding) -> Location {
    if !f.span.has_line() {
        return Location {
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
        };
    }
    let file = &project.files[f.span.file];
    let (line, column) = file.line_col(f.span.start);
    let (end_line, end_column) = file.line_col(f.span.end.max(f.span.start));
    Location {
        line,
        column,
        end_line,
        end_column,
    }
}

impl Location {
    /// Whether the finding has a line (rendered findings whose source line is unknown do not).
    pub fn known(&self) -> bool {
        self.line > 0
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings silenced by suppressions.
    pub suppressed: usize,
}

impl Summary {
    pub fn new(files: usize, documents: usize, findings: &[Finding]) -> Summary {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            files,
            documents,
            findings: findings.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            suppressed: 0,
        }
    }
}

/// `--statistics`: findings per rule, most frequent first.
pub fn statistics(findings: &[Finding]) -> String {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<&str, (usize, &crate::meta::Meta, Severity)> = BTreeMap::new();
    for f in findings {
        let e = counts.entry(f.rule.code).or_insert((0, f.rule, f.severity));
        e.0 += 1;
        e.2 = e.2.max(f.severity);
    }
    let mut rows: Vec<_> = counts.into_values().collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.code.cmp(b.1.code)));
    let mut s = String::new();
    for (n, r, sev) in rows {
        let exit = r.exit_code.map_or("-".to_string(), |c| c.to_string());
        s.push_str(&format!(
            "{n:>6}  {:<6} {:<8} {:<4} {}\n",
            r.code,
            sev.as_str(),
            exit,
            r.name
        ));
    }
    s
}
