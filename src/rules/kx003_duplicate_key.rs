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
            // A document that is no Kubernetes object (a Helm values file, a CI configuration)
            // is not what kubectl reads: say what a YAML reader does instead.
            let object = in_object(&m.yaml, e.span.start);
            let consequence = if object {
                "kubectl's default strict validation rejects the object; with validation off the later value silently replaces the earlier one"
            } else {
                "the document is no Kubernetes object (no apiVersion and kind), so kubectl does not read it; the tool that does either rejects the file or silently keeps only one of the values"
            };
            let mut f = Finding::new(
                &RULE,
                span,
                format!("{} (first at line {first_line}): {consequence}", e.message),
            )
            .label(Span::new(m.file, first.clone()), "first defined here")
            .help("Remove one of the two keys, or merge their values under one key");
            if object {
                f = f.symptom(format!(
                    "error: yaml: unmarshal errors:\n  line {line}: mapping key \"{key}\" already defined at line {first_line}"
                ));
            }
            out.push(f);
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

/// Whether the byte offset `at` is inside a document whose root is a Kubernetes object.
fn in_object(y: &crate::yaml::YamlFile, at: usize) -> bool {
    y.docs
        .iter()
        .find(|d| d.root.span().contains(&at))
        .is_none_or(|d| d.root.get("apiVersion").is_some() && d.root.get("kind").is_some())
}
