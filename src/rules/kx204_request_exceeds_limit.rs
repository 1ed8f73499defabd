//! KX204 request-exceeds-limit: Request greater than limit; the API rejects the pod.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX204",
    name: "request-exceeds-limit",
    severity: Severity::Error,
    exit_code: None,
    summary: "Request greater than limit; the API rejects the pod",
    doc: include_str!("../../rules/KX204.md"),
    check: no_check,
};
