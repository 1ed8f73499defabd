//! KX115 libc-mismatch: glibc-linked binary copied into a musl or libc-less image.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX115",
    name: "libc-mismatch",
    severity: Severity::Warning,
    exit_code: Some(127),
    summary: "glibc-linked binary copied into a musl or libc-less image",
    doc: include_str!("../../rules/KX115.md"),
    check: no_check,
};
