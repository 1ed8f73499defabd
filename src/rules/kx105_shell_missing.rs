//! KX105 shell-missing: A shell is needed but the image has none.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    code: "KX105",
    name: "shell-missing",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "A shell is needed but the image has none",
    doc: include_str!("../../rules/KX105.md"),
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    crate::argv::check_rule(model, &RULE, out);
}
