//! KX108 script-crlf: Script has CRLF line endings; the kernel looks for `/bin/sh^M`.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    code: "KX108",
    name: "script-crlf",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "Script has CRLF line endings; the kernel looks for `/bin/sh^M`",
    doc: include_str!("../../rules/KX108.md"),
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    crate::argv::check_rule(model, &RULE, out);
}
