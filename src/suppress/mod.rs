//! Suppressions: inline comments, annotations and configuration-file `ignore` entries.
//!
//! The index is built once per run from the loaded files (comment positions are scanned from the
//! source text here, in the front-end layer: rules never see them) and from the objects of the
//! model (annotations). The lint stage then moves every matching finding aside with its reason,
//! and reports directives that silenced nothing (KX008).
//!
//! Forms recognised:
//! - YAML and scripts: `# kexit:ignore KX201,KX104 -- reason` on the line (trailing) or on a line
//!   of its own above it; it covers that line and the block the line opens (a container item, a
//!   key with nested content). `# kexit:ignore-file KX201 -- reason` covers the whole file.
//! - Annotations on the object or the pod template: `kexit.io/ignore: "KX201,KX104 -- reason"`;
//!   per container: `kexit.io/ignore.<container-name>: KX201`.
//! - Dockerfiles: `# kexit ignore=KX101 -- reason` (or `# kexit:ignore KX101`) on the line above
//!   an instruction; `# kexit global ignore=KX119` for the whole file; hadolint's
//!   `# hadolint ignore=DL3025` where a kexit rule covers the same ground (see [`HADOLINT`]).

use crate::finding::{Finding, ObjectRef};
use crate::k8s::{Container, Object};
use crate::model::Model;
use crate::project::Project;
use crate::rules;
use crate::source::{FileId, FileKind, SourceFile, Span};
use crate::yaml::{Node, Value};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::ops::Range;

/// hadolint rules and the kexit rules that cover the same ground.
pub const HADOLINT: [(&str, &str); 4] = [
    ("DL3025", "KX102"),
    ("DL4003", "KX119"),
    ("DL4004", "KX119"),
    ("DL3000", "KX120"),
];

/// Annotation holding object-wide suppressions.
pub const ANNOTATION: &str = "kexit.io/ignore";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A `# kexit…` comment.
    Comment,
    /// A `# hadolint ignore=` comment (never reported as unused: it is hadolint's too).
    Hadolint,
    /// A `kexit.io/ignore` annotation.
    Annotation,
}

#[derive(Debug, Clone)]
enum Scope {
    /// Findings starting inside this byte range of the file.
    Range(FileId, Range<usize>),
    /// Findings on this object (by reference, or inside its text), optionally one container.
    Object {
        object: ObjectRef,
        file: FileId,
        range: Range<usize>,
        container: Option<(String, Range<usize>)>,
    },
}

#[derive(Debug, Clone)]
struct Code {
    /// The rule code as written (`KX201`, `command-with-spaces`, `DL3025`).
    text: String,
    /// The kexit rule code it stands for (None: unknown, or a hadolint code kexit does not map).
    rule: Option<&'static str>,
    span: Span,
    used: bool,
}

#[derive(Debug, Clone)]
struct Directive {
    origin: Origin,
    /// Where the directive is written.
    at: Span,
    scope: Scope,
    codes: Vec<Code>,
    reason: Option<String>,
    /// Why it cannot apply anywhere (reported instead of the generic KX008 message).
    dead: Option<String>,
}

/// A finding that a suppression silenced.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub finding: Finding,
    /// The reason given, or a note that none was given.
    pub reason: String,
    /// Where the suppression is written (`pod.yaml:12`, `.kexit.yaml`).
    pub by: String,
}

#[derive(Debug, Default)]
pub struct Index {
    directives: Vec<Directive>,
}

/// The parsed text of one directive: codes with their byte offsets in the text, and a reason.
struct Parsed {
    origin: Origin,
    global: bool,
    codes: Vec<(String, usize)>,
    reason: Option<String>,
}

