//! KX008 unused-suppression: A kexit suppression that silences nothing.

use crate::meta;
use crate::rules::{no_check, Rule};

pub static RULE: Rule = Rule {
    meta: &meta::KX008,
    check: no_check,
};
