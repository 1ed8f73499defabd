//! KX005 schema-type-error: Field has the wrong type for its Kubernetes schema; the API rejects the object.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX005",
    name: "schema-type-error",
    severity: Severity::Error,
    exit_code: None,
    summary: "Field has the wrong type for its Kubernetes schema; the API rejects the object",
    doc: include_str!("../../rules/KX005.md"),
    check: no_check,
};
