//! KX207 prestop-exceeds-grace: preStop hook lasts as long as the termination grace period.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX207",
    name: "prestop-exceeds-grace",
    severity: Severity::Error,
    exit_code: Some(137),
    summary: "preStop hook lasts as long as the termination grace period",
    doc: include_str!("../../rules/KX207.md"),
    check: no_check,
};
