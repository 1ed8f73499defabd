//! KX106 bash-missing: bash is needed but the image has only busybox/ash.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    code: "KX106",
    name: "bash-missing",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "bash is needed but the image has only busybox/ash",
    doc: include_str!("../../rules/KX106.md"),
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    crate::argv::check_rule(model, &RULE, out);
}
