//! KX009 invalid-quantity: Resource quantity that the API cannot parse.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX009",
    name: "invalid-quantity",
    severity: Severity::Error,
    exit_code: None,
    summary: "Resource quantity that the API cannot parse",
    doc: include_str!("../../rules/KX009.md"),
    check: no_check,
};
