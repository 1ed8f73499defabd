//! KX001 invalid-yaml: File is not valid YAML; kubectl rejects the whole file.
//!
//! The YAML front end (`yaml::parse`) records each error with its span on the parsed file; this
//! rule reports every one but duplicate keys (KX003) and the node budget (KX011).

use crate::finding::Finding;
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
        for e in &m.yaml.errors {
            if matches!(
                e.kind,
                YamlErrorKind::DuplicateKey { .. } | YamlErrorKind::NodeBudget
            ) {
                continue;
            }
            let (line, _) = src.line_col(e.span.start);
            let help = match e.kind {
                YamlErrorKind::Tag => "Remove the tag or fix the value; kubectl rejects the whole file, so none of its objects is applied",
                YamlErrorKind::TooDeep | YamlErrorKind::AliasBudget => "Flatten the document; kexit stops reading this file here",
                _ => "Fix the YAML; kubectl rejects the whole file, so none of its objects is applied",
            };
            let mut f = Finding::new(
                &RULE,
                Span::new(m.file, e.span.clone()),
                format!("invalid YAML: {}", e.message),
            )
            .help(help)
            .symptom(format!(
                "error: error parsing {}: error converting YAML to JSON: yaml: line {line}: {}",
                src.path, e.message
            ));
            if let Some((r, why)) = &e.note {
                f = f.label(Span::new(m.file, r.clone()), why.clone());
            }
            out.push(f);
        }
    }
}
