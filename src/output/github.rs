//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.

use super::{locate, Sink};
use crate::finding::{Finding, Severity};
use crate::project::Project;
use std::fmt::Write;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

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
        let cmd = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let path = project
            .files
            .get(f.span.file)
            .map_or("", |s| s.path.as_str());
        let path = path.strip_prefix("./").unwrap_or(path);
        let mut msg = f.message.clone();
        if let Some(h) = &f.help {
            msg.push_str(&format!("\nFix: {h}"));
        }
        let at = if loc.known() {
            format!(
                ",line={},col={},endLine={},endColumn={}",
                loc.line, loc.column, loc.end_line, loc.end_column
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "::{cmd} file={}{at},title={}::{}",
            escape_property(path),
            escape_property(&format!("{} {}", f.rule.code, f.rule.name)),
            escape_data(&msg)
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
