//! The JSON format (version 1). Its shape is a contract: later tools depend on it.

use super::{locate, Summary};
use crate::finding::{Finding, ObjectRef, Severity};
use crate::project::Project;
use crate::suppress::Suppressed;
use serde::Serialize;

#[derive(Serialize)]
struct Out<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
    /// Only with `--show-suppressed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<Vec<JsonSuppressed<'a>>>,
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    reason: &'a str,
    suppressed_by: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    name: &'a str,
    severity: Severity,
    exit_code: Option<u16>,
    file: &'a str,
    /// null when the finding names its file but no line (rendered output not mappable).
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    message: &'a str,
    help: Option<&'a str>,
    symptom: Option<&'a str>,
    object: Option<&'a ObjectRef>,
    container: Option<&'a str>,
    /// The Compose service (only for findings about one).
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    documents: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

fn finding<'a>(project: &'a Project, f: &'a Finding) -> JsonFinding<'a> {
    let loc = locate(project, f);
    JsonFinding {
        rule: f.rule.code,
        name: f.rule.name,
        severity: f.severity,
        exit_code: f.exit_code,
        file: &project.files[f.span.file].path,
        line: loc.known().then_some(loc.line),
        column: loc.known().then_some(loc.column),
        end_line: loc.known().then_some(loc.end_line),
        end_column: loc.known().then_some(loc.end_column),
        message: &f.message,
        help: f.help.as_deref(),
        symptom: f.symptom.as_deref(),
        object: f.object.as_deref(),
        container: f.container.as_deref(),
        service: f.service.as_deref(),
    }
}

pub fn render(project: &Project, findings: &[Finding], summary: Summary) -> String {
    render_with(project, findings, summary, None)
}

/// The JSON report; `suppressed` adds the `suppressed` list (`--show-suppressed`).
pub fn render_with(
    project: &Project,
    findings: &[Finding],
    summary: Summary,
    suppressed: Option<&[Suppressed]>,
) -> String {
    super::written_text(write_with(
        Vec::new(),
        project,
        findings,
        summary,
        suppressed,
    ))
}

/// [`render_with`] written to `w` as it is serialised (stdout: a report of 100,000 findings is
/// never held whole), through [`crate::text::JsonInert`]; gives `w` back.
pub fn write_with<W: std::io::Write>(
    w: W,
    project: &Project,
    findings: &[Finding],
    summary: Summary,
    suppressed: Option<&[Suppressed]>,
) -> std::io::Result<W> {
    let out = Out {
        version: 1,
        findings: findings.iter().map(|f| finding(project, f)).collect(),
        summary: JsonSummary {
            files: summary.files,
            documents: summary.documents,
            findings: summary.findings,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
        },
        suppressed: suppressed.map(|sup| {
            sup.iter()
                .map(|s| JsonSuppressed {
                    finding: finding(project, &s.finding),
                    reason: &s.reason,
                    suppressed_by: &s.by,
                })
                .collect()
        }),
    };
    let mut inert = crate::text::JsonInert::new(w);
    serde_json::to_writer_pretty(&mut inert, &out)?;
    std::io::Write::write_all(&mut inert, b"\n")?;
    inert.finish()
}
