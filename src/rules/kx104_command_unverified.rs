//! KX104 command-unverified: Command could not be verified against the image.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    code: "KX104",
    name: "command-unverified",
    severity: Severity::Warning,
    exit_code: Some(127),
    summary: "Command could not be verified against the image",
    doc: include_str!("../../rules/KX104.md"),
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    crate::argv::check_rule(model, &RULE, out);
}
