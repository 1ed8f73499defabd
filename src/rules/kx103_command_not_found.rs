//! KX103 command-not-found: Command or interpreter absent from the image.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX103",
    name: "command-not-found",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "Command or interpreter absent from the image",
    doc: include_str!("../../rules/KX103.md"),
    check: no_check,
};
