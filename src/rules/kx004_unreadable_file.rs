//! KX004 unreadable-file: File could not be read (binary, not UTF-8, too large, unreadable).
//!
//! Loading records each file it could not read, with why (`Project::unreadable`), and the walk
//! each ignore file it could not use (`Project::ignore_notes`, a warning).

use crate::finding::Finding;
use crate::meta;
use crate::model::Model;
use crate::rules::Rule;
use crate::source::Span;

pub static RULE: Rule = Rule {
    meta: &meta::KX004,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    let project = model.project;
    for (id, why) in &project.unreadable {
        let path = project.files.get(*id).map_or("", |f| f.path.as_str());
        out.push(
            Finding::new(
                &RULE,
                Span::new(*id, 0..0),
                format!("{path} could not be linted: {why}"),
            )
            .help("Fix or exclude the file (--exclude GLOB, .kexitignore); raise --max-file-size for large generated files"),
        );
    }
    // An ignore file the walk could not use (a FIFO, a device, too large, a link outside the
    // tree): a warning, the walk went on without its patterns.
    for n in project.ignore_notes.iter().filter(|n| !n.budget) {
        let path = project.files.get(n.file).map_or("", |f| f.path.as_str());
        out.push(
            Finding::new(&RULE, Span::new(n.file, n.at..n.at), format!("{path}: {}", n.why))
                .severity(crate::finding::Severity::Warning)
                .help("Make the ignore file a regular file of the tree, under 1 MiB; until then the files it names are linted"),
        );
    }
}
