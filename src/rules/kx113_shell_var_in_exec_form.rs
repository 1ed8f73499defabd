//! KX113 shell-var-in-exec-form: $VAR or ${VAR} in exec form is never expanded without a shell.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX113",
    name: "shell-var-in-exec-form",
    severity: Severity::Warning,
    exit_code: Some(127),
    summary: "$VAR or ${VAR} in exec form is never expanded without a shell",
    doc: include_str!("../../rules/KX113.md"),
    check: no_check,
};
