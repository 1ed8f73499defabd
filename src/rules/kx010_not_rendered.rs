//! KX010 not-rendered: A Helm chart whose templates were not rendered, so not linted.

use crate::meta;
use crate::rules::{no_check, Rule};

/// Findings come from the CLI's chart detection (src/render.rs), before the model is built.
pub static RULE: Rule = Rule {
    meta: &meta::KX010,
    check: no_check,
};
