//! KX205 memory-limit-too-small: Memory limit too small for any runtime.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX205",
    name: "memory-limit-too-small",
    severity: Severity::Error,
    exit_code: Some(137),
    summary: "Memory limit too small for any runtime",
    doc: include_str!("../../rules/KX205.md"),
    check: no_check,
};
