//! Plain-scalar resolution as kubectl does it (go-yaml v2, YAML 1.1 — semantics.md §6).

use super::node::Value;

use std::borrow::Cow;

/// Resolve a plain scalar's text.
pub fn resolve_plain(s: &str) -> Value {
    resolve_special(s).unwrap_or_else(|| Value::Str(s.into()))
}

/// [`resolve_plain`] for text the caller already owns or borrows (no copy when it is a string).
pub(crate) fn resolve_cow(s: Cow<'_, str>) -> Value {
    resolve_special(&s).unwrap_or_else(|| Value::Str(super::exact(s)))
}

/// The non-string meaning of a plain scalar, if it has one.
fn resolve_special(s: &str) -> Option<Value> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Some(Value::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Some(Value::Bool(false))
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(Value::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(Value::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(Value::Float(f64::NAN)),
        _ => {}
    }
    let first = *s.as_bytes().first()?;
    if first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.') {
        if let Some(i) = parse_int(s) {
            return Some(Value::Int(i));
        }
        if is_float(s) {
            if let Ok(f) = without_underscores(s).parse::<f64>() {
                return Some(Value::Float(f));
            }
        }
    }
    None
}

fn without_underscores(s: &str) -> Cow<'_, str> {
    if s.contains('_') {
        Cow::Owned(s.replace('_', ""))
    } else {
        Cow::Borrowed(s)
    }
}

/// go-yaml v2: underscores dropped, then Go `ParseInt(s, 0, 64)` (0x, 0o, 0b, leading-0 octal).
pub fn parse_int(s: &str) -> Option<i64> {
    let plain = without_underscores(s);
    let (neg, body) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, &plain[..]),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from_str_radix(digits, radix).ok()?;
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_float(s: &str) -> bool {
    let b = without_underscores(s);
    let b = b.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_resolution() {
        assert_eq!(resolve_plain("yes"), Value::Bool(true));
        assert_eq!(resolve_plain("off"), Value::Bool(false));
        assert_eq!(resolve_plain("0755"), Value::Int(493));
        assert_eq!(resolve_plain("0x1F"), Value::Int(31));
        assert_eq!(resolve_plain("0o644"), Value::Int(420));
        assert_eq!(resolve_plain("0b101"), Value::Int(5));
        assert_eq!(resolve_plain("1_000"), Value::Int(1000));
        assert_eq!(resolve_plain("-12"), Value::Int(-12));
        assert_eq!(resolve_plain("1.5"), Value::Float(1.5));
        assert_eq!(resolve_plain("129e6"), Value::Float(129e6));
        assert_eq!(resolve_plain("512Mi"), Value::Str("512Mi".into()));
        assert_eq!(resolve_plain("0999"), Value::Float(999.0));
        assert_eq!(resolve_plain("~"), Value::Null);
    }
}
