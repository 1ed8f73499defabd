//! Compose variable interpolation (compose-go `template`) and `.env`/`env_file` reading.
//!
//! The values Compose substitutes come from the shell that runs `docker compose` and from the
//! `.env` file beside the project's first compose file. kexit only knows the file: a variable the
//! file does not set is *unknown* (never guessed as empty), and so is every string that uses it,
//! unless a `${VAR:-default}`/`${VAR-default}` default applies, which the file declares.
//! `$$` is a literal `$`. `${VAR:?err}` of an unknown variable is unknown (Compose would stop
//! with the error when the shell does not set it).

use crate::budget::{Budget, MAX_TOTAL};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// What every interpolation of one Compose project has spent of its expansion budget
/// ([`crate::budget`]): the compose files, `include` paths, `.env` and every `env_file` share it.
#[derive(Debug, Default)]
pub struct Spent {
    /// Bytes substituted so far (bounded by [`MAX_TOTAL`]; a value past it is unknown).
    used: AtomicUsize,
    /// Set when an interpolation ran out (a value, the total, the template length or the
    /// nesting of defaults), until [`Vars::take_overrun`] reads it.
    exceeded: AtomicBool,
}

/// Variables a compose file is interpolated with (from `.env`), and the project's budget.
/// Clones share the budget.
#[derive(Debug, Default, Clone)]
pub struct Vars {
    pub map: HashMap<String, String>,
    spent: Arc<Spent>,
}

/// Longest template kexit expands (bounds work on hostile input).
const MAX_LEN: usize = 64 * 1024;
/// Nesting of defaults inside defaults (`${A:-${B:-x}}`).
const MAX_DEPTH: usize = 8;

impl Vars {
    /// No variables, spending from the same budget as `self`.
    pub fn sharing_budget(&self) -> Vars {
        Vars {
            map: HashMap::new(),
            spent: self.spent.clone(),
        }
    }

    /// True when an interpolation ran out of budget since the last call (KX011 then reports
    /// the value being interpolated).
    pub fn take_overrun(&self) -> bool {
        self.spent.exceeded.swap(false, Ordering::Relaxed)
    }

    fn overrun(&self) -> Option<String> {
        self.spent.exceeded.store(true, Ordering::Relaxed);
        None
    }

    /// The string with every `$VAR`/`${…}` substituted; None when any part is unknown or the
    /// template is invalid (Compose rejects the file: kexit then knows nothing of the value),
    /// or when the expansion runs out of budget (then [`Self::take_overrun`] says so).
    pub fn interpolate(&self, s: &str) -> Option<String> {
        if !s.contains('$') {
            return Some(s.to_string());
        }
        if s.len() > MAX_LEN || self.spent.used.load(Ordering::Relaxed) >= MAX_TOTAL {
            return self.overrun();
        }
        // One value at most `budget::MAX_VALUE` long; all of them together `MAX_TOTAL`.
        let mut budget = Budget::new();
        let out = self.expand(s, 0, &mut budget);
        let used = self.spent.used.fetch_add(budget.used(), Ordering::Relaxed);
        if budget.exceeded() || used.saturating_add(budget.used()) > MAX_TOTAL {
            return self.overrun();
        }
        out
    }

    fn expand(&self, s: &str, depth: usize, budget: &mut Budget) -> Option<String> {
        if depth > MAX_DEPTH {
            // Not Compose's limit: kexit's, so the value is unchecked, not invalid.
            budget.take(usize::MAX, 0);
            return None;
        }
        let b = s.as_bytes();
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] != b'$' {
                let next = s[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&s[i..i + next]);
                i += next;
                continue;
            }
            match b.get(i + 1) {
                Some(b'$') => {
                    out.push('$');
                    i += 2;
                }
                Some(b'{') => {
                    let close = closing_brace(s, i + 1)?;
                    let inner = &s[i + 2..close];
                    let v = self.braced(inner, depth, budget)?;
                    budget.take(out.len(), v.len()).then_some(())?;
                    out.push_str(&v);
                    i = close + 1;
                }
                Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                    let mut j = i + 1;
                    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                        j += 1;
                    }
                    let v = self.map.get(&s[i + 1..j])?;
                    budget.take(out.len(), v.len()).then_some(())?;
                    out.push_str(v);
                    i = j;
                }
                // A lone `$` (compose-go: "Invalid template").
                _ => return None,
            }
        }
        Some(out)
    }

    fn braced(&self, inner: &str, depth: usize, budget: &mut Budget) -> Option<String> {
        let name_end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let name = &inner[..name_end];
        if name.is_empty() || name.as_bytes()[0].is_ascii_digit() {
            return None;
        }
        let op_rest = &inner[name_end..];
        let value = self.map.get(name);
        if op_rest.is_empty() {
            return value.cloned();
        }
        let (op, arg) = ["?", ":?", "-", ":-", "+", ":+"]
            .iter()
            .filter(|op| op_rest.starts_with(**op))
            .max_by_key(|op| op.len())
            .map(|op| (*op, &op_rest[op.len()..]))?;
        let set = value.is_some();
        let non_empty = value.is_some_and(|v| !v.is_empty());
        match op {
            ":-" if non_empty => value.cloned(),
            "-" if set => value.cloned(),
            ":-" | "-" => self.expand(arg, depth + 1, budget),
            ":+" if non_empty => self.expand(arg, depth + 1, budget),
            "+" if set => self.expand(arg, depth + 1, budget),
            // Unset in the file: the shell may set it, so the result is unknown.
            ":+" | "+" => None,
            ":?" if non_empty => value.cloned(),
            "?" if set => value.cloned(),
            _ => None,
        }
    }
}

