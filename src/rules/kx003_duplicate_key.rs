//! KX003 duplicate-key: Key repeated in one YAML mapping; the last value silently wins.

use crate::meta;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    meta: &meta::KX003,
    check: no_check,
};
