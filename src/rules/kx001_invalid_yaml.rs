//! KX001 invalid-yaml: File is not valid YAML; kubectl rejects the whole file.

use crate::meta;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    meta: &meta::KX001,
    check: no_check,
};
