//! KX117 path-env-missing-dir: Container env PATH omits the directory holding the command.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX117",
    name: "path-env-missing-dir",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "Container env PATH omits the directory holding the command",
    doc: include_str!("../../rules/KX117.md"),
    check: no_check,
};
