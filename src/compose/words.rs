//! How Compose turns a `command:`/`entrypoint:` string into argv: compose-go decodes a string
//! with go-shellwords' `Parse` (no environment or backtick expansion, no shell run). Its rules:
//! blanks (space, tab, CR, LF) separate words; single quotes keep everything literally; double
//! quotes keep blanks; a backslash outside single quotes takes the next character literally (also
//! inside double quotes); `$(`…`)` is kept as literal text; a `(` anywhere else is an error
//! ("invalid command line string"), as is an unclosed quote or a trailing backslash; and an
//! unquoted `;`, `&`, `|`, `<` or `>` silently ends the parse: the words before it are the whole
//! command and the rest of the string is dropped (Compose does not look at where the parse stopped).

use std::ops::Range;

/// One word of a split string: its text and the byte range (in the input string) it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitWord {
    pub text: String,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Split {
    pub words: Vec<SplitWord>,
    /// Where an unquoted `;`/`&`/`|`/`<`/`>` ended the parse (byte range of the dropped rest).
    pub dropped: Option<Range<usize>>,
    /// The string is rejected by Compose ("invalid command line string").
    pub invalid: bool,
}

/// Split `line` as compose-go (go-shellwords `Parse`) does.
pub fn split(line: &str) -> Split {
    let mut out = Split::default();
    let mut buf = String::new();
    let mut start: Option<usize> = None;
    let (mut escaped, mut dq, mut sq, mut bq, mut dollar) = (false, false, false, false, false);
    let mut got = false;
    let mut end = 0;
    let push = |out: &mut Split, buf: &mut String, start: &mut Option<usize>, end: usize| {
        let s = start.take().unwrap_or(end);
        out.words.push(SplitWord {
            text: std::mem::take(buf),
            range: s..end,
        });
    };
    for (i, r) in line.char_indices() {
        let next = i + r.len_utf8();
        if escaped {
            buf.push(r);
            escaped = false;
            end = next;
            continue;
        }
        if r == '\\' {
            start.get_or_insert(i);
            if sq {
                buf.push(r);
            } else {
                escaped = true;
            }
            end = next;
            continue;
        }
        if matches!(r, ' ' | '\t' | '\r' | '\n') {
            if sq || dq || bq || dollar {
                buf.push(r);
                end = next;
            } else if got {
                push(&mut out, &mut buf, &mut start, end);
                got = false;
            } else {
                start = None;
            }
            continue;
        }
        match r {
            '`' if !sq && !dq && !dollar => bq = !bq,
            ')' if !sq && !dq && !bq => dollar = !dollar,
            '(' if !sq && !dq && !bq => {
                if !dollar && buf.ends_with('$') {
                    dollar = true;
                    buf.push('(');
                    end = next;
                    continue;
                }
                out.invalid = true;
                return out;
            }
            '"' if !sq && !dollar => {
                start.get_or_insert(i);
                if dq && buf.is_empty() {
                    got = true;
                }
                dq = !dq;
                end = next;
                continue;
            }
            '\'' if !dq && !dollar => {
                start.get_or_insert(i);
                if sq && buf.is_empty() {
                    got = true;
                }
                sq = !sq;
                end = next;
                continue;
            }
            ';' | '&' | '|' | '<' | '>' if !(sq || dq || bq || dollar) => {
                let mut cut = i;
                if r == '>' && buf.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                    // `2>file`: the digit belongs to the redirection, not to a word.
                    got = false;
                    cut = start.unwrap_or(i);
                }
                out.dropped = Some(cut..line.len());
                break;
            }
            _ => {}
        }
        start.get_or_insert(i);
        got = true;
        buf.push(r);
        end = next;
    }
    if got {
        push(&mut out, &mut buf, &mut start, end);
    }
    if out.dropped.is_none() && (escaped || sq || dq || bq || dollar) {
        out.invalid = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        split(s).words.into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn words_quotes_and_escapes() {
        assert_eq!(
            texts("python app.py --port 80"),
            ["python", "app.py", "--port", "80"]
        );
        assert_eq!(texts(r#"sh -c "echo a  b""#), ["sh", "-c", "echo a  b"]);
        assert_eq!(texts("echo 'it''s'"), ["echo", "its"]);
        assert_eq!(texts(r#"a\ b "x\"y""#), ["a b", "x\"y"]);
        assert_eq!(texts(r#"echo "" x"#), ["echo", "", "x"]);
        assert_eq!(texts("  lead\ttab\n"), ["lead", "tab"]);
        assert_eq!(texts("echo $(date)"), ["echo", "$(date)"]);
        assert_eq!(texts("echo $HOME ${X}"), ["echo", "$HOME", "${X}"]);
    }

    #[test]
    fn ranges_point_into_the_input() {
        let s = split(r#"run "a b" c"#);
        assert_eq!(s.words[0].range, 0..3);
        assert_eq!(s.words[1].range, 4..9);
        assert_eq!(s.words[2].range, 10..11);
    }

    #[test]
    fn operators_end_the_parse_silently() {
        let s = split("./migrate.sh && ./run.sh");
        assert_eq!(s.words.len(), 1);
        assert_eq!(s.words[0].text, "./migrate.sh");
        assert_eq!(s.dropped, Some(13..24));
        assert!(!s.invalid);
        assert_eq!(texts("a 'x;y' b"), ["a", "x;y", "b"]);
        assert_eq!(texts("cmd 2>/dev/null"), ["cmd"]);
    }

    #[test]
    fn invalid_strings() {
        assert!(split("echo 'open").invalid);
        assert!(split("f(x)").invalid);
        assert!(split("trailing\\").invalid);
        assert!(!split("ok").invalid);
    }
}
