//! KX004 unreadable-file: File could not be read (binary, not UTF-8, too large, unreadable).

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX004",
    name: "unreadable-file",
    severity: Severity::Error,
    exit_code: None,
    summary: "File could not be read (binary, not UTF-8, too large, unreadable)",
    doc: include_str!("../../rules/KX004.md"),
    check: no_check,
};
