//! KX124 no-command: Neither the image nor the manifest sets a command.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX124",
    name: "no-command",
    severity: Severity::Error,
    exit_code: Some(128),
    summary: "Neither the image nor the manifest sets a command",
    doc: include_str!("../../rules/KX124.md"),
    check: no_check,
};
