//! KX202 no-memory-limit: Container has no memory limit.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX202",
    name: "no-memory-limit",
    severity: Severity::Warning,
    exit_code: Some(137),
    summary: "Container has no memory limit",
    doc: include_str!("../../rules/KX202.md"),
    check: no_check,
};
