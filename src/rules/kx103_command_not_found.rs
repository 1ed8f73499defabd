//! KX103 command-not-found: Command or interpreter absent from the image.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    code: "KX103",
    name: "command-not-found",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "Command or interpreter absent from the image",
    doc: include_str!("../../rules/KX103.md"),
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    crate::argv::check_rule(model, &RULE, out);
}
