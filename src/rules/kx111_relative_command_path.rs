//! KX111 relative-command-path: Relative command path does not resolve from the working directory.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    code: "KX111",
    name: "relative-command-path",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "Relative command path does not resolve from the working directory",
    doc: include_str!("../../rules/KX111.md"),
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    crate::argv::check_rule(model, &RULE, out);
}
