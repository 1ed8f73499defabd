//! KX121 copy-from-missing-path: COPY --from names a path the source stage does not produce.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX121",
    name: "copy-from-missing-path",
    severity: Severity::Error,
    exit_code: None,
    summary: "COPY --from names a path the source stage does not produce",
    doc: include_str!("../../rules/KX121.md"),
    check: no_check,
};
