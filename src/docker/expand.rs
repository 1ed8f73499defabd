//! BuildKit variable expansion for Dockerfile words: `$V`, `${V}`, `${V:-d}`, `${V-d}`,
//! `${V:+x}`, `${V+x}`; the escape character protects `$`. Bounded by a [`Budget`]
//! (`crate::budget`): a value that would outgrow it stays as written, unknown.

use crate::budget::Budget;
use std::borrow::Cow;

/// Deepest nesting of defaults inside defaults (`${A:-${B:-x}}`) that is followed.
const MAX_DEPTH: usize = 8;

/// A variable lookup: the value, borrowed where the caller holds it.
pub type Get<'g, 'v> = &'g dyn Fn(&str) -> Option<Cow<'v, str>>;

/// Expand `s`, looking variables up with `get`. Returns the expansion and whether every
/// referenced variable was known (`get` returned Some, or a default applied). Substituted bytes
/// are charged to `budget` (the stage's): when they do not fit, or the budget already ran out,
/// the result is `s` as written and unknown.
pub fn expand(s: &str, escape: char, get: Get<'_, '_>, budget: &mut Budget) -> (String, bool) {
    if budget.exceeded() {
        return (s.to_string(), false);
    }
    match expand_at(s, escape, get, budget, 0) {
        Some(r) => r,
        None => (s.to_string(), false),
    }
}

/// Append `v` to `out` within the budget (None when it does not fit).
fn push(out: &mut String, v: &str, budget: &mut Budget) -> Option<()> {
    budget.take(out.len(), v.len()).then(|| out.push_str(v))
}

