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
        assert_eq!(expand(&u("\"${V}\"/x"), '\\', &env), ("1.2/x".into(), true));
        assert_eq!(expand(&u("'$V'"), '\\', &env), ("$V".into(), true));
        assert_eq!(expand(&u("\\$V"), '\\', &env), ("$V".into(), true));
        assert_eq!(expand(&u("\"\\$V\""), '\\', &env), ("$V".into(), true));
        // A backtick escape character (`# escape=`): backslashes are plain.
        assert_eq!(unquote("\"C:\\app\"", '`'), "C:\\app");
        assert_eq!(unquote("C:\\app`$x", '`'), "C:\\app`$x");
        // Unterminated: the rest of the word.
        assert_eq!(u("\"/app"), "/app");
    }
}
