//! The kubelet's `$(VAR)` expansion (`third_party/forked/golang/expansion/expand.go`).

use super::{Env, Lookup};
use crate::budget::Budget;
use std::borrow::Cow;
use std::ops::Range;

/// What a `$(NAME)` reference resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefStatus {
    Defined,
    DefinedUnknown,
    MaybeDefined,
    /// Stays the literal text `$(NAME)`.
    Undefined,
}

/// One `$(NAME)` reference found by the expander.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// Byte range of the whole `$(NAME)` in the input string.
    pub range: Range<usize>,
    pub status: RefStatus,
}

/// The result of [`expand`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    /// The expanded text. References whose value kexit does not know are left as `$(NAME)`.
    /// When the expansion ran out of budget, the input as written.
    pub text: String,
    /// Every reference, in order.
    pub refs: Vec<VarRef>,
    /// True when `text` is exactly what the kubelet produces (every reference is Defined or
    /// Undefined).
    pub exact: bool,
    /// The expansion would outgrow the budget ([`crate::budget`]): it stopped, and its value
    /// is unknown (KX011).
    pub over_budget: bool,
}

impl Expanded {
    /// References that certainly stay literal.
    pub fn undefined_refs(&self) -> impl Iterator<Item = &VarRef> {
        self.refs
            .iter()
            .filter(|r| r.status == RefStatus::Undefined)
    }
}

/// Expand `$(NAME)` references against a container environment, exactly as the kubelet does,
/// within a budget of its own (one value).
pub fn expand(input: &str, env: &Env<'_>) -> Expanded {
    expand_in(input, env, &mut Budget::new())
}

/// [`expand`], charging the substituted bytes to `budget` (the container's environment).
pub fn expand_in(input: &str, env: &Env<'_>, budget: &mut Budget) -> Expanded {
    let mut refs = Vec::new();
    let mut exact = true;
    let (text, complete) = expand_core(input, budget, |name, range| {
        let l = env.get(name);
        refs.push(VarRef {
            name: name.to_string(),
            range,
            status: l.status(),
        });
        match l {
            Lookup::Defined(v) => Some(Cow::Borrowed(v)),
            Lookup::Undefined => None,
            Lookup::DefinedUnknown | Lookup::MaybeDefined => {
                exact = false;
                None
            }
        }
    });
    if !complete {
        return Expanded {
            text: input.to_string(),
            refs,
            exact: false,
            over_budget: true,
        };
    }
    Expanded {
        text,
        refs,
        exact,
        over_budget: false,
    }
}

/// The kubelet's `expansion.Expand` with a mapping that returns None for undefined names (which
/// then stay `$(NAME)`, as `MappingFuncFor` does). None when the result would outgrow
/// [`crate::budget::MAX_VALUE`].
pub fn expand_with(input: &str, mut mapping: impl FnMut(&str) -> Option<String>) -> Option<String> {
    let (text, complete) = expand_core(input, &mut Budget::new(), |name, _| {
        mapping(name).map(Cow::Owned)
    });
    complete.then_some(text)
}

/// Port of `expand.go`: `$$` → `$`; `$(NAME)` → mapping; an unterminated `$(` is kept; `$x`
/// (any other byte) is kept; a trailing `$` is kept. The callback also gets the byte range of
/// the reference. Every substituted value is charged to `budget`; when one does not fit, the
/// scan still visits every reference (the callback sees them all) but substitutes nothing more,
/// and the second result is false.
fn expand_core<'v>(
    input: &str,
    budget: &mut Budget,
    mut mapping: impl FnMut(&str, Range<usize>) -> Option<Cow<'v, str>>,
) -> (String, bool) {
    let bytes = input.as_bytes();
    let mut buf: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut complete = true;
    let mut checkpoint = 0;
    let mut cursor = 0;
    // No `)` from this index on (found once): later unclosed `$(` are not rescanned, so a value
    // of a million unclosed `$(` is one pass, not a million.
    let mut no_close_from = usize::MAX;
    while cursor < bytes.len() {
        if bytes[cursor] == b'$' && cursor + 1 < bytes.len() {
            buf.extend_from_slice(&bytes[checkpoint..cursor]);
            let rest = &bytes[cursor + 1..];
            let advance = match rest[0] {
                b'$' => {
                    buf.push(b'$');
                    1
                }
                b'(' => match (cursor + 2 < no_close_from)
                    .then(|| rest.iter().skip(1).position(|&b| b == b')'))
                    .flatten()
                {
                    Some(p) => {
                        let close = p + 1; // index in rest
                        let name = String::from_utf8_lossy(&rest[1..close]);
                        let range = cursor..cursor + 1 + close + 1;
                        match mapping(&name, range) {
                            Some(v) if complete => {
                                if budget.take(buf.len(), v.len()) {
                                    buf.extend_from_slice(v.as_bytes());
                                } else {
                                    complete = false;
                                }
                            }
                            Some(_) => {}
                            None => {
                                buf.extend_from_slice(b"$(");
                                buf.extend_from_slice(name.as_bytes());
                                buf.push(b')');
                            }
                        }
                        close + 1
                    }
                    None => {
                        no_close_from = no_close_from.min(cursor + 2);
                        buf.extend_from_slice(b"$(");
                        1
                    }
                },
                other => {
                    buf.push(b'$');
                    buf.push(other);
                    1
                }
            };
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    if checkpoint < bytes.len() {
        buf.extend_from_slice(&bytes[checkpoint..]);
    }
    if !complete {
        return (String::new(), false);
    }
    let text = String::from_utf8(buf)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (text, true)
}
