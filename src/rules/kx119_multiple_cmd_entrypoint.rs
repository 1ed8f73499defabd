//! KX119 multiple-cmd-entrypoint: More than one CMD/ENTRYPOINT/HEALTHCHECK in a stage; only the last counts.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX119",
    name: "multiple-cmd-entrypoint",
    severity: Severity::Warning,
    exit_code: None,
    summary: "More than one CMD/ENTRYPOINT/HEALTHCHECK in a stage; only the last counts",
    doc: include_str!("../../rules/KX119.md"),
    check: no_check,
};
