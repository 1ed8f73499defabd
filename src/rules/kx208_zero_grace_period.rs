//! KX208 zero-grace-period: terminationGracePeriodSeconds 0 kills without a chance to shut down.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX208",
    name: "zero-grace-period",
    severity: Severity::Warning,
    exit_code: Some(137),
    summary: "terminationGracePeriodSeconds 0 kills without a chance to shut down",
    doc: include_str!("../../rules/KX208.md"),
    check: no_check,
};
