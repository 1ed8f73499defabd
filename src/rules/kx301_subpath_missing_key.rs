//! KX301 subpath-missing-key: subPath names a path absent from the projected volume; an empty directory is mounted.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX301",
    name: "subpath-missing-key",
    severity: Severity::Error,
    exit_code: Some(126),
    summary: "subPath names a path absent from the projected volume; an empty directory is mounted",
    doc: include_str!("../../rules/KX301.md"),
    check: no_check,
};
