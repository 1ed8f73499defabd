//! KX112 undefined-var-reference: $(VAR) in command/args is not defined in the container env and stays literal.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX112",
    name: "undefined-var-reference",
    severity: Severity::Warning,
    exit_code: Some(127),
    summary: "$(VAR) in command/args is not defined in the container env and stays literal",
    doc: include_str!("../../rules/KX112.md"),
    check: no_check,
};
