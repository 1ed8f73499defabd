//! KX106 bash-missing: bash is needed but the image has only busybox/ash.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX106",
    name: "bash-missing",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "bash is needed but the image has only busybox/ash",
    doc: include_str!("../../rules/KX106.md"),
    check: no_check,
};
