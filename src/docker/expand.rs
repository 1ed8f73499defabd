//! BuildKit variable expansion for Dockerfile words: `$V`, `${V}`, `${V:-d}`, `${V-d}`,
//! `${V:+x}`, `${V+x}`; the escape character protects `$`.

/// Expand `s`, looking variables up with `get`. Returns the expansion and whether every
/// referenced variable was known (`get` returned Some, or a default applied).
pub fn expand(s: &str, escape: char, get: &dyn Fn(&str) -> Option<String>) -> (String, bool) {
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
                        Some(v) => out.push_str(&v),
                        None => known = false,
                    },
                    ":-" | "-" => {
                        let set = match &val {
                            Some(v) => op == "-" || !v.is_empty(),
                            None => false,
                        };
                        if set {
                            out.push_str(val.as_deref().unwrap_or(""));
                        } else {
                            let (w, k) = expand(word, escape, get);
                            known &= k;
                            out.push_str(&w);
                        }
                    }
                    ":+" | "+" => {
                        let set = match &val {
                            Some(v) => op == "+" || !v.is_empty(),
                            None => false,
                        };
                        if set {
                            let (w, k) = expand(word, escape, get);
                            known &= k;
                            out.push_str(&w);
                        }
                    }
                    _ => {
                        // ${V:?msg} and other forms: take the value, unknown otherwise.
                        match val {
                            Some(v) => out.push_str(&v),
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
                    Some(v) => out.push_str(&v),
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
    (out, known)
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

    fn env(n: &str) -> Option<String> {
        match n {
            "V" => Some("1.2".into()),
            "E" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn buildkit_forms() {
        let e = |s: &str| expand(s, '\\', &env);
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
        assert_eq!(expand("`$V", '`', &env), ("$V".into(), true));
    }
}
