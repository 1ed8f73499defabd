//! KX213 probe-undeclared-port: Probe targets a named port the container does not declare.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX213",
    name: "probe-undeclared-port",
    severity: Severity::Error,
    exit_code: Some(137),
    summary: "Probe targets a named port the container does not declare",
    doc: include_str!("../../rules/KX213.md"),
    check: no_check,
};
