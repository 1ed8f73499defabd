//! KX102 exec-form-invalid-json: CMD/ENTRYPOINT looks like JSON but is not, so Docker runs it through /bin/sh -c.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX102",
    name: "exec-form-invalid-json",
    severity: Severity::Warning,
    exit_code: Some(127),
    summary: "CMD/ENTRYPOINT looks like JSON but is not, so Docker runs it through /bin/sh -c",
    doc: include_str!("../../rules/KX102.md"),
    check: no_check,
};
