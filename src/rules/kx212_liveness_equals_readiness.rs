//! KX212 liveness-equals-readiness: Liveness probe identical to readiness probe.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX212",
    name: "liveness-equals-readiness",
    severity: Severity::Warning,
    exit_code: Some(137),
    summary: "Liveness probe identical to readiness probe",
    doc: include_str!("../../rules/KX212.md"),
    check: no_check,
};
