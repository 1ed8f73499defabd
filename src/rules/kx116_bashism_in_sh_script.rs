//! KX116 bashism-in-sh-script: bash syntax in a script run by dash or busybox sh.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX116",
    name: "bashism-in-sh-script",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "bash syntax in a script run by dash or busybox sh",
    doc: include_str!("../../rules/KX116.md"),
    check: no_check,
};
