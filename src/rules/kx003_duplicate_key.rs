//! KX003 duplicate-key: Key repeated in one YAML mapping; the last value silently wins.
//!
//! The YAML front end records each repeated key with the span of its first definition.

use crate::finding::Finding;
use crate::meta;
use crate::model::Model;
use crate::rules::Rule;
use crate::source::Span;
use crate::yaml::YamlErrorKind;

pub static RULE: Rule = Rule {
    meta: &meta::KX003,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    let project = model.project;
    for m in &project.manifests {
        let Some(src) = project.files.get(m.file) else {
            continue;
        };
        for e in &m.yaml.errors {
            let YamlErrorKind::DuplicateKey { first } = &e.kind else {
                continue;
            };
            let span = Span::new(m.file, e.span.clone());
            let (line, _) = src.line_col(e.span.start);
            let (first_line, _) = src.line_col(first.start);
            let key = src.slice(span);
            out.push(
                Finding::new(
                    &RULE,
                    span,
                    format!(
                        "{} (first at line {first_line}): kubectl's default strict validation rejects the object; with validation off the later value silently replaces the earlier one",
                        e.message
                    ),
                )
                .label(Span::new(m.file, first.clone()), "first defined here")
                .help("Remove one of the two keys, or merge their values under one key")
                .symptom(format!(
                    "error: yaml: unmarshal errors:\n  line {line}: mapping key \"{key}\" already defined at line {first_line}"
                )),
            );
        }
        // Past the first MAX_DUPLICATE_ERRORS the front end only counts them: one finding says
        // how many more, at the last one listed.
        if m.yaml.more_duplicates > 0 {
            let last = m
                .yaml
                .errors
                .iter()
                .rev()
                .find(|e| matches!(e.kind, YamlErrorKind::DuplicateKey { .. }))
                .map_or(0..0, |e| e.span.clone());
            out.push(
                Finding::new(
                    &RULE,
                    Span::new(m.file, last),
                    format!(
                        "{} more duplicate keys follow in this file (only the first {} are listed)",
                        m.yaml.more_duplicates,
                        crate::yaml::MAX_DUPLICATE_ERRORS
                    ),
                )
                .help("Remove the repeated keys; kubectl's default strict validation rejects every object that has one"),
            );
        }
    }
}
