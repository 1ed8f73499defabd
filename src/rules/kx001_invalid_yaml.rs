//! KX001 invalid-yaml: File is not valid YAML; kubectl rejects the whole file.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX001",
    name: "invalid-yaml",
    severity: Severity::Error,
    exit_code: None,
    summary: "File is not valid YAML; kubectl rejects the whole file",
    doc: include_str!("../../rules/KX001.md"),
    check: no_check,
};
