//! KX214 qos-intent-not-met: Declared QoS intent is not what Kubernetes will assign.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX214",
    name: "qos-intent-not-met",
    severity: Severity::Error,
    exit_code: Some(137),
    summary: "Declared QoS intent is not what Kubernetes will assign",
    doc: include_str!("../../rules/KX214.md"),
    check: no_check,
};
