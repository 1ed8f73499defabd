//! KX116 bashism-in-sh-script: bash syntax in a script run by dash or busybox sh.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    code: "KX116",
    name: "bashism-in-sh-script",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "bash syntax in a script run by dash or busybox sh",
    doc: include_str!("../../rules/KX116.md"),
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    crate::argv::check_rule(model, &RULE, out);
}
