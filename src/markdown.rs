//! Markdown for the terminal (`kexit explain` on a terminal): headings, paragraphs wrapped at
//! the terminal width on word boundaries, lists with hanging indents, code blocks under their
//! file name (`yaml file=pod.yaml`), inline code and emphasis. Colour only when asked (the
//! caller decides: `--color`, NO_COLOR, terminal detection); without colour the text keeps
//! enough marks (backticks, underlined headings) to read the same.
//!
//! Parsing is pulldown-cmark's (CommonMark); this module only lays the events out.

use anstyle::{AnsiColor, Style};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

/// How to lay out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Term {
    pub color: bool,
    /// Wrap paragraphs at this width; `None`: one line per paragraph.
    pub width: Option<usize>,
}

/// `md` laid out for a terminal.
pub fn render(md: &str, term: Term) -> String {
    let mut r = Renderer {
        term,
        out: String::new(),
        inline: String::new(),
        lists: Vec::new(),
        bullet: None,
        quote: 0,
        heading: None,
        code: None,
        links: Vec::new(),
        html: false,
    };
    for ev in Parser::new(md) {
        r.event(ev);
    }
    r.flush();
    let mut out = r.out.trim_end().to_string();
    out.push('\n');
    out
}

struct Code {
    name: Option<String>,
    lang: Option<String>,
    text: String,
}

struct Renderer {
    term: Term,
    out: String,
    /// The paragraph, list item text or heading being collected (with colour codes).
    inline: String,
    /// Open lists: the next number of an ordered list, None for bullets.
    lists: Vec<Option<u64>>,
    /// The marker of a list item whose first line is not written yet.
    bullet: Option<String>,
    quote: usize,
    heading: Option<HeadingLevel>,
    code: Option<Code>,
    links: Vec<String>,
    html: bool,
}

fn style_on(s: Style) -> String {
    format!("{s}")
}
fn style_off(s: Style) -> String {
    format!("{s:#}")
}

impl Renderer {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.term.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    /// Column where the text of the innermost list item starts.
    fn text_col(&self) -> usize {
        self.lists
            .iter()
            .map(|l| if l.is_some() { 3 } else { 2 })
            .sum()
    }

    fn quote_prefix(&self) -> String {
        "│ ".repeat(self.quote)
    }

    /// A blank line before the next block, unless at the start or inside a list.
    fn block_gap(&mut self) {
        if self.out.is_empty() || self.out.ends_with("\n\n") {
            return;
        }
        if !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        if self.lists.is_empty() {
            self.out.push_str(&self.quote_prefix());
            self.out.push('\n');
        }
    }

    /// Write the collected inline text as a wrapped block.
    fn flush(&mut self) {
        let text = soft_breaks(&std::mem::take(&mut self.inline));
        if text.trim().is_empty() && self.bullet.is_none() {
            return;
        }
        let col = self.text_col();
        let q = self.quote_prefix();
        let rest_indent = format!("{q}{}", " ".repeat(col));
        let first_indent = match self.bullet.take() {
            Some(b) => format!(
                "{q}{}{b}",
                " ".repeat(col.saturating_sub(b.chars().count()))
            ),
            None => rest_indent.clone(),
        };
        let mut first = true;
        for line in text.trim().split('\n') {
            let line = line.trim();
            let indent = if first { &first_indent } else { &rest_indent };
            match self.term.width {
                Some(w) => {
                    let avail = w.max(rest_indent.chars().count() + 30);
                    let o = textwrap::Options::new(avail)
                        .initial_indent(indent)
                        .subsequent_indent(&rest_indent)
                        .word_separator(crate::text::word_separator(line))
                        .break_words(false)
                        .word_splitter(textwrap::WordSplitter::NoHyphenation);
                    for l in textwrap::wrap(line, o) {
                        self.out.push_str(l.trim_end());
                        self.out.push('\n');
                    }
                }
                None => {
                    self.out.push_str(indent);
                    self.out.push_str(line);
                    self.out.push('\n');
                }
            }
            first = false;
        }
    }

    fn push_styled(&mut self, on: bool, style: Style) {
        if self.term.color {
            self.inline.push_str(&if on {
                style_on(style)
            } else {
                style_off(style)
            });
        }
    }

