//! Template markup: text that a template engine (Go templates, Helm, Jinja, ERB, Terraform's
//! `templatefile`, consul-template, `@NAME@`/`${…}` substitution) rewrites before anything
//! reads it as YAML or as a Dockerfile. A syntax error next to such markup is the template's,
//! not the rendered file's: kexit cannot know what the file becomes, so it does not lint it.

use std::ops::Range;

/// Lines above a syntax error searched for template markup (a parser often reports an error
/// on the line after the markup that caused it).
const WINDOW: usize = 3;

/// Markup that never occurs in a hand-written manifest or Dockerfile line outside a string,
/// with what it is.
fn strong(line: &str) -> Option<&'static str> {
    if let Some(i) = line.find("{{") {
        let rest = &line[i + 2..];
        if rest.contains("}}") || line[..i].trim().is_empty() {
            return Some("`{{ … }}`");
        }
    }
    if line.contains("{%") {
        return Some("Jinja `{% … %}`");
    }
    if line.contains("%{") {
        return Some("Terraform `%{ … }`");
    }
    if line.contains("<%") {
        return Some("ERB `<% … %>`");
    }
    None
}

/// Placeholders that also occur in plain files (`${VAR}` in Compose, an `@` in a value): only
/// taken as markup on the erroneous line itself.
fn weak(line: &str) -> Option<&'static str> {
    // `${VAR}`, `${VAR:-x}` are Compose or shell substitution, which leave the YAML intact;
    // `${var.x}`, `${f(x)}` are Terraform (or other template) expressions.
    let mut rest = line;
    while let Some(i) = rest.find("${") {
        let inner = &rest[i + 2..];
        let Some(end) = inner.find('}') else { break };
        let expr = &inner[..end];
        let name = expr.split([':', '-', '?', '+']).next().unwrap_or("");
        let plain = name
            .bytes()
            .enumerate()
            .all(|(k, b)| b == b'_' || b.is_ascii_alphabetic() || (k > 0 && b.is_ascii_digit()));
        if !plain || name.is_empty() {
            return Some("`${…}` expression");
        }
        rest = &inner[end..];
    }
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'@' {
            let mut j = i + 1;
            while j < b.len()
                && (b[j].is_ascii_uppercase() || b[j] == b'_' || b[j].is_ascii_digit())
            {
                j += 1;
            }
            if j > i + 1 && j < b.len() && b[j] == b'@' && b[i + 1].is_ascii_uppercase() {
                return Some("`@NAME@` placeholder");
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// Template markup on the line holding byte `at` of `text`, or (strong markup only) on one of
/// the [`WINDOW`] lines above: the markup's line span and what it is. Comment lines (`#`) are
/// skipped.
pub fn near(text: &str, at: usize) -> Option<(Range<usize>, &'static str)> {
    let at = at.min(text.len());
    // Line starts up to and including the line holding `at`.
    let mut starts = vec![0usize];
    for (i, b) in text.as_bytes()[..at].iter().enumerate() {
        if *b == b'\n' {
            starts.push(i + 1);
        }
    }
    let line_end = |s: usize| text[s..].find('\n').map_or(text.len(), |n| s + n);
    for (k, &s) in starts.iter().rev().take(WINDOW + 1).enumerate() {
        let e = line_end(s);
        let line = text.get(s..e).unwrap_or("");
        if line.trim_start().starts_with('#') && !line.trim_start().starts_with("#{") {
            continue;
        }
        let found = strong(line).or_else(|| if k == 0 { weak(line) } else { None });
        if let Some(what) = found {
            return Some((s..e, what));
        }
    }
    None
}

/// Whether `text` (a value or a key) holds template markup: `{{ … }}`, `{% … %}`, `<% … %>`
/// or `%{ … }`.
pub fn has_markup(text: &str) -> bool {
    text.lines().any(|l| strong(l).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_near_an_error() {
        let t = "a: 1\n{{- range .X }}\n- b\n";
        let at = t.find("- b").unwrap_or(0);
        assert_eq!(near(t, at).map(|(_, w)| w), Some("`{{ … }}`"));
        assert_eq!(
            near("%{ if x }\n", 0).map(|(_, w)| w),
            Some("Terraform `%{ … }`")
        );
        assert_eq!(
            near("name: @STS_NAME@\n", 3).map(|(_, w)| w),
            Some("`@NAME@` placeholder")
        );
        assert_eq!(
            near("x: <%= y %>\n", 0).map(|(_, w)| w),
            Some("ERB `<% … %>`")
        );
        // Far above, or only weak markup above, or a comment: not the template's error.
        let far = "a: {{ x }}\nb: 1\nc: 2\nd: 3\ne: 4\nf: [\n";
        assert_eq!(near(far, far.len() - 2), None);
        assert_eq!(near("a: ${X}\nb: [\n", 10), None);
        assert_eq!(near("# {{ x }}\nb: [\n", 12), None);
        assert_eq!(near("mail: user@example.com\n", 3), None);
        assert_eq!(
            near("a: ${var.x}\n", 0).map(|(_, w)| w),
            Some("`${…}` expression")
        );
        assert_eq!(near("image: ${REG:-x}/app\n", 0), None);
        assert!(has_markup("{{ .Key }}"));
        assert!(!has_markup("plain ${VAR} value"));
    }
}
