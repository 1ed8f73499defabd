//! `path:line:col: KX101 error: message`, one per line.

use super::locate;
use crate::finding::Finding;
use crate::project::Project;
use std::fmt::Write;

pub fn render(project: &Project, findings: &[Finding]) -> String {
    let mut s = String::new();
    for f in findings {
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
    s
}
