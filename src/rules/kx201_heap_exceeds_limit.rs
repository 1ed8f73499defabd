//! KX201 heap-exceeds-limit: Runtime heap flag reaches or nears the container memory limit.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX201",
    name: "heap-exceeds-limit",
    severity: Severity::Error,
    exit_code: Some(137),
    summary: "Runtime heap flag reaches or nears the container memory limit",
    doc: include_str!("../../rules/KX201.md"),
    check: no_check,
};
