//! KX120 relative-workdir: Relative WORKDIR depends on the previous one.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX120",
    name: "relative-workdir",
    severity: Severity::Warning,
    exit_code: None,
    summary: "Relative WORKDIR depends on the previous one",
    doc: include_str!("../../rules/KX120.md"),
    check: no_check,
};
