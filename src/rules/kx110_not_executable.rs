//! KX110 not-executable: Executed file lacks the exec bit.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    code: "KX110",
    name: "not-executable",
    severity: Severity::Error,
    exit_code: Some(126),
    summary: "Executed file lacks the exec bit",
    doc: include_str!("../../rules/KX110.md"),
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    crate::argv::check_rule(model, &RULE, out);
}
