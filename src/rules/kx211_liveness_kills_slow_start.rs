//! KX211 liveness-kills-slow-start: Liveness probe kills the container before a slow start completes.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX211",
    name: "liveness-kills-slow-start",
    severity: Severity::Warning,
    exit_code: Some(137),
    summary: "Liveness probe kills the container before a slow start completes",
    doc: include_str!("../../rules/KX211.md"),
    check: no_check,
};
