//! KX306 mode-not-octal: defaultMode/mode written as decimal-looking octal or out of range.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX306",
    name: "mode-not-octal",
    severity: Severity::Warning,
    exit_code: Some(126),
    summary: "defaultMode/mode written as decimal-looking octal or out of range",
    doc: include_str!("../../rules/KX306.md"),
    check: no_check,
};
