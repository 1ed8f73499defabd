//! KX004 unreadable-file: File could not be read (binary, not UTF-8, too large, unreadable).
//!
//! Loading records each file it could not read, with why (`Project::unreadable`).

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
}