fn expand_at(
    s: &str,
    escape: char,
    get: Get<'_, '_>,
    budget: &mut Budget,
    depth: usize,
) -> Option<(String, bool)> {
    if depth > MAX_DEPTH {
        return Some((String::new(), false));
    }
    let mut out = String::with_capacity(s.len());
    let mut known = true;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == escape && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        // `$` at the end or before a non-name char: literal.
        match chars.get(i + 1) {
            Some('{') => {
                let Some(close) = chars[i + 2..].iter().position(|c| *c == '}') else {
                    out.extend(&chars[i..]);
                    break;
                };
                let inner: String = chars[i + 2..i + 2 + close].iter().collect();
                i += 3 + close;
                let (name, op, word) = split_modifier(&inner);
                let val = get(name);
                match op {
                    "" => match val {
                        Some(v) => push(&mut out, &v, budget)?,
                        None => known = false,
                    },
                    ":-" | "-" => {
                        let set = match &val {
                            Some(v) => op == "-" || !v.is_empty(),
                            None => false,
                        };
                        if set {
                            push(&mut out, val.as_deref().unwrap_or(""), budget)?;
                        } else {
                            let (w, k) = expand_at(word, escape, get, budget, depth + 1)?;
                            known &= k;
                            push(&mut out, &w, budget)?;
                        }
                    }
                    ":+" | "+" => {
                        let set = match &val {
                            Some(v) => op == "+" || !v.is_empty(),
                            None => false,
                        };
                        if set {
                            let (w, k) = expand_at(word, escape, get, budget, depth + 1)?;
                            known &= k;
                            push(&mut out, &w, budget)?;
                        }
                    }
                    _ => {
                        // ${V:?msg} and other forms: take the value, unknown otherwise.
                        match val {
                            Some(v) => push(&mut out, &v, budget)?,
                            None => known = false,
                        }
                    }
                }
            }
            Some(n) if n.is_ascii_alphabetic() || *n == '_' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                let name: String = chars[start..j].iter().collect();
                match get(&name) {
                    Some(v) => push(&mut out, &v, budget)?,
                    None => known = false,
                }
                i = j;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    Some((out, known))
}

/// BuildKit's word processing (`frontend/dockerfile/shell/lex.go`) without the variable
/// expansion, which [`expand`] does later: quotes are removed and escapes resolved, the way
/// `WORKDIR "/app"`, `COPY --from="builder" "/out/app" …` and `USER 'app'` reach the build.
///
/// - outside quotes, the escape character makes the next character literal (a trailing escape
///   is dropped);
/// - `'…'` is literal (no escapes);
/// - `"…"`: the escape character escapes only `"`, `$` and itself, and is kept before anything
///   else (`"C:\app"` stays `C:\app`);
/// - an unterminated quote runs to the end of the word (BuildKit fails the build there, which
///   is KX002's concern, not this word's).
///
/// A `$` stays as written when it starts a reference, so [`expand`] still sees `$V` and `${V}`;
/// a `$` made literal by quotes or an escape comes out as escape + `$`, which [`expand`] turns
/// into a plain `$`.
pub fn unquote(s: &str, escape: char) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let literal_dollar = |out: &mut String| {
        out.push(escape);
        out.push('$');
    };
    while let Some(c) = chars.next() {
        if c == escape {
            match chars.next() {
                Some('$') => literal_dollar(&mut out),
                Some(n) => out.push(n),
                None => {}
            }
        } else if c == '\'' {
            for n in chars.by_ref() {
                match n {
                    '\'' => break,
                    '$' => literal_dollar(&mut out),
                    n => out.push(n),
                }
            }
        } else if c == '"' {
            while let Some(n) = chars.next() {
                match n {
                    '"' => break,
                    n if n == escape => match chars.peek().copied() {
                        Some('$') => {
                            chars.next();
                            literal_dollar(&mut out);
                        }
                        Some(e) if e == '"' || e == escape => {
                            chars.next();
                            out.push(e);
                        }
                        Some(_) => out.push(n),
                        None => {}
                    },
                    n => out.push(n),
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn split_modifier(inner: &str) -> (&str, &str, &str) {
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let name = &inner[..end];
    let rest = &inner[end..];
    for op in [":-", ":+", ":?", "-", "+", "?"] {
        if let Some(w) = rest.strip_prefix(op) {
            return (name, op, w);
        }
    }
    (name, rest, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(n: &str) -> Option<Cow<'static, str>> {
        match n {
            "V" => Some("1.2".into()),
            "E" => Some("".into()),
            _ => None,
        }
    }

    #[test]
    fn buildkit_forms() {
        let e = |s: &str| expand(s, '\\', &env, &mut Budget::new());
        assert_eq!(e("python:$V"), ("python:1.2".into(), true));
        assert_eq!(e("python:${V}-slim"), ("python:1.2-slim".into(), true));
        assert_eq!(e("${X:-3.12}"), ("3.12".into(), true));
        assert_eq!(e("${E:-d}"), ("d".into(), true));
        assert_eq!(e("${E-d}"), ("".into(), true));
        assert_eq!(e("${V:+set}"), ("set".into(), true));
        assert_eq!(e("${X:+set}"), ("".into(), true));
        assert_eq!(e("a$X"), ("a".into(), false));
        assert_eq!(e("\\$V"), ("$V".into(), true));
        assert_eq!(e("cost $5"), ("cost $5".into(), true));
        assert_eq!(e("${unterminated"), ("${unterminated".into(), true));
        assert_eq!(
            expand("`$V", '`', &env, &mut Budget::new()),
            ("$V".into(), true)
        );
    }

    #[test]
    fn bounded_by_budget_and_depth() {
        let big = "x".repeat(100 * 1024);
        let get = |n: &str| (n == "B").then_some(Cow::Borrowed(big.as_str()));
        let mut b = Budget::new();
        assert_eq!(expand("$B", '\\', &get, &mut b).0.len(), big.len());
        // Two copies are over the per-value limit: kept as written, unknown.
        assert_eq!(expand("$B$B", '\\', &get, &mut b), ("$B$B".into(), false));
        assert!(b.exceeded());
        // Once the stage's budget ran out, nothing more is expanded.
        assert_eq!(expand("${B}", '\\', &get, &mut b), ("${B}".into(), false));
        // Defaults inside defaults: the first `}` closes the outer one (as BuildKit reads it).
        let deep = format!("{}x{}", "${U:-".repeat(10_000), "}".repeat(10_000));
        let (x, _) = expand(&deep, '\\', &env, &mut Budget::new());
        assert_eq!(x.len(), deep.len() - "${U:-}".len());
    }

    #[test]
    fn buildkit_quote_removal() {
        let u = |s: &str| unquote(s, '\\');
        assert_eq!(u("\"/app\""), "/app");
        assert_eq!(u("'builder'"), "builder");
        assert_eq!(u("/usr/\"local\"/bin"), "/usr/local/bin");
        assert_eq!(u("\"/my app\""), "/my app");
        assert_eq!(u("plain"), "plain");
        // Outside quotes the escape makes the next character literal.
        assert_eq!(u("C:\\\\app"), "C:\\app");
        assert_eq!(u("a\\ b"), "a b");
        assert_eq!(u("trailing\\"), "trailing");
        // In double quotes it escapes only `"`, `$` and itself.
        assert_eq!(u("\"a\\\"b\""), "a\"b");
        assert_eq!(u("\"C:\\app\""), "C:\\app");
        assert_eq!(u("'a\\b'"), "a\\b");
        // References stay for expand(); quoted or escaped `$` stays literal through it.
        assert_eq!(u("\"$HOME/app\""), "$HOME/app");
        assert_eq!(
            expand(&u("\"${V}\"/x"), '\\', &env, &mut Budget::new()),
            ("1.2/x".into(), true)
        );
        assert_eq!(
            expand(&u("'$V'"), '\\', &env, &mut Budget::new()),
            ("$V".into(), true)
        );
        assert_eq!(
            expand(&u("\\$V"), '\\', &env, &mut Budget::new()),
            ("$V".into(), true)
        );
        assert_eq!(
            expand(&u("\"\\$V\""), '\\', &env, &mut Budget::new()),
            ("$V".into(), true)
        );
        // A backtick escape character (`# escape=`): backslashes are plain.
        assert_eq!(unquote("\"C:\\app\"", '`'), "C:\\app");
        assert_eq!(unquote("C:\\app`$x", '`'), "C:\\app`$x");
        // Unterminated: the rest of the word.
        assert_eq!(u("\"/app"), "/app");
    }
}
