//! KX206 memory-emptydir-no-size-limit: emptyDir medium Memory without sizeLimit counts against the memory limit.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX206",
    name: "memory-emptydir-no-size-limit",
    severity: Severity::Warning,
    exit_code: Some(137),
    summary: "emptyDir medium Memory without sizeLimit counts against the memory limit",
    doc: include_str!("../../rules/KX206.md"),
    check: no_check,
};
