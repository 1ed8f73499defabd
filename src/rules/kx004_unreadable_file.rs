//! KX004 unreadable-file: File could not be read (binary, not UTF-8, too large, unreadable).

use crate::meta;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    meta: &meta::KX004,
    check: no_check,
};
