//! KX001 invalid-yaml: File is not valid YAML; kubectl rejects the whole file.
//!
//! The YAML front end (`yaml::parse`) records each error with its span on the parsed file; this
//! rule reports every one but duplicate keys (KX003) and the node budget (KX011). An error in a
//! file that holds no Kubernetes object and no Compose service (a tool's configuration, a YAML
//! parser's test input) is a warning: kubectl never reads it, and kexit cannot know what does.
//! A file whose first error is next to template markup (loading sets `Manifest::template`) is a
//! template: one info, nothing else.

use crate::finding::{Finding, Severity};
use crate::meta;
use crate::model::Model;
use crate::rules::Rule;
use crate::source::Span;
use crate::yaml::YamlErrorKind;

pub static RULE: Rule = Rule {
    meta: &meta::KX001,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    let project = model.project;
    for m in &project.manifests {
        let Some(src) = project.files.get(m.file) else {
            continue;
        };
        if let Some((span, what)) = &m.template {
            let (line, _) = src.line_col(span.start);
            out.push(super::template_not_linted(
                RULE.meta,
                Span::new(m.file, span.clone()),
                (what, line),
                "YAML",
                "kexit lints what is applied: lint the rendered output, or give the file a template extension (`.tmpl`, `.tpl`, `.j2`, `.gotmpl`, …) so kexit skips it",
            ));
            continue;
        }
        let reader = reader(&src.text, m);
        for e in &m.yaml.errors {
            if matches!(
                e.kind,
                YamlErrorKind::DuplicateKey { .. } | YamlErrorKind::NodeBudget
            ) {
                continue;
            }
            let (line, _) = src.line_col(e.span.start);
            if reader == Reader::Unknown && !matches!(e.kind, YamlErrorKind::TooDeep | YamlErrorKind::AliasBudget) {
                let mut f = Finding::new(
                    &RULE,
                    Span::new(m.file, e.span.clone()),
                    format!("invalid YAML: {}", e.message),
                )
                .severity(Severity::Warning)
                .help("Fix the YAML: a program that reads this file fails on it (the file holds no Kubernetes object and no Compose service, so kexit cannot tell which program)");
                if let Some((r, why)) = &e.note {
                    f = f.label(Span::new(m.file, r.clone()), why.clone());
                }
                out.push(f);
                continue;
            }
            let help = match (&e.kind, reader) {
                (YamlErrorKind::TooDeep | YamlErrorKind::AliasBudget, _) => "Flatten the document; kexit stops reading this file here",
                (_, Reader::Compose) => "Fix the YAML; docker compose fails to load the project",
                (YamlErrorKind::Tag, _) => "Remove the tag or fix the value; kubectl rejects the whole file, so none of its objects is applied",
                _ => "Fix the YAML; kubectl rejects the whole file, so none of its objects is applied",
            };
            let symptom = if reader == Reader::Compose {
                format!("yaml: line {line}: {}", e.message)
            } else {
                format!(
                    "error: error parsing {}: error converting YAML to JSON: yaml: line {line}: {}",
                    src.path, e.message
                )
            };
            let mut f = Finding::new(
                &RULE,
                Span::new(m.file, e.span.clone()),
                format!("invalid YAML: {}", e.message),
            )
            .help(help)
            .symptom(symptom);
            if let Some((r, why)) = &e.note {
                f = f.label(Span::new(m.file, r.clone()), why.clone());
            }
            out.push(f);
        }
    }
}

/// Which program reads the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    Kubectl,
    Compose,
    /// Neither: a tool's configuration, a YAML parser's test input, …
    Unknown,
}

/// Which program the file is meant for: kubectl when a parsed document has `apiVersion` or
/// `kind`, or (the error may cut every document short) a line holds an `apiVersion:` key or a
/// top-level `kind:`; docker compose when a document or a top-level line has `services`.
fn reader(text: &str, m: &crate::project::Manifest) -> Reader {
    let docs = &m.yaml.docs;
    let kube_line = |l: &str| {
        let t = l.trim_start().trim_start_matches("- ").trim_start();
        t.starts_with("apiVersion:") || t.starts_with("\"apiVersion\":") || l.starts_with("kind:")
    };
    if docs
        .iter()
        .any(|d| d.root.get("apiVersion").is_some() || d.root.get("kind").is_some())
        || text.lines().any(kube_line)
    {
        return Reader::Kubectl;
    }
    if docs.iter().any(|d| d.root.get("services").is_some())
        || text.lines().any(|l| l.starts_with("services:"))
    {
        return Reader::Compose;
    }
    Reader::Unknown
}
