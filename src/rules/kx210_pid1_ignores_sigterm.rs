//! KX210 pid1-ignores-sigterm: PID 1 is a shell that does not forward SIGTERM.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX210",
    name: "pid1-ignores-sigterm",
    severity: Severity::Warning,
    exit_code: Some(137),
    summary: "PID 1 is a shell that does not forward SIGTERM",
    doc: include_str!("../../rules/KX210.md"),
    check: no_check,
};
