//! KX109 script-bom: Script starts with a UTF-8 BOM before `#!`.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX109",
    name: "script-bom",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "Script starts with a UTF-8 BOM before `#!`",
    doc: include_str!("../../rules/KX109.md"),
    check: no_check,
};
