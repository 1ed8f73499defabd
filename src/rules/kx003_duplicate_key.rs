//! KX003 duplicate-key: Key repeated in one YAML mapping; the last value silently wins.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX003",
    name: "duplicate-key",
    severity: Severity::Warning,
    exit_code: None,
    summary: "Key repeated in one YAML mapping; kubectl's strict validation rejects the object",
    doc: include_str!("../../rules/KX003.md"),
    check: no_check,
};
