//! KX304 mount-hides-command: A volume mounted over the directory holding the command hides it.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX304",
    name: "mount-hides-command",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "A volume mounted over the directory holding the command hides it",
    doc: include_str!("../../rules/KX304.md"),
    check: no_check,
};
