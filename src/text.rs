//! Output hygiene: the one place where text bound for a terminal or a CI log is made inert.
//!
//! File contents, file names and configuration values reach the output. A control character
//! in them (ESC starts sequences that clear the screen or write the reader's clipboard, BEL,
//! CR, C1 controls), a bidirectional override (Trojan Source) or another invisible code point
//! would act on the reader's terminal or hide text; each is written as a Rust-style escape
//! (`\u{1b}`) instead. Line feeds and tabs stay (they are the writers' own layout).

use std::borrow::Cow;

/// The width human output is wrapped to: COLUMNS when set (also for piped output), else the
/// terminal's when stdout is one (80 if it cannot be queried); `None` when piped: no wrapping.
pub fn wrap_width() -> Option<usize> {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return Some(c);
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return None;
    }
    Some(
        terminal_size::terminal_size()
            .map(|(w, _)| usize::from(w.0))
            .filter(|&w| w > 0)
            .unwrap_or(80),
    )
}

/// Where text may be broken when it is wrapped: at blanks, and for text holding wide (CJK)
/// characters also between them (Unicode line-breaking rules); never inside a word.
pub fn word_separator(text: &str) -> textwrap::WordSeparator {
    if text.chars().any(|c| (c as u32) >= 0x2e80) {
        textwrap::WordSeparator::UnicodeBreakProperties
    } else {
        textwrap::WordSeparator::AsciiSpace
    }
}

/// Whether a character must not reach a terminal raw.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Soft hyphen, Arabic letter mark, Mongolian vowel separator.
        | '\u{ad}' | '\u{61c}' | '\u{180e}'
        // Zero-width space/joiners, LRM/RLM, line/paragraph separators, bidi embeddings and
        // overrides (U+202A–U+202E), word joiner and invisible operators, bidi isolates
        // (U+2066–U+2069), deprecated format controls.
        | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        // Hangul fillers, BOM / zero-width no-break space, interlinear annotation controls.
        | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        // Tag characters.
        | '\u{e0000}'..='\u{e007f}')
}

/// `s` with every unsafe character escaped (`\u{1b}`); borrowed when nothing needs it.
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_with(s, false, is_unsafe)
}

/// Like [`escape`], but keeping well-formed SGR colour sequences (`ESC [ digits;… m`), for a
/// coloured report written to a terminal. SGR only sets colours and attributes: it cannot move
/// the cursor, clear the screen, set a title or write the clipboard.
pub fn escape_keep_colors(s: &str) -> Cow<'_, str> {
    escape_with(s, true, is_unsafe)
}

/// [`escape`] (or [`escape_keep_colors`]) of an owned string, reusing it when nothing changes.
pub fn escape_owned(s: String, keep_colors: bool) -> String {
    match escape_with(&s, keep_colors, is_unsafe) {
        Cow::Borrowed(_) => s,
        Cow::Owned(o) => o,
    }
}

fn sgr_len(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    if b.get(1) != Some(&b'[') {
        return None;
    }
    let mut i = 2;
    while i < b.len() && i < 64 {
        match b[i] {
            b'0'..=b'9' | b';' => i += 1,
            b'm' => return Some(i + 1),
            _ => return None,
        }
    }
    None
}

fn escape_with(s: &str, keep_sgr: bool, unsafe_: fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(unsafe_) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        if keep_sgr && c == '\u{1b}' {
            if let Some(n) = sgr_len(&s[i..]) {
                out.push_str(&s[i..i + n]);
                i += n;
                continue;
            }
        }
        if unsafe_(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
        i += c.len_utf8();
    }
    Cow::Owned(out)
}

/// A file name or path as shown inside one line of output (stderr messages, the concise
/// format): like [`escape`], and line breaks and tabs escaped too, so a name holding
/// `\nkexit: …` cannot forge a line of its own.
pub fn name(s: &str) -> Cow<'_, str> {
    escape_with(s, false, |c| {
        is_unsafe(c) || matches!(c, '\n' | '\r' | '\t')
    })
}

/// A value quoted in a finding's message, cropped to its first and last `max / 2` characters
/// around `…` when it has more than `max` (a path or value from the input can be megabytes,
/// and a message quoting it whole, once per finding, multiplied it into the output);
/// borrowed when it fits. Costs at most the length of what is kept, plus `max` characters.
pub fn crop(s: &str, max: usize) -> Cow<'_, str> {
    if s.char_indices().nth(max).is_none() {
        return Cow::Borrowed(s);
    }
    let half = max / 2;
    let head = s.char_indices().nth(half).map_or(s.len(), |(i, _)| i);
    let tail = match (max - half).checked_sub(1) {
        Some(n) => s.char_indices().rev().nth(n).map_or(0, |(i, _)| i),
        None => s.len(),
    };
    Cow::Owned(format!("{}…{}", &s[..head], &s[tail.max(head)..]))
}

/// [`name`] of a path (lossy for names that are not UTF-8).
pub fn path_name(p: &std::path::Path) -> String {
    name(&p.to_string_lossy()).into_owned()
}

/// Serialised JSON (JSON and SARIF reports, `inspect --format json`) with every unsafe
/// character that serde_json leaves raw (DEL, C1 controls, bidi overrides, invisibles) written
/// as a JSON `\uXXXX` escape (a surrogate pair above U+FFFF). Such characters can only stand
/// inside JSON strings, so the document parses to the same value; a reader that prints it
/// raw (`cat`, a CI log) sees the escape instead of an override.
pub fn json_inert(s: String) -> String {
    match json_inert_str(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(escaped) => escaped,
    }
}