/// Index of the `}` closing the `{` at `open` (nested braces counted).
fn closing_brace(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, c) in s[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + k);
                }
            }
            _ => {}
        }
    }
    None
}

/// One `KEY=VALUE` line of a `.env` or `env_file`: name, value (None when the line only names
/// the variable, which Compose then takes from the shell: unknown), and the line's byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvLine {
    pub name: String,
    pub value: Option<String>,
    pub range: std::ops::Range<usize>,
    /// The value's interpolation ran out of the project's budget (KX011): unknown, unchecked.
    pub over_budget: bool,
}

impl super::merged::Keyed for EnvLine {
    fn key(&self) -> &str {
        &self.name
    }
}

/// Parse a dotenv file (compose-go `dotenv`): `#` comments, optional `export `, single-quoted
/// values literal, double-quoted values with `\n`-style escapes, unquoted values trimmed and cut
/// at ` #`. `${VAR}` inside unquoted and double-quoted values is expanded from earlier lines
/// (unknown when not set there), spending from `budget`'s budget.
pub fn parse_dotenv(text: &str, budget: &Vars) -> Vec<EnvLine> {
    let mut out: Vec<EnvLine> = Vec::new();
    let mut known = budget.sharing_budget();
    let mut pos = 0;
    for raw in text.split_inclusive('\n') {
        let range = pos..pos + raw.trim_end().len();
        pos += raw.len();
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            let name = line.trim();
            if !name.is_empty() && !name.contains(char::is_whitespace) {
                out.push(EnvLine {
                    name: name.to_string(),
                    value: None,
                    range,
                    over_budget: false,
                });
            }
            continue;
        };
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            continue;
        }
        let v = value.trim_start();
        let value = if let Some(rest) = v.strip_prefix('\'') {
            rest.rfind('\'').map(|e| rest[..e].to_string())
        } else if let Some(rest) = v.strip_prefix('"') {
            rest.rfind('"')
                .map(|e| unescape(&rest[..e]))
                .and_then(|s| known.interpolate(&s))
        } else {
            let v = match v.find(" #") {
                Some(c) => &v[..c],
                None => v,
            };
            known.interpolate(v.trim_end())
        };
        if let Some(v) = &value {
            known.map.insert(name.to_string(), v.clone());
        } else {
            known.map.remove(name);
        }
        out.push(EnvLine {
            name: name.to_string(),
            value,
            range,
            over_budget: known.take_overrun(),
        });
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

impl Vars {
    /// The variables of a `.env` file, with a fresh budget, and the range of the first line
    /// whose interpolation ran out of it.
    pub fn from_dotenv(text: &str) -> (Vars, Option<std::ops::Range<usize>>) {
        let mut v = Vars::default();
        let mut overrun = None;
        for l in parse_dotenv(text, &v.sharing_budget()) {
            if l.over_budget && overrun.is_none() {
                overrun = Some(l.range.clone());
            }
            if let Some(val) = l.value {
                v.map.insert(l.name, val);
            }
        }
        (v, overrun)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        Vars::from_dotenv("TAG=1.2\nEMPTY=\n# c\nexport CMD='python app.py'\nQ=\"a\\nb\"\n").0
    }

    #[test]
    fn substitutes_known_and_defaults() {
        let v = vars();
        assert_eq!(v.interpolate("img:${TAG}").as_deref(), Some("img:1.2"));
        assert_eq!(v.interpolate("img:$TAG").as_deref(), Some("img:1.2"));
        assert_eq!(v.interpolate("$${X} $$").as_deref(), Some("${X} $"));
        assert_eq!(v.interpolate("${NOPE:-d}").as_deref(), Some("d"));
        assert_eq!(v.interpolate("${EMPTY:-d}").as_deref(), Some("d"));
        assert_eq!(v.interpolate("${EMPTY-d}").as_deref(), Some(""));
        assert_eq!(v.interpolate("${NOPE:-${TAG}}").as_deref(), Some("1.2"));
        assert_eq!(v.interpolate("${CMD}").as_deref(), Some("python app.py"));
        assert_eq!(v.interpolate("${Q}").as_deref(), Some("a\nb"));
        assert_eq!(v.interpolate("${TAG:?need}").as_deref(), Some("1.2"));
        assert_eq!(v.interpolate("${TAG:+x}").as_deref(), Some("x"));
    }

    #[test]
    fn unknown_stays_unknown() {
        let v = vars();
        assert_eq!(v.interpolate("${NOPE}"), None);
        assert_eq!(v.interpolate("$NOPE"), None);
        assert_eq!(v.interpolate("${NOPE:?set it}"), None);
        assert_eq!(v.interpolate("${NOPE:+x}"), None);
        assert_eq!(v.interpolate("${unclosed"), None);
        assert_eq!(v.interpolate("a $ b"), None);
    }

    #[test]
    fn dotenv_lines() {
        let l = parse_dotenv("A=1 # note\nB\n  C = ' x '\n", &Vars::default());
        assert_eq!(l[0].value.as_deref(), Some("1"));
        assert_eq!(l[1].value, None);
        assert_eq!(l[2].name, "C");
        assert_eq!(l[2].value.as_deref(), Some(" x "));
    }
}
