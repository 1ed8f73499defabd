//! KX215 empty-pod-resources: Empty pod-level spec.resources can make the pod BestEffort.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX215",
    name: "empty-pod-resources",
    severity: Severity::Warning,
    exit_code: Some(137),
    summary: "Empty pod-level spec.resources can make the pod BestEffort",
    doc: include_str!("../../rules/KX215.md"),
    check: no_check,
};
