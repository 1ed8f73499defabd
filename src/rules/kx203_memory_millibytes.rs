//! KX203 memory-millibytes: Memory quantity with a lowercase `m` (millibytes).

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX203",
    name: "memory-millibytes",
    severity: Severity::Error,
    exit_code: None,
    summary: "Memory quantity with a lowercase `m` (millibytes)",
    doc: include_str!("../../rules/KX203.md"),
    check: no_check,
};
