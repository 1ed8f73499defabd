//! KX008 unused-suppression: A kexit suppression that silences nothing.
//!
//! Whether a suppression silenced anything is known only after every rule ran, so the lint
//! layer (src/suppress.rs) finds the unused ones and this file words the finding.

use crate::finding::Finding;
use crate::meta;
use crate::rules::{no_check, Rule};
use crate::source::Span;

pub static RULE: Rule = Rule {
    meta: &meta::KX008,
    check: no_check,
};

/// Why a suppression (or one rule it names) silences nothing.
pub enum Unused<'a> {
    /// It can apply nowhere (an annotation naming a container the pod does not have).
    Dead(&'a str),
    /// It names no rule.
    NoRule,
    /// A name in it that is not a kexit rule.
    NotARule(&'a str),
    /// A rule it names had no finding where it applies.
    Unneeded { code: &'a str, text: &'a str },
}

/// The KX008 finding at `at`; `form` is `comment` or `annotation`.
pub fn finding(at: Span, form: &str, why: Unused<'_>) -> Finding {
    match why {
        Unused::Dead(why) => Finding::new(&RULE, at, format!("this suppression silences nothing: {why}"))
            .help("Fix the container name in the annotation key, or remove the annotation"),
        Unused::NoRule => Finding::new(&RULE, at, format!("this suppression {form} names no rule, so it silences nothing"))
            .help("Name the rules it silences and why: `# kexit:ignore KX201 -- heap is sized by the operator`"),
        Unused::NotARule(text) => Finding::new(
            &RULE,
            at,
            format!("`{text}` in this suppression {form} is not a kexit rule, so it silences nothing"),
        )
        .help("Use a rule code from `kexit rules` (e.g. KX201) or a rule name"),
        Unused::Unneeded { code, text } => Finding::new(
            &RULE,
            at,
            format!("suppression of {code} silences nothing: no {code} finding is reported where this {form} applies"),
        )
        .help(format!("Remove `{text}` from the suppression: the problem it silenced is gone (or it is on the wrong line)")),
    }
}
