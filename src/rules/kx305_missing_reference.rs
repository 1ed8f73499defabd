//! KX305 missing-reference: Referenced ConfigMap/Secret not found in the tree.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX305",
    name: "missing-reference",
    severity: Severity::Warning,
    exit_code: None,
    summary: "Referenced ConfigMap/Secret not found in the tree",
    doc: include_str!("../../rules/KX305.md"),
    check: no_check,
};
