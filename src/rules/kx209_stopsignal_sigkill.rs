//! KX209 stopsignal-sigkill: STOPSIGNAL SIGKILL makes every stop a kill.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX209",
    name: "stopsignal-sigkill",
    severity: Severity::Warning,
    exit_code: Some(137),
    summary: "STOPSIGNAL SIGKILL makes every stop a kill",
    doc: include_str!("../../rules/KX209.md"),
    check: no_check,
};
