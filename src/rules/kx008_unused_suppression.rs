//! KX008 unused-suppression: A kexit suppression that silences nothing.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX008",
    name: "unused-suppression",
    severity: Severity::Info,
    exit_code: None,
    summary: "A kexit suppression that silences nothing",
    doc: include_str!("../../rules/KX008.md"),
    check: no_check,
};
