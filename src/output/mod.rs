//! Output formats. Every format prints file, line, column and end of each finding.

pub mod concise;
pub mod json;

use crate::finding::{Finding, Severity};
use crate::project::Project;

/// A finding's resolved location: 1-based lines, 1-based character columns, end exclusive.
#[derive(Debug, Clone, Copy)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn locate(project: &Project, f: &Finding) -> Location {
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

#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
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
        }
    }
}