/// [`json_inert`] of borrowed text.
fn json_inert_str(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{:04x}", u));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`json_inert`] as a writer: what serde_json writes through it reaches the inner writer with
/// the same escapes, without the whole document in memory (a JSON report of 100,000 findings
/// is over 100 MB of text). A character split across two writes is carried over.
pub struct JsonInert<W: std::io::Write> {
    inner: W,
    carry: Vec<u8>,
}

impl<W: std::io::Write> JsonInert<W> {
    pub fn new(inner: W) -> JsonInert<W> {
        JsonInert {
            inner,
            carry: Vec::new(),
        }
    }

    /// Write what is left and give the inner writer back.
    pub fn finish(mut self) -> std::io::Result<W> {
        let rest = std::mem::take(&mut self.carry);
        self.inner.write_all(&rest)?;
        Ok(self.inner)
    }

    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match std::str::from_utf8(bytes) {
            Ok(s) => self.inner.write_all(json_inert_str(s).as_bytes()),
            // Not UTF-8 (serde_json writes none): as it is.
            Err(_) => self.inner.write_all(bytes),
        }
    }
}

impl<W: std::io::Write> std::io::Write for JsonInert<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.carry.is_empty() && std::str::from_utf8(buf).is_ok() {
            self.put(buf)?;
            return Ok(buf.len());
        }
        self.carry.extend_from_slice(buf);
        let upto = match std::str::from_utf8(&self.carry) {
            Ok(_) => self.carry.len(),
            // A character cut at the end: kept for the next write.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.carry.len(),
        };
        let done: Vec<u8> = self.carry.drain(..upto).collect();
        self.put(&done)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Write one line to stderr, escaped (every `eprintln!` of the crate comes here: see lib.rs).
pub fn eprint(s: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(escape(s).as_bytes());
}

/// Whether a configured URL may become a link in a report (SARIF `helpUri`): http(s) only,
/// no whitespace or control characters.
pub fn is_web_url(u: &str) -> bool {
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !u
            .chars()
            .any(|c| c.is_whitespace() || is_unsafe(c) || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crop_keeps_short_values_and_both_ends_of_long_ones() {
        assert!(matches!(crop("/app", 8), Cow::Borrowed("/app")));
        assert_eq!(crop("abcdefgh", 8), "abcdefgh");
        assert_eq!(crop("abcdefghi", 8), "abcd…fghi");
        assert_eq!(crop(&"é".repeat(20), 4), "éé…éé");
        assert_eq!(crop(&"x".repeat(1_000_000), 10).chars().count(), 11);
        assert_eq!(crop("abc", 0), "…");
    }

    #[test]
    fn json_inert_writer_escapes_like_json_inert_whatever_the_writes() {
        use std::io::Write;
        let text = "{\"m\": \"a\u{202e}b \u{1b}[2J \u{1F600} \u{85} é\"}\n";
        let whole = json_inert(text.to_string());
        assert!(whole.contains("\\u202e") && whole.contains("\\u0085"));
        // Every split, characters cut in two included.
        for cut in 0..=text.len() {
            let mut w = JsonInert::new(Vec::new());
            w.write_all(&text.as_bytes()[..cut]).unwrap();
            w.write_all(&text.as_bytes()[cut..]).unwrap();
            assert_eq!(
                String::from_utf8(w.finish().unwrap()).unwrap(),
                whole,
                "cut {cut}"
            );
        }
        // Byte by byte.
        let mut w = JsonInert::new(Vec::new());
        for b in text.as_bytes() {
            w.write_all(std::slice::from_ref(b)).unwrap();
        }
        assert_eq!(String::from_utf8(w.finish().unwrap()).unwrap(), whole);
    }

    #[test]
    fn names_escape_line_breaks() {
        assert_eq!(
            name("a\nkexit: x\t\u{202e}"),
            "a\\u{a}kexit: x\\u{9}\\u{202e}"
        );
        assert_eq!(name("k8s/pod.yaml"), "k8s/pod.yaml");
        assert_eq!(
            json_inert("\"a\u{202e}\u{85}\u{e0041}\"".to_string()),
            "\"a\\u202e\\u0085\\udb40\\udc41\""
        );
    }

    #[test]
    fn escapes_controls_bidi_and_invisibles() {
        assert_eq!(escape("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(
            escape("a\u{1b}]52;c;SGVsbG8=\u{7}b"),
            "a\\u{1b}]52;c;SGVsbG8=\\u{7}b"
        );
        assert_eq!(escape("\u{1b}[2J\r"), "\\u{1b}[2J\\u{d}");
        assert_eq!(
            escape("x\u{202e}y\u{2066}z\u{200b}"),
            "x\\u{202e}y\\u{2066}z\\u{200b}"
        );
        assert_eq!(escape("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(escape("çé 日本"), "çé 日本");
    }

    #[test]
    fn keeps_only_sgr_when_colored() {
        assert_eq!(
            escape_keep_colors("\u{1b}[1;31merror\u{1b}[0m \u{1b}[2J \u{1b}]0;t\u{7}"),
            "\u{1b}[1;31merror\u{1b}[0m \\u{1b}[2J \\u{1b}]0;t\\u{7}"
        );
    }

    #[test]
    fn web_urls_only() {
        assert!(is_web_url("https://example.com/rules/"));
        assert!(is_web_url("HTTP://example.com/"));
        assert!(!is_web_url("javascript:alert(1)//"));
        assert!(!is_web_url("file:///etc/passwd"));
        assert!(!is_web_url("https://x/\u{1b}[2J"));
    }
}