/// Parse a comment body (the text after `#`). `base` is the offset of `body` in the file.
fn parse_directive(body: &str) -> Option<Parsed> {
    let lead = body.len() - body.trim_start().len();
    let t = &body[lead..];
    let forms: [(&str, Origin, bool); 6] = [
        ("kexit:ignore-file", Origin::Comment, true),
        ("kexit:ignore", Origin::Comment, false),
        ("kexit global ignore=", Origin::Comment, true),
        ("kexit ignore=", Origin::Comment, false),
        ("hadolint global ignore=", Origin::Hadolint, true),
        ("hadolint ignore=", Origin::Hadolint, false),
    ];
    let (prefix, origin, global) = forms.into_iter().find(|(p, _, _)| t.starts_with(p))?;
    let rest_at = prefix.len();
    let rest = &t[rest_at..];
    // `kexit:ignore=KX1` and `kexit:ignore KX1` are both accepted; `kexit:ignored` is not one.
    if prefix.ends_with(|c: char| c.is_ascii_alphabetic())
        && !rest.is_empty()
        && !rest.starts_with([' ', '\t', '='])
    {
        return None;
    }
    // A further `#` starts another comment: `# kexit:ignore KX101 # note`.
    let rest = rest.find(" #").map_or(rest, |i| &rest[..i]);
    let (codes_part, reason) = match rest.find("--") {
        Some(i) => (&rest[..i], Some(rest[i + 2..].trim().to_string())),
        None => (rest, None),
    };
    let mut codes = Vec::new();
    let mut pos = 0;
    for tok in codes_part.split(|c: char| c == ',' || c == '=' || c.is_whitespace()) {
        if !tok.is_empty() {
            codes.push((tok.to_string(), lead + rest_at + pos));
        }
        pos += tok.len() + 1;
    }
    Some(Parsed {
        origin,
        global,
        codes,
        reason: reason.filter(|r| !r.is_empty()),
    })
}

fn rule_for(origin: Origin, code: &str) -> Option<&'static str> {
    match origin {
        Origin::Hadolint => HADOLINT
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(code))
            .map(|(_, k)| *k),
        _ => crate::meta::by_code(code).map(|r| r.code),
    }
}

/// Largest end offset of a node's content (scalars), so that a block collection does not reach
/// into the comments and blank lines after it.
fn content_end(n: &Node, depth: usize) -> usize {
    if depth > 200 {
        return n.span().end;
    }
    match &n.value {
        Value::Seq(items) if !items.is_empty() => items
            .iter()
            .map(|i| content_end(i, depth + 1))
            .max()
            .unwrap_or(n.span().end),
        Value::Map(entries) if !entries.is_empty() => entries
            .iter()
            .map(|(k, v)| content_end(k, depth + 1).max(content_end(v, depth + 1)))
            .max()
            .unwrap_or(n.span().end),
        _ => n.span().end,
    }
}

/// For each line (0-based) of a YAML file, the end of the largest node that starts on it.
/// Returns [`content_end`] of `n`, computed on the way (once per node: a `content_end` of every
/// item was a walk of its subtree for each of its ancestors).
fn block_ends(src: &SourceFile, n: &Node, depth: usize, out: &mut HashMap<usize, usize>) -> usize {
    if depth > 200 {
        return n.span().end;
    }
    fn note(src: &SourceFile, out: &mut HashMap<usize, usize>, start: usize, end: usize) {
        let line = line_of(src, start) - 1;
        let e = out.entry(line).or_insert(end);
        if end > *e {
            *e = end;
        }
    }
    let mut content: Option<usize> = None;
    match &n.value {
        Value::Seq(items) => {
            for i in items {
                let end = block_ends(src, i, depth + 1, out);
                note(src, out, i.span().start, end);
                content = content.max(Some(end));
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                let end = block_ends(src, v, depth + 1, out);
                note(src, out, k.span().start, end.max(k.span().end));
                content = content.max(Some(content_end(k, depth + 1).max(end)));
            }
        }
        _ => {}
    }
    content.unwrap_or(n.span().end)
}

fn directive(file: FileId, parsed: Parsed, at: Span, scope: Scope, base: usize) -> Directive {
    let codes = parsed
        .codes
        .into_iter()
        .map(|(text, off)| Code {
            rule: rule_for(parsed.origin, &text),
            span: Span::new(file, base + off..base + off + text.len()),
            text,
            used: false,
        })
        .collect();
    Directive {
        origin: parsed.origin,
        at,
        scope,
        codes,
        reason: parsed.reason,
        dead: None,
    }
}

