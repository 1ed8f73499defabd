//! KX108 script-crlf: Script has CRLF line endings; the kernel looks for `/bin/sh\r`.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX108",
    name: "script-crlf",
    severity: Severity::Error,
    exit_code: Some(127),
    summary: "Script has CRLF line endings; the kernel looks for `/bin/sh\r`",
    doc: include_str!("../../rules/KX108.md"),
    check: no_check,
};
