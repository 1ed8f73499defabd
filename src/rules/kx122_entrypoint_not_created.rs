//! KX122 entrypoint-not-created: ENTRYPOINT/CMD names a path no instruction created.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX122",
    name: "entrypoint-not-created",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "ENTRYPOINT/CMD names a path no instruction created",
    doc: include_str!("../../rules/KX122.md"),
    check: no_check,
};