/// Byte offsets of an annotation's codes in the raw text of its value, where quotes and escapes
/// shift them from their offsets in the value. The codes come in order, so each is searched from
/// the end of the one before (a search from the start for every code was codes × value length).
/// A code not written as such (an escape inside it), and the codes after it, keep their offset in
/// the value less `prefix`.
fn locate_codes(raw: &str, codes: &mut [(String, usize)], prefix: usize) {
    let mut from = Some(0);
    for (text, off) in codes {
        let found = from.and_then(|f: usize| raw.get(f..)?.find(text.as_str()).map(|i| f + i));
        match found {
            Some(i) => {
                *off = i;
                from = Some(i + text.len());
            }
            None => {
                *off = off.saturating_sub(prefix);
                from = None;
            }
        }
    }
}

/// Names of a pod's containers listed in the message of an annotation naming none of them.
const LISTED_CONTAINERS: usize = 10;
/// Characters of a container name listed in full (a valid name has at most 63).
const LISTED_NAME_CHARS: usize = 63;

/// The container names a dead per-container annotation lists: the first [`LISTED_CONTAINERS`]
/// and a count of the others (every name in every such message was containers × annotations of
/// output: 340 MB for 5,000 of each).
fn container_list(containers: &[Container<'_>]) -> String {
    let mut out = String::new();
    for (i, c) in containers.iter().take(LISTED_CONTAINERS).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match c.name.char_indices().nth(LISTED_NAME_CHARS) {
            Some((cut, _)) => {
                out.push_str(c.name.get(..cut).unwrap_or(c.name));
                out.push('…');
            }
            None => out.push_str(c.name),
        }
    }
    if let Some(more) = containers
        .len()
        .checked_sub(LISTED_CONTAINERS)
        .filter(|&n| n > 0)
    {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

/// The per-container suppression annotations (`kexit.io/ignore.<container>`) of one metadata
/// node, gathered in one pass (a lookup by key for every container was a pass over every
/// annotation: containers × annotations).
struct ContainerAnnotations<'a> {
    /// Each such annotation in order: the container it names, and its key node.
    in_order: Vec<(&'a str, &'a Node)>,
    /// Container name → key and value of its annotation (the last of a repeated key, as
    /// [`Node::get`] finds it).
    by_name: HashMap<&'a str, (&'a Node, &'a Node)>,
}

impl<'a> ContainerAnnotations<'a> {
    fn of(meta: &'a Node) -> ContainerAnnotations<'a> {
        let mut in_order = Vec::new();
        let mut by_name = HashMap::new();
        for (k, v) in meta.get("annotations").into_iter().flat_map(Node::entries) {
            let Some(name) = k
                .as_str()
                .and_then(|k| k.strip_prefix(ANNOTATION))
                .and_then(|r| r.strip_prefix('.'))
            else {
                continue;
            };
            in_order.push((name, k));
            by_name.insert(name, (k, v));
        }
        ContainerAnnotations { in_order, by_name }
    }
}

/// The 1-based line of a byte offset: a binary search of the line index ([`SourceFile::line_col`]
/// also counts the column's characters from the line start, which is not needed here).
fn line_of(src: &SourceFile, byte: usize) -> usize {
    let byte = byte.min(src.text.len());
    src.line_starts().partition_point(|&s| s <= byte).max(1)
}

fn is_comment_line(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

impl Index {
    /// Build the index for a run. Under `strict`, inline suppressions are inert: none is indexed.
    pub fn build(model: &Model) -> Index {
        let project = model.project;
        let mut idx = Index::default();
        if project.config.strict {
            return idx;
        }
        let mut trees: HashMap<FileId, Vec<&Node>> = HashMap::new();
        for m in &project.manifests {
            trees
                .entry(m.file)
                .or_default()
                .extend(m.yaml.docs.iter().map(|d| &d.root));
        }
        // Build-context loading may read a Dockerfile or manifest again as a plain file: scan
        // each path once, as its linted kind.
        // A build-context copy is named from the context root (`./x`), a linted file as found.
        let plain = |p: &str| -> String { p.strip_prefix("./").unwrap_or(p).to_string() };
        let linted: std::collections::HashSet<String> = project
            .files
            .iter()
            .filter(|f| f.kind != FileKind::Other)
            .map(|f| plain(&f.path))
            .collect();
        for (id, src) in project.files.iter().enumerate() {
            if src.kind == FileKind::Other && linted.contains(&plain(&src.path)) {
                continue;
            }
            let roots = trees.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            idx.scan_comments(id, src, roots);
        }
        for o in &model.objects {
            if let Some(meta) = o.node.get("metadata") {
                idx.scan_annotations(project, o, meta);
            }
        }
        for w in &model.workloads {
            let o = &w.object;
            let object_meta = o.node.get("metadata");
            // A Pod's template metadata is its own metadata: scanned once (scanning it twice
            // reported each dead per-container annotation twice once there were two of them).
            let pod_meta = w
                .pod_meta
                .filter(|m| !object_meta.is_some_and(|o| std::ptr::eq(*m, o)));
            if let Some(meta) = pod_meta {
                idx.scan_annotations(project, o, meta);
            }
            let metas: Vec<ContainerAnnotations<'_>> = [object_meta, pod_meta]
                .into_iter()
                .flatten()
                .map(ContainerAnnotations::of)
                .collect();
            if metas.iter().all(|m| m.by_name.is_empty()) {
                continue;
            }
            let names: HashSet<&str> = w.containers.iter().map(|c| c.name).collect();
            let mut listed: Option<String> = None;
            // Per-container annotations naming no container of the pod.
            for m in &metas {
                for &(name, k) in &m.in_order {
                    if names.contains(name) {
                        continue;
                    }
                    let Some(&(_, v)) = m.by_name.get(name) else {
                        continue;
                    };
                    let scope = Scope::Range(o.file, 0..0);
                    let Some(mut d) = Self::annotation(project, o, v, scope) else {
                        continue;
                    };
                    let listed = listed.get_or_insert_with(|| container_list(&w.containers));
                    d.at = Span::new(o.file, k.span());
                    d.dead = Some(format!(
                        "`{ANNOTATION}.{name}` names no container of this pod (containers: {listed})"
                    ));
                    idx.directives.push(d);
                }
            }
            let mut object_range = None;
            for c in &w.containers {
                for m in &metas {
                    let Some(&(_, v)) = m.by_name.get(c.name) else {
                        continue;
                    };
                    let range = object_range
                        .get_or_insert_with(|| o.node.span().start..content_end(o.node, 0))
                        .clone();
                    let scope = Scope::Object {
                        object: o.reference(),
                        file: o.file,
                        range,
                        container: Some((
                            c.name.to_string(),
                            c.node.span().start..content_end(c.node, 0),
                        )),
                    };
                    if let Some(d) = Self::annotation(project, o, v, scope) {
                        idx.directives.push(d);
                    }
                }
            }
        }
        // Containers of a pod sharing a name share its annotation: the first one takes it.
        idx.directives
            .dedup_by(|a, b| a.at == b.at && a.origin == b.origin);
        idx
    }

    fn scan_comments(&mut self, id: FileId, src: &SourceFile, roots: &[&Node]) {
        if !src.text.contains("kexit") && !src.text.contains("hadolint") {
            return;
        }
        let dockerfile = src.kind == FileKind::Dockerfile;
        let mut ends: Option<HashMap<usize, usize>> = None;
        // The target line found for the last own-line comment.
        let mut next_code: Option<usize> = None;
        // For each line of a Dockerfile, the last line of the instruction continued from it.
        let mut continued: Option<Vec<usize>> = None;
        let lines = src.line_count();
        for l in 1..=lines {
            let line = src.line_text(l);
            if !line.contains("kexit") && !line.contains("hadolint") {
                continue;
            }
            let line_start = src.offset_of(l, 0);
            // The comment's `#`: at the start (own-line) or after whitespace (trailing, YAML only).
            let own = is_comment_line(line);
            let hash = if own {
                line.find('#')
            } else if dockerfile {
                None
            } else {
                line.match_indices(" #")
                    .chain(line.match_indices("\t#"))
                    .map(|(i, _)| i + 1)
                    .find(|i| parse_directive(&line[i + 1..]).is_some())
            };
            let Some(hash) = hash else { continue };
            let Some(parsed) = parse_directive(&line[hash + 1..]) else {
                continue;
            };
            if parsed.origin == Origin::Hadolint && !dockerfile {
                continue;
            }
            let base = line_start + hash + 1;
            let at = Span::new(id, line_start + hash..line_start + line.len());
            let range = if parsed.global {
                0..src.text.len()
            } else {
                // Target line (1-based): this one, or the next line that is neither blank nor a comment.
                // A run of own-line comments shares its target: found once (a search past the
                // rest of the run from each comment was quadratic in the run's length).
                let target = if own {
                    let t = match next_code {
                        Some(t) if t > l => t,
                        _ => {
                            let mut t = l + 1;
                            while t <= lines
                                && (src.line_text(t).trim().is_empty()
                                    || is_comment_line(src.line_text(t)))
                            {
                                t += 1;
                            }
                            next_code = Some(t);
                            t
                        }
                    };
                    if t > lines {
                        continue;
                    }
                    t
                } else {
                    l
                };
                let start = src.offset_of(target, 0);
                let mut end = start + src.line_text(target).len();
                if dockerfile {
                    // The instruction and its continuation lines (the last line of each
                    // instruction found in one backward pass, not once per directive).
                    let last = continued.get_or_insert_with(|| {
                        let mut last = vec![0; lines + 1];
                        for t in (1..=lines).rev() {
                            last[t] = if t < lines && src.line_text(t).trim_end().ends_with('\\') {
                                last[t + 1]
                            } else {
                                t
                            };
                        }
                        last
                    });
                    let t = last.get(target).copied().unwrap_or(target);
                    if t > target {
                        end = src.offset_of(t, 0) + src.line_text(t).len();
                    }
                } else if !roots.is_empty() {
                    let ends = ends.get_or_insert_with(|| {
                        let mut m = HashMap::new();
                        for r in roots {
                            block_ends(src, r, 0, &mut m);
                        }
                        m
                    });
                    if let Some(e) = ends.get(&(target - 1)) {
                        end = end.max(*e);
                    }
                }
                start..end
            };
            self.directives
                .push(directive(id, parsed, at, Scope::Range(id, range), base));
        }
    }

    /// The object-wide suppression annotation of an object (or of its pod template).
    fn scan_annotations(&mut self, project: &Project, o: &Object<'_>, meta: &Node) {
        let Some(v) = meta.get("annotations").and_then(|a| a.get(ANNOTATION)) else {
            return;
        };
        let scope = Scope::Object {
            object: o.reference(),
            file: o.file,
            range: o.node.span().start..content_end(o.node, 0),
            container: None,
        };
        if let Some(d) = Self::annotation(project, o, v, scope) {
            self.directives.push(d);
        }
    }

    /// The directive an annotation value holds (None: not a string, or not a directive).
    fn annotation(project: &Project, o: &Object<'_>, v: &Node, scope: Scope) -> Option<Directive> {
        let value = v.as_str()?;
        let src = project.files.get(o.file)?;
        let prefix = "kexit:ignore ";
        let mut parsed = parse_directive(&format!("{prefix}{value}"))?;
        parsed.origin = Origin::Annotation;
        // Locate each code in the raw text of the value (quotes shift positions).
        let raw = src.slice(Span::new(o.file, v.span()));
        locate_codes(raw, &mut parsed.codes, prefix.len());
        let at = Span::new(o.file, v.span());
        Some(directive(o.file, parsed, at, scope, v.span().start))
    }

    /// Whether a directive's scope covers a finding (the definition [`Index::resolve`]
    /// implements with indexes).
    #[cfg(test)]
    fn matches(scope: &Scope, f: &Finding) -> bool {
        match scope {
            Scope::Range(file, r) => f.span.file == *file && r.contains(&f.span.start),
            Scope::Object {
                object,
                file,
                range,
                container,
            } => {
                let on_object = f.object.as_deref() == Some(object)
                    || (f.span.file == *file && range.contains(&f.span.start));
                match container {
                    None => on_object,
                    Some((name, crange)) => {
                        (on_object && f.container.as_deref() == Some(name.as_str()))
                            || (f.span.file == *file && crange.contains(&f.span.start))
                    }
                }
            }
        }
    }

    /// Split findings into kept and suppressed (config-file ignores first, then inline ones).
    pub fn apply(
        &mut self,
        project: &Project,
        findings: Vec<Finding>,
    ) -> (Vec<Finding>, Vec<Suppressed>) {
        let by_config = config_ignore::by_config(project, &findings);
        let inline: Vec<&Finding> = findings
            .iter()
            .zip(&by_config)
            .filter(|(_, ig)| ig.is_none())
            .map(|(f, _)| f)
            .collect();
        let mut first = self.resolve(&inline).into_iter();
        drop(inline);
        let mut kept = Vec::with_capacity(findings.len());
        let mut suppressed = Vec::new();
        for (f, ig) in findings.into_iter().zip(by_config) {
            if let Some(ig) = ig {
                let by = project.config.config_file.as_ref().map_or_else(
                    || ".kexit.yaml".to_string(),
                    |p| p.to_string_lossy().into_owned(),
                );
                suppressed.push(Suppressed {
                    finding: f,
                    reason: ig.reason.clone(),
                    by,
                });
                continue;
            }
            // The first matching directive gives the reason.
            let Some(d) = first.next().flatten().and_then(|i| self.directives.get(i)) else {
                kept.push(f);
                continue;
            };
            let by = match project.files.get(d.at.file) {
                Some(src) => format!("{}:{}", src.path, line_of(src, d.at.start)),
                None => String::new(),
            };
            let reason = d
                .reason
                .clone()
                .unwrap_or_else(|| "(no reason given)".to_string());
            suppressed.push(Suppressed {
                finding: f,
                reason,
                by,
            });
        }
        (kept, suppressed)
    }

    /// KX008 findings for kexit directives (comments and annotations) that silenced nothing
    /// (the rule file words them).
    pub fn unused(&self, project: &Project) -> Vec<Finding> {
        use rules::kx008_unused_suppression::{finding, Unused};
        let cfg = &project.config;
        let mut out = Vec::new();
        for d in &self.directives {
            if d.origin == Origin::Hadolint {
                continue;
            }
            if !project.files.get(d.at.file).is_some_and(|s| s.report) {
                continue;
            }
            let form = match d.origin {
                Origin::Annotation => "annotation",
                _ => "comment",
            };
            if let Some(why) = &d.dead {
                out.push(finding(d.at, form, Unused::Dead(why)));
                continue;
            }
            if d.codes.is_empty() {
                out.push(finding(d.at, form, Unused::NoRule));
                continue;
            }
            for c in &d.codes {
                match c.rule {
                    None => out.push(finding(c.span, form, Unused::NotARule(&c.text))),
                    Some(code) if !c.used => {
                        let name = crate::meta::by_code(code).map_or("", |r| r.name);
                        if cfg.is_disabled(code, name) {
                            continue;
                        }
                        out.push(finding(
                            c.span,
                            form,
                            Unused::Unneeded {
                                code,
                                text: &c.text,
                            },
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        out
    }
}

mod config_ignore;
pub use config_ignore::{path_matches, relative_to_base, PathGlobs};
mod resolve;
#[cfg(test)]
mod tests;