    fn event(&mut self, ev: Event<'_>) {
        if let Some(code) = &mut self.code {
            match ev {
                Event::Text(t) => code.text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.end_code(),
                _ => {}
            }
            return;
        }
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if !self.html {
                    self.inline.push_str(&t);
                }
            }
            Event::Code(t) => {
                if self.term.color && self.heading.is_none() {
                    let s = self.paint(Style::new().fg_color(Some(AnsiColor::Cyan.into())), &t);
                    self.inline.push_str(&s);
                } else {
                    self.inline.push('`');
                    self.inline.push_str(&t);
                    self.inline.push('`');
                }
            }
            // A blank, or nothing between two Chinese characters (decided in `flush`).
            Event::SoftBreak => self.inline.push(SOFT_BREAK),
            Event::HardBreak => self.inline.push('\n'),
            Event::Rule => {
                self.flush();
                self.block_gap();
                let w = self.term.width.unwrap_or(40).min(40);
                self.out.push_str(&"─".repeat(w));
                self.out.push('\n');
            }
            // HTML comments (`<!-- no-example -->`) are not shown; text after a comment on the same
            // line (an HTML block to CommonMark) is shown as a paragraph.
            Event::Html(t) => {
                let text = without_html_comments(&t);
                let text = text.trim();
                if !text.is_empty() {
                    self.flush();
                    self.block_gap();
                    self.inline.push_str(text);
                    self.flush();
                }
            }
            Event::InlineHtml(_) => {}
            Event::TaskListMarker(done) => self.inline.push_str(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(t) => {
                self.inline.push_str(&format!("[{t}]"));
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.inline.push_str(&t),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            // The first paragraph of a list item goes on the bullet's line.
            Tag::Paragraph if self.bullet.is_none() => {
                self.flush();
                self.block_gap();
            }
            Tag::Heading { level, .. } => {
                self.flush();
                self.block_gap();
                self.heading = Some(level);
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.block_gap();
                self.quote += 1;
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                self.block_gap();
                let (lang, name) = match kind {
                    CodeBlockKind::Fenced(info) => fence_info(&info),
                    CodeBlockKind::Indented => (None, None),
                };
                self.code = Some(Code {
                    name,
                    lang,
                    text: String::new(),
                });
            }
            Tag::HtmlBlock => self.html = true,
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.block_gap();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_string(),
                };
                self.bullet = Some(marker);
            }
            Tag::Emphasis => self.push_styled(true, Style::new().italic()),
            Tag::Strong => self.push_styled(true, Style::new().bold()),
            Tag::Strikethrough => self.push_styled(true, Style::new().strikethrough()),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.push_styled(true, Style::new().underline());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
            }
            TagEnd::Heading(level) => {
                let text = std::mem::take(&mut self.inline);
                let text = text.trim();
                self.heading = None;
                let q = self.quote_prefix();
                let (style, under) = match level {
                    HeadingLevel::H1 => (
                        Style::new()
                            .bold()
                            .underline()
                            .fg_color(Some(AnsiColor::Cyan.into())),
                        Some('═'),
                    ),
                    HeadingLevel::H2 => (
                        Style::new().bold().fg_color(Some(AnsiColor::Yellow.into())),
                        Some('─'),
                    ),
                    _ => (Style::new().bold(), None),
                };
                let shown = self.paint(style, text);
                self.out.push_str(&format!("{q}{shown}\n"));
                // Without colour a heading is marked by a rule under it.
                if let (false, Some(c)) = (self.term.color, under) {
                    let w = unicode_width(text);
                    self.out
                        .push_str(&format!("{q}{}\n", c.to_string().repeat(w)));
                }
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::HtmlBlock => self.html = false,
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => self.flush(),
            TagEnd::Emphasis => self.push_styled(false, Style::new().italic()),
            TagEnd::Strong => self.push_styled(false, Style::new().bold()),
            TagEnd::Strikethrough => self.push_styled(false, Style::new().strikethrough()),
            TagEnd::Link | TagEnd::Image => {
                self.push_styled(false, Style::new().underline());
                if let Some(url) = self.links.pop() {
                    if !url.starts_with('#') && !self.inline.ends_with(&url) {
                        self.inline.push_str(&format!(" <{url}>"));
                    }
                }
            }
            _ => {}
        }
    }

    fn end_code(&mut self) {
        let Some(code) = self.code.take() else {
            return;
        };
        let q = self.quote_prefix();
        let indent = format!("{q}{}", " ".repeat(self.text_col() + 2));
        let title = match (&code.name, &code.lang) {
            (Some(n), _) => Some(n.clone()),
            (None, Some(l)) if l != "text" => Some(l.clone()),
            _ => None,
        };
        if let Some(t) = title {
            let label = if self.term.color {
                self.paint(
                    Style::new().bold().fg_color(Some(AnsiColor::Blue.into())),
                    &format!("{t}:"),
                )
            } else {
                format!("── {t} ──")
            };
            self.out
                .push_str(&format!("{q}{}{label}\n", " ".repeat(self.text_col())));
        }
        let body_style = Style::new().fg_color(Some(AnsiColor::Green.into()));
        for line in code.text.trim_end_matches('\n').split('\n') {
            if line.is_empty() {
                self.out.push_str(q.trim_end());
                self.out.push('\n');
            } else {
                let shown = self.paint(body_style, line);
                self.out.push_str(&format!("{indent}{shown}\n"));
            }
        }
    }
}

