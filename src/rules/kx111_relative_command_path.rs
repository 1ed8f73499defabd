//! KX111 relative-command-path: Relative command path does not resolve from the working directory.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX111",
    name: "relative-command-path",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "Relative command path does not resolve from the working directory",
    doc: include_str!("../../rules/KX111.md"),
    check: no_check,
};
