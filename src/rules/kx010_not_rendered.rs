//! KX010 not-rendered: A Helm chart whose templates were not rendered, so not linted.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

/// Findings come from the CLI's chart detection (src/render.rs), before the model is built.
pub static RULE: Rule = Rule {
    code: "KX010",
    name: "not-rendered",
    severity: Severity::Info,
    exit_code: None,
    summary: "Helm chart not rendered; its templates were not linted",
    doc: include_str!("../../rules/KX010.md"),
    check: no_check,
};
