//! KX002 invalid-dockerfile: Dockerfile syntax error; docker build fails.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX002",
    name: "invalid-dockerfile",
    severity: Severity::Error,
    exit_code: None,
    summary: "Dockerfile syntax error; docker build fails",
    doc: include_str!("../../rules/KX002.md"),
    check: no_check,
};
