//! KX109 script-bom: Script starts with a UTF-8 BOM before `#!`.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    code: "KX109",
    name: "script-bom",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "Script starts with a UTF-8 BOM before `#!`",
    doc: include_str!("../../rules/KX109.md"),
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    crate::argv::check_rule(model, &RULE, out);
}
