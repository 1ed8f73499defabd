//! KX118 arch-mismatch: Image platform differs from the node architecture the pod is pinned to.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX118",
    name: "arch-mismatch",
    severity: Severity::Error,
    exit_code: Some(126),
    summary: "Image platform differs from the node architecture the pod is pinned to",
    doc: include_str!("../../rules/KX118.md"),
    check: no_check,
};
