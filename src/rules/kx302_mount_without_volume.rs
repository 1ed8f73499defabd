//! KX302 mount-without-volume: volumeMount names no volume; the API rejects the pod.

use crate::finding::Severity;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    code: "KX302",
    name: "mount-without-volume",
    severity: Severity::Error,
    exit_code: None,
    summary: "volumeMount names no volume; the API rejects the pod",
    doc: include_str!("../../rules/KX302.md"),
    check: no_check,
};
