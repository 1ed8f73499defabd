//! KX110 not-executable: Executed file lacks the exec bit.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX110",
    name: "not-executable",
    severity: Severity::Error,
    exit_code: Some(126),
    summary: "Executed file lacks the exec bit",
    doc: include_str!("../../rules/KX110.md"),
    check: no_check,
};
