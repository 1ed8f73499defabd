//! KX303 items-key-missing: ConfigMap/Secret volume item key absent; volume setup fails.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX303",
    name: "items-key-missing",
    severity: Severity::Error,
    exit_code: None,
    summary: "ConfigMap/Secret volume item key absent; volume setup fails",
    doc: include_str!("../../rules/KX303.md"),
    check: no_check,
};
