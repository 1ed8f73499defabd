//! KX006 yaml11-scalar: Unquoted scalar that YAML 1.1 reads as a bool or number where a string is required.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX006",
    name: "yaml11-scalar",
    severity: Severity::Warning,
    exit_code: None,
    summary: "Unquoted scalar that YAML 1.1 reads as a bool or number where a string is required",
    doc: include_str!("../../rules/KX006.md"),
    check: no_check,
};
