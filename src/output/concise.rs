//! `path:line:col: KX101 error: message`, one per line.

use super::{locate, Sink};
use crate::finding::Finding;
use crate::project::Project;
use std::fmt::Write;

pub fn render(project: &Project, findings: &[Finding]) -> String {
    let mut sink = Sink::text();
    render_to(&mut sink, project, findings);
    sink.finish().unwrap_or_default()
}

/// [`render`] into a sink, in pieces.
pub fn render_to(sink: &mut Sink, project: &Project, findings: &[Finding]) {
    for f in findings {
        sink.boundary();
        let s = &mut sink.buf;
        let loc = locate(project, f);
        let at = if loc.known() {
            format!(":{}:{}", loc.line, loc.column)
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "{}{at}: {} {}: {}",
            crate::text::name(&project.files[f.span.file].path),
            f.rule.code,
            f.severity.as_str(),
            f.message
        );
    }
}