/// The language and the `file=NAME` attribute of a fence's info string (`yaml file=pod.yaml`).
fn fence_info(info: &str) -> (Option<String>, Option<String>) {
    let info = info.trim();
    let word_end = |s: &str| s.find(char::is_whitespace).unwrap_or(s.len());
    let first = &info[..word_end(info)];
    let lang = (!first.is_empty() && !first.contains('=')).then(|| first.to_string());
    let mut name = None;
    let mut rest = info;
    while let Some(i) = rest.find("file=") {
        let at_word = rest[..i]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let value = &rest[i + "file=".len()..];
        if at_word {
            name = Some(value[..word_end(value)].to_string()).filter(|n| !n.is_empty());
            break;
        }
        rest = value;
    }
    (lang, name)
}

/// Stands for a soft line break in collected text.
const SOFT_BREAK: char = '\u{1}';

/// Soft line breaks as a blank, except next to a wide (CJK) character, where Chinese text
/// joins lines without one.
fn soft_breaks(s: &str) -> String {
    let wide = |c: Option<char>| c.is_some_and(|c| (c as u32) >= 0x2e80);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c != SOFT_BREAK {
            out.push(c);
        } else if !wide(i.checked_sub(1).and_then(|j| chars.get(j).copied()))
            && !wide(chars.get(i + 1).copied())
        {
            out.push(' ');
        }
    }
    out
}

fn unicode_width(s: &str) -> usize {
    textwrap::core::display_width(s)
}

/// `text` with every `<!-- … -->` comment removed (an unclosed comment hides the rest).
fn without_html_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start + 4..].find("-->") {
            Some(end) => rest = &rest[start + 4 + end + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_beside_an_html_comment_is_kept() {
        assert_eq!(
            without_html_comments("<!-- no-example --> (see x)"),
            " (see x)"
        );
        assert_eq!(without_html_comments("a<!-- b -->c<!-- d"), "ac");
        assert_eq!(without_html_comments("plain"), "plain");
    }

    const DOC: &str = "# KX101 command-with-spaces\n\n**Severity:** error · **Exit code:** 128\n\nA container's `command` is an *exec form* list: Kubernetes never runs it through a shell and never splits an element into words.\n\n## Failing example\n\n```yaml file=pod.yaml\nkind: Pod\n\nspec: {}\n```\n\n- one\n- two `x`\n  - nested\n\n<!-- no-example -->\n";

    #[test]
    fn plain_layout() {
        let out = render(
            DOC,
            Term {
                color: false,
                width: Some(40),
            },
        );
        assert!(out.starts_with("KX101 command-with-spaces\n═════"), "{out}");
        assert!(out.contains("Failing example\n───────────────\n"), "{out}");
        assert!(
            out.contains("── pod.yaml ──\n  kind: Pod\n\n  spec: {}\n"),
            "{out}"
        );
        assert!(out.contains("• one\n• two `x`\n  • nested\n"), "{out}");
        assert!(!out.contains("```") && !out.contains("<!--") && !out.contains("**"));
        assert!(out.lines().all(|l| l.chars().count() <= 40), "{out}");
        // Words are never split.
        assert!(out.contains("Kubernetes"), "{out}");
    }

    #[test]
    fn colour_only_when_asked() {
        let plain = render(DOC, Term::default());
        assert!(!plain.contains('\u{1b}'));
        let coloured = render(
            DOC,
            Term {
                color: true,
                width: None,
            },
        );
        assert!(coloured.contains("\u{1b}["));
        assert!(coloured.contains("pod.yaml:"));
    }

    #[test]
    fn chinese_wraps_between_characters() {
        let out = render(
            "容器的 `command` 是 exec 形式的列表：Kubernetes 从不通过 shell 运行它，也不会把其中的元素拆分成单词。\n",
            Term {
                color: false,
                width: Some(30),
            },
        );
        assert!(out.lines().count() > 1, "{out}");
        assert!(
            out.lines().all(|l| textwrap::core::display_width(l) <= 30),
            "{out}"
        );
        assert_eq!(
            fence_info(" yaml  file=a/pod.yaml x=1"),
            (Some("yaml".into()), Some("a/pod.yaml".into()))
        );
        assert_eq!(fence_info("text"), (Some("text".into()), None));
        assert_eq!(
            fence_info("file=Dockerfile"),
            (None, Some("Dockerfile".into()))
        );
        assert_eq!(fence_info("sh profile=x"), (Some("sh".into()), None));
        // A line break between Chinese characters is no blank; between words it is.
        let out = render("容器\n镜像 and\nword\n", Term::default());
        assert_eq!(out, "容器镜像 and word\n");
    }
}
