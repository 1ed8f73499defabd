//! KX107 script-shebang: Script has no shebang or its interpreter is absent from the image.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    code: "KX107",
    name: "script-shebang",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "Script has no shebang or its interpreter is absent from the image",
    doc: include_str!("../../rules/KX107.md"),
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    crate::argv::check_rule(model, &RULE, out);
}
