//! Rendered input: Helm charts and kustomizations.
//!
//! * Helm charts (a directory holding `Chart.yaml`) are detected: the files under `templates/`
//!   are Go templates, never parsed as YAML. With `--render` and `helm` on PATH each chart is
//!   rendered with `helm template`; otherwise one KX010 info per chart says it was not linted.
//! * `helm template` output on stdin is split by its `# Source:` comments.
//! * Kustomization directories named on the command line are rendered with `--render`.
//!
//! Findings in rendered text point at the template file the text came from (see [`note`]).

use crate::finding::Finding;
use crate::project::Project;
use crate::source::{FileKind, SourceFile, Span};
use crate::yaml::{self, Node};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether `dir` is a Helm chart.
pub fn is_chart(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
}

/// The chart directory when `path` lies under a chart's `templates/` directory (subcharts in
/// `charts/NAME/templates/` included): such a file is a Go template, not a manifest.
pub fn chart_of_template(path: &Path) -> Option<PathBuf> {
    // Only ancestors literally named `templates` are checked, so this costs one `stat` per such
    // ancestor, and the walk is bounded by the path's depth.
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.file_name().is_some_and(|n| n == "templates") {
            let chart = d.parent().unwrap_or(Path::new(""));
            let probe = if chart.as_os_str().is_empty() {
                Path::new(".")
            } else {
                chart
            };
            if is_chart(probe) {
                return Some(chart.to_path_buf());
            }
        }
        dir = d.parent();
    }
    None
}

/// Charts found among discovered files, with the number of their templates, in path order.
pub type Charts = BTreeMap<PathBuf, usize>;

/// Remove chart templates from `files`, counting them per chart in `charts`.
pub fn take_chart_templates(files: &mut Vec<crate::discover::Found>, charts: &mut Charts) {
    files.retain(|f| {
        if f.kind == crate::discover::Kind::Dockerfile {
            return true;
        }
        match chart_of_template(&f.path) {
            Some(c) => {
                *charts.entry(c).or_default() += 1;
                false
            }
            None => true,
        }
    });
}

fn chart_yaml(chart: &Path) -> PathBuf {
    chart.join("Chart.yaml")
}

/// One KX010 info per chart that was not rendered, on its `Chart.yaml` (loaded for the purpose
/// when discovery did not bring it), saying why.
pub fn note_unrendered(project: &mut Project, charts: &[(PathBuf, usize, String)]) {
    for (chart, templates, why) in charts {
        let path = chart_yaml(chart);
        let name = path.to_string_lossy().into_owned();
        let id = match project.files.iter().position(|f| f.path == name) {
            Some(id) => {
                project.files[id].report = true;
                id
            }
            None => {
                let text = crate::source::read_text_bounded(&path, 1 << 20).unwrap_or_default();
                project
                    .files
                    .push(SourceFile::new(name.clone(), FileKind::Other, text));
                project.files.len() - 1
            }
        };
        let src = &project.files[id];
        // Point at the chart's `name:` when it is there.
        let span = yaml::parse(&src.text)
            .docs
            .first()
            .and_then(|d| d.root.entry("name").map(|(k, v)| k.span.start..v.span.end))
            .unwrap_or(0..0);
        let shown = chart.to_string_lossy();
        let shown = match shown.strip_prefix("./") {
            Some("") | None if shown.is_empty() => ".".to_string(),
            Some(rest) => rest.to_string(),
            None => shown.into_owned(),
        };
        project.unrendered.push(crate::project::Unrendered {
            span: Span::new(id, span),
            chart: shown,
            templates: *templates,
            why: why.clone(),
        });
    }
}

/// One virtual file made of rendered documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The template (helm) or resource file (kustomize) the documents came from.
    pub name: String,
    pub text: String,
}

/// Which renderer produced a file, for the note appended to findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    Helm,
    Kustomize,
}

/// The note appended to the message of findings in rendered files. `mapped`: the finding is
/// moved back to its source file ([`relocate`]), at the source line or without a line.
pub fn note(r: Renderer, mapped: bool) -> &'static str {
    match (r, mapped) {
        (Renderer::Helm, false) => " (rendered by helm; line refers to the rendered output)",
        (Renderer::Kustomize, false) => {
            " (rendered by kustomize; line refers to the rendered output)"
        }
        (Renderer::Helm, true) => " (in the output of `helm template`)",
        (Renderer::Kustomize, true) => " (in the output of kustomize)",
    }
}

fn is_doc_start(line: &str) -> bool {
    line == "---" || line.starts_with("--- ") || line.starts_with("---\t")
}

/// Split `helm template` output into one virtual file per `# Source:` template, keeping the
/// documents of a template together and in order. None when the text has no `# Source:` line.
pub fn split_helm(text: &str, default_name: &str) -> Option<Vec<Rendered>> {
    if !text.lines().any(|l| l.starts_with("# Source: ")) {
        return None;
    }
    let mut out: Vec<Rendered> = Vec::new();
    let mut chunk = String::new();
    let mut name: Option<String> = None;
    let flush = |chunk: &mut String, name: &mut Option<String>, out: &mut Vec<Rendered>| {
        if chunk.trim().is_empty() || chunk.trim() == "---" {
            chunk.clear();
            *name = None;
            return;
        }
        let n = name.take().unwrap_or_else(|| default_name.to_string());
        match out.iter_mut().find(|r| r.name == n) {
            Some(r) => r.text.push_str(chunk),
            None => out.push(Rendered {
                name: n,
                text: chunk.clone(),
            }),
        }
        chunk.clear();
    };
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if is_doc_start(bare) {
            flush(&mut chunk, &mut name, &mut out);
        } else if name.is_none() {
            if let Some(src) = bare.strip_prefix("# Source: ") {
                name = Some(src.trim().to_string());
            }
        }
        chunk.push_str(line);
    }
    flush(&mut chunk, &mut name, &mut out);
    Some(out)
}

/// Bounds on a renderer subprocess (`--render-timeout`, and the output cap: `--max-file-size`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: std::time::Duration,
    pub max_output: u64,
}

/// Why a renderer produced nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// The program is not on PATH.
    NotFound,
    Failed(String),
}

/// Run `cmd` (stdin closed), killing it after the timeout or once its output passes the cap.
/// Returns its stdout when it exits 0.
pub fn run_bounded(mut cmd: Command, limits: Limits) -> Result<String, RunError> {
    use std::io::Read;
    use std::process::Stdio;
    let shown = format!("{cmd:?}").replace('"', "");
    let mut child = match cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(RunError::NotFound),
        Err(e) => return Err(RunError::Failed(format!("cannot run `{shown}`: {e}"))),
    };
    let cap = limits.max_output;
    let out = child.stdout.take().map(|mut o| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = o.by_ref().take(cap.saturating_add(1)).read_to_end(&mut buf);
            buf
        })
    });
    let err = child.stderr.take().map(|mut e| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = e.by_ref().take(16 * 1024).read_to_end(&mut buf);
            // Drain the rest so the child never blocks on a full pipe.
            let _ = std::io::copy(&mut e, &mut std::io::sink());
            buf
        })
    });
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) if started.elapsed() >= limits.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(10)),
            Err(e) => return Err(RunError::Failed(format!("waiting for `{shown}`: {e}"))),
        }
    };
    let Some(status) = status else {
        // The readers are not joined: a grandchild may still hold the pipes open; they end
        // with it (or with kexit).
        return Err(RunError::Failed(format!(
            "`{shown}` did not finish within {} s (--render-timeout)",
            limits.timeout.as_secs()
        )));
    };
    let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = err.and_then(|h| h.join().ok()).unwrap_or_default();
    if stdout.len() as u64 > cap {
        return Err(RunError::Failed(format!(
            "`{shown}` printed more than {cap} bytes (--max-file-size)"
        )));
    }
    if !status.success() {
        let msg = String::from_utf8_lossy(&stderr);
        let msg: String = msg
            .trim()
            .chars()
            .filter(|c| *c == '\n' || !c.is_control())
            .take(2000)
            .collect();
        return Err(RunError::Failed(format!("`{shown}` failed: {msg}")));
    }
    String::from_utf8(stdout)
        .map_err(|_| RunError::Failed(format!("`{shown}` printed output that is not UTF-8")))
}

/// Whether a `--values` argument or a kustomize resource names something remote.
pub fn is_remote(s: &str) -> bool {
    let s = s.trim();
    s.contains("://")
        || s.starts_with("git@")
        || s.starts_with("git::")
        || s.starts_with("github.com/")
        || s.starts_with("gitlab.com/")
        || s.starts_with("bitbucket.org/")
        || s.contains("?ref=")
        || (s.contains("//") && !s.starts_with('/') && !s.starts_with('.'))
}

/// `helm template CHART [--values FILE]…`. Values files that name a URL are refused unless
/// remote inputs are allowed (helm would download them).
pub fn helm_template(
    chart: &Path,
    values: &[PathBuf],
    allow_remote: bool,
    limits: Limits,
) -> Result<String, RunError> {
    if !allow_remote {
        if let Some(v) = values.iter().find(|v| is_remote(&v.to_string_lossy())) {
            return Err(RunError::Failed(format!(
                "--values {} is remote; kexit fetches nothing unless --render-allow-remote is given",
                v.display()
            )));
        }
    }
    let mut cmd = Command::new("helm");
    cmd.arg("template");
    cmd.arg(if chart.as_os_str().is_empty() {
        Path::new(".")
    } else {
        chart
    });
    for v in values {
        cmd.arg("--values").arg(v);
    }
    run_bounded(cmd, limits)
}

/// Split `helm template CHART` output into one rendered file per template, named by the
/// template's path on disk (`CHART/templates/x.yaml`, subcharts `CHART/charts/SUB/templates/…`).
pub fn split_chart(chart: &Path, text: &str) -> Vec<Rendered> {
    let Some(parts) = split_helm(text, &chart_yaml(chart).to_string_lossy()) else {
        return Vec::new();
    };
    parts
        .into_iter()
        .map(|mut r| {
            // `# Source: NAME/templates/x.yaml`: NAME is the chart's name, not its directory.
            if let Some((_, rest)) = r.name.split_once('/') {
                let real = chart.join(rest);
                if real.is_file() {
                    r.name = real.to_string_lossy().into_owned();
                }
            }
            r
        })
        .collect()
}

/// Where the text of a rendered file came from, for mapping findings back ([`relocate`]).
#[derive(Debug, Clone)]
pub enum Origin {
    /// One chart template (its path on disk).
    HelmTemplate(PathBuf),
    /// `kustomize build` output with origin annotations, which are relative to `wrapper` (an
    /// absolute directory); `target` is the kustomization directory (absolute) and `dir` the
    /// same directory as given on the command line.
    Kustomize {
        dir: PathBuf,
        wrapper: PathBuf,
        target: PathBuf,
    },
}

/// Whether a template line can have produced a rendered line: literal lines are equal;
/// lines with `{{ … }}` actions have their literal parts in the rendered line, in order, the
/// first at its start and the last at its end. Lines that are only actions match nothing.
fn template_line_matches(t: &str, r: &str) -> bool {
    let t = t.trim_end();
    let r = r.trim_end();
    if t.trim().is_empty() || t.trim_start().starts_with('#') {
        return false;
    }
    if !t.contains("{{") {
        return t == r;
    }
    let mut pieces: Vec<&str> = Vec::new();
    let mut rest = t;
    while let Some(i) = rest.find("{{") {
        pieces.push(&rest[..i]);
        match rest[i..].find("}}") {
            Some(j) => rest = &rest[i + j + 2..],
            None => return false,
        }
    }
    pieces.push(rest);
    let literal: usize = pieces.iter().map(|p| p.trim().len()).sum();
    if literal < 2 {
        return false;
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !r.starts_with(first) || !r[first.len()..].ends_with(last) {
        return false;
    }
    let mut pos = first.len();
    let end = r.len() - last.len();
    for p in &pieces[1..pieces.len() - 1] {
        match r.get(pos..end).and_then(|s| s.find(p)) {
            Some(i) => pos += i + p.len(),
            None => return false,
        }
    }
    true
}

/// The template line (0-based) of each rendered line (0-based), by the longest common
/// subsequence of matching lines: include/range output between literal lines is skipped over,
/// never guessed. None past a size bound (then no line is mapped).
fn align(template: &[&str], rendered: &[&str]) -> Option<Vec<Option<usize>>> {
    let (n, m) = (rendered.len(), template.len());
    if n.saturating_mul(m) > 4_000_000 {
        return None;
    }
    // lcs[i][j] for rendered[i..], template[j..], in one flat table.
    let w = m + 1;
    let mut lcs = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * w + j] = if template_line_matches(template[j], rendered[i]) {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if template_line_matches(template[j], rendered[i])
            && lcs[i * w + j] == lcs[(i + 1) * w + j + 1] + 1
        {
            out[i] = Some(j);
            i += 1;
            j += 1;
        } else if lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    Some(out)
}

/// Rendered documents of a file: (first line, end line) 0-based, split at `---` lines.
fn doc_ranges(lines: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, l) in lines.iter().enumerate() {
        if is_doc_start(l.trim_end_matches('\r')) && i > start {
            out.push((start, i));
            start = i;
        }
    }
    out.push((start, lines.len()));
    out
}

/// The span in `origin` (text) for a finding at `range` of a rendered helm file, or None.
fn map_helm(
    rendered: &str,
    range: std::ops::Range<usize>,
    origin: &str,
) -> Option<std::ops::Range<usize>> {
    let r_lines: Vec<&str> = rendered.split('\n').collect();
    let t_lines: Vec<&str> = origin.split('\n').collect();
    let line = rendered
        .get(..range.start.min(rendered.len()))?
        .matches('\n')
        .count();
    let (d0, d1) = doc_ranges(&r_lines)
        .into_iter()
        .find(|(a, b)| (*a..*b).contains(&line))?;
    let map = align(&t_lines, &r_lines[d0..d1])?;
    let tl = map.get(line - d0).copied().flatten()?;
    let t_start: usize = t_lines[..tl].iter().map(|l| l.len() + 1).sum();
    let t_line = t_lines[tl];
    // The offending token when the template has it verbatim, else the line's content.
    let token = rendered.get(range.clone()).unwrap_or("");
    if !token.is_empty() && !token.contains('\n') {
        if let Some(i) = t_line.find(token) {
            return Some(t_start + i..t_start + i + token.len());
        }
    }
    let content = t_line.trim_end_matches('\r');
    let lead = content.len() - content.trim_start().len();
    Some(t_start + lead..t_start + content.len())
}

/// Move findings (and their labels) out of rendered files into the files their text came
/// from: at the matching line when it can be found, else the file without a line — never a
/// guessed line. The origin files are added to the project for display.
pub fn relocate(
    project: &mut Project,
    findings: &mut [Finding],
    origins: &std::collections::HashMap<String, Origin>,
) {
    if origins.is_empty() {
        return;
    }
    let mut loaded: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    let mut move_span = |project: &mut Project, span: Span| -> Span {
        let Some(file) = project.files.get(span.file) else {
            return span;
        };
        let Some(origin) = origins.get(&file.path) else {
            return span;
        };
        if !span.has_line() {
            return span;
        }
        let rendered = file.text.clone();
        let (path, kustomize) = match origin {
            Origin::HelmTemplate(p) => (Some(p.clone()), None),
            Origin::Kustomize {
                dir,
                wrapper,
                target,
            } => match kustomize_origin(&rendered, span.start, dir, wrapper, target) {
                Some((p, doc)) => (Some(p), Some(doc)),
                None => (None, None),
            },
        };
        let Some(path) = path else {
            return span;
        };
        let id = match loaded.get(&path) {
            Some(id) => *id,
            None => {
                let text = crate::source::read_text_bounded(&path, project.config.max_file_size)
                    .unwrap_or_default();
                project.files.push(SourceFile::new(
                    path.to_string_lossy().into_owned(),
                    FileKind::Other,
                    text,
                ));
                let id = project.files.len() - 1;
                loaded.insert(path.clone(), id);
                id
            }
        };
        let origin_text = &project.files[id].text;
        let mapped = match kustomize {
            None => map_helm(&rendered, span.range(), origin_text),
            Some(doc) => map_kustomize_span(&rendered, span.range(), &doc, origin_text),
        };
        match mapped {
            Some(r) => Span::new(id, r),
            None => Span::file_only(id),
        }
    };
    for f in findings.iter_mut() {
        f.span = move_span(project, f.span);
        for l in &mut f.labels {
            l.span = move_span(project, l.span);
        }
    }
}

/// Normalise `a/b/../c` lexically (kustomize origin paths are relative, with `..`).
fn lexical(p: &Path) -> PathBuf {
    let mut out: Vec<std::path::Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if matches!(out.last(), Some(std::path::Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// The rendered document (its root) holding `offset`, and the source file its
/// `config.kubernetes.io/origin` annotation names, as a path reached from the arguments.
fn kustomize_origin(
    rendered: &str,
    offset: usize,
    dir: &Path,
    wrapper: &Path,
    target: &Path,
) -> Option<(PathBuf, Node)> {
    let file = yaml::parse(rendered);
    let doc = file
        .docs
        .iter()
        .rev()
        .find(|d| d.start <= offset)?
        .root
        .clone();
    let note = doc
        .path(&["metadata", "annotations"])?
        .get("config.kubernetes.io/origin")?
        .as_str()?
        .to_string();
    let origin = yaml::parse(&note);
    let root = &origin.docs.first()?.root;
    if root.get("repo").is_some() {
        return None;
    }
    let path = root
        .get("path")
        .or_else(|| root.get("configuredIn"))?
        .as_str()?;
    // Absolute, then relative to the kustomization directory, then as reached from the args.
    let abs = lexical(&wrapper.join(path));
    let common = abs
        .components()
        .zip(target.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut rel = PathBuf::new();
    for _ in common..target.components().count() {
        rel.push("..");
    }
    for c in abs.components().skip(common) {
        rel.push(c);
    }
    let base = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let real = lexical(&base.join(rel));
    let real = if dir.starts_with("./") || dir == Path::new(".") {
        Path::new(".").join(real)
    } else {
        real
    };
    Some((real, doc))
}

/// The path of keys and item identities from `root` down to the innermost node holding
/// `offset` (a key or a value), with whether the offset is on the key.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    /// A sequence item: its index, and its `name` when it is a mapping with one.
    Item(usize, Option<String>),
}

fn path_to(node: &Node, offset: usize, out: &mut Vec<Step>, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    match &node.value {
        yaml::Value::Map(entries) => {
            for (k, v) in entries {
                let key = k.scalar_text().unwrap_or_default();
                if k.span.contains(&offset) {
                    out.push(Step::Key(key));
                    return true;
                }
                if v.span.contains(&offset) || (v.span.start == offset && v.span.is_empty()) {
                    out.push(Step::Key(key));
                    path_to(v, offset, out, depth + 1);
                    return true;
                }
            }
            false
        }
        yaml::Value::Seq(items) => {
            for (i, it) in items.iter().enumerate() {
                if it.span.contains(&offset) {
                    let name = it.get("name").and_then(Node::scalar_text);
                    out.push(Step::Item(i, name));
                    path_to(it, offset, out, depth + 1);
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}

fn follow<'a>(node: &'a Node, steps: &[Step]) -> Option<&'a Node> {
    let mut n = node;
    for s in steps {
        n = match s {
            Step::Key(k) => n.get(k)?,
            Step::Item(_, Some(name)) => n
                .items()
                .iter()
                .find(|it| it.get("name").and_then(Node::scalar_text).as_deref() == Some(name))?,
            Step::Item(i, None) => n.items().get(*i)?,
        };
    }
    Some(n)
}

/// The same node in the source document, when its text there is the rendered text (a value a
/// patch or transformer changed is not in the source file: no line then).
fn map_kustomize_span(
    rendered: &str,
    range: std::ops::Range<usize>,
    doc: &Node,
    origin: &str,
) -> Option<std::ops::Range<usize>> {
    let mut steps = Vec::new();
    if !path_to(doc, range.start, &mut steps, 0) {
        return None;
    }
    let r_node = follow(doc, &steps)?;
    let kind = doc.get("kind").and_then(Node::as_str);
    let name = doc.path(&["metadata", "name"]).and_then(Node::as_str);
    let src = yaml::parse(origin);
    // The source document: same kind, and a name the rendered one contains (prefix/suffix).
    let candidates: Vec<&Node> = src
        .docs
        .iter()
        .map(|d| &d.root)
        .filter(|d| d.get("kind").and_then(Node::as_str) == kind)
        .collect();
    let s_doc = match candidates.as_slice() {
        [one] => *one,
        many => *many
            .iter()
            .filter(|d| {
                d.path(&["metadata", "name"])
                    .and_then(Node::as_str)
                    .is_some_and(|n| name.is_some_and(|r| r.contains(n)))
            })
            .max_by_key(|d| {
                d.path(&["metadata", "name"])
                    .and_then(Node::as_str)
                    .map_or(0, str::len)
            })?,
    };
    let s_node = follow(s_doc, &steps)?;
    let r_text = rendered.get(r_node.span.clone())?;
    let s_text = origin.get(s_node.span.clone())?;
    let on_key = matches!(steps.last(), Some(Step::Key(_))) && !r_node.span.contains(&range.start);
    if on_key {
        // The finding is on the key: point at the same key in the source.
        let (parent_steps, last) = steps.split_at(steps.len() - 1);
        let parent = follow(s_doc, parent_steps)?;
        let Step::Key(k) = &last[0] else { return None };
        let (key, _) = parent.entry(k)?;
        return Some(key.span.clone());
    }
    if r_node.scalar_text() != s_node.scalar_text() || (r_node.is_map() != s_node.is_map()) {
        return None;
    }
    if r_text == s_text {
        let off = range.start.saturating_sub(r_node.span.start);
        let len = range.end.saturating_sub(range.start);
        return Some(
            s_node.span.start + off
                ..(s_node.span.start + off + len).min(s_node.span.end.max(s_node.span.start + off)),
        );
    }
    Some(s_node.span.clone())
}

/// Whether a directory holds a kustomization.
pub fn is_kustomization(dir: &Path) -> bool {
    ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .any(|n| dir.join(n).is_file())
}

/// Largest kustomization file read when looking for remote bases (bytes actually read).
const KUSTOMIZATION_CAP: u64 = 1 << 20;

/// Remote entries (URLs, git repositories) in the kustomizations reachable from `dir` through
/// local `resources`/`bases`/`components` directories (bounded walk).
pub fn remote_entries(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if seen.len() > 256 {
            break;
        }
        let Ok(canon) = std::fs::canonicalize(&d) else {
            continue;
        };
        if seen.contains(&canon) {
            continue;
        }
        seen.push(canon);
        let Some(text) = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
            .iter()
            .find_map(|n| crate::source::read_text_bounded(&d.join(n), KUSTOMIZATION_CAP))
        else {
            continue;
        };
        for doc in yaml::parse(&text).docs {
            for key in ["resources", "bases", "components"] {
                for item in doc.root.get(key).map(Node::items).unwrap_or(&[]) {
                    let Some(v) = item.as_str() else { continue };
                    if is_remote(v) {
                        out.push(v.to_string());
                    } else if d.join(v).is_dir() {
                        stack.push(d.join(v));
                    }
                }
            }
            if doc.root.get("helmCharts").is_some() {
                out.push("helmCharts (downloaded by kustomize --enable-helm)".to_string());
            }
        }
    }
    out
}

/// The kustomization directory rendered through a wrapper kustomization that adds
/// `buildMetadata: [originAnnotations]`, so each object says which file it came from. Returns
/// the output, and the wrapper and target directories (absolute) for [`Origin::Kustomize`].
/// The wrapper lives in the system temporary directory and is removed afterwards.
pub fn kustomize_with_origins(
    dir: &Path,
    limits: Limits,
) -> Result<(String, PathBuf, PathBuf), RunError> {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let target = std::fs::canonicalize(dir)
        .map_err(|e| RunError::Failed(format!("{}: {e}", dir.display())))?;
    let tmp = std::fs::canonicalize(std::env::temp_dir())
        .map_err(|e| RunError::Failed(format!("temporary directory: {e}")))?;
    let wrapper = tmp.join(format!(
        "kexit-render-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&wrapper)
        .map_err(|e| RunError::Failed(format!("{}: {e}", wrapper.display())))?;
    let mut rel = String::new();
    for _ in wrapper.components().skip(1) {
        rel.push_str("../");
    }
    let target_str = target.to_string_lossy();
    rel.push_str(target_str.trim_start_matches('/'));
    let quoted = serde_json::to_string(&rel).unwrap_or_default();
    let result = std::fs::write(
        wrapper.join("kustomization.yaml"),
        format!("resources:\n- {quoted}\nbuildMetadata: [originAnnotations]\n"),
    )
    .map_err(|e| RunError::Failed(format!("{}: {e}", wrapper.display())))
    .and_then(|_| kustomize_bounded(&wrapper, limits));
    let _ = std::fs::remove_dir_all(&wrapper);
    result.map(|out| (out, wrapper, target))
}

/// `kubectl kustomize DIR`, else `kustomize build DIR`, bounded.
pub fn kustomize_bounded(dir: &Path, limits: Limits) -> Result<String, RunError> {
    let mut cmd = Command::new("kubectl");
    cmd.arg("kustomize").arg(dir);
    match run_bounded(cmd, limits) {
        Err(RunError::NotFound) => {
            let mut cmd = Command::new("kustomize");
            cmd.arg("build").arg(dir);
            run_bounded(cmd, limits)
        }
        r => r,
    }
}

/// Run `kubectl kustomize DIR`, else `kustomize build DIR`.
pub fn kustomize(dir: &Path) -> Result<String, String> {
    let attempts: [(&str, &[&str]); 2] = [("kubectl", &["kustomize"]), ("kustomize", &["build"])];
    let mut missing = Vec::new();
    for (tool, args) in attempts {
        match Command::new(tool).args(args).arg(dir).output() {
            Ok(out) if out.status.success() => {
                return String::from_utf8(out.stdout)
                    .map_err(|_| format!("`{tool}` printed output that is not UTF-8"));
            }
            Ok(out) => {
                return Err(format!(
                    "`{tool} {} {}` failed: {}",
                    args.join(" "),
                    dir.display(),
                    String::from_utf8_lossy(&out.stderr).trim()
                ))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(tool),
            Err(e) => return Err(format!("cannot run `{tool}`: {e}")),
        }
    }
    Err(format!(
        "--render needs `kubectl` or `kustomize` on PATH to render {} (neither found: {}); run without --render to lint the files as they are",
        dir.display(),
        missing.join(", ")
    ))
}

fn kind_name(root: &Node) -> Option<(String, String)> {
    Some((
        root.get("kind")?.as_str()?.to_string(),
        root.path(&["metadata", "name"])?.as_str()?.to_string(),
    ))
}

/// Map each rendered document back to the resource file under `dir` that defines an object of
/// the same kind whose name is contained in the rendered name (kustomize adds prefixes and
/// suffixes). Documents that match nothing go to `<dir>/kustomization.yaml`.
pub fn map_kustomize(dir: &Path, rendered: &str, sources: &[(PathBuf, String)]) -> Vec<Rendered> {
    let mut index: Vec<(String, String, String)> = Vec::new();
    for (path, text) in sources {
        for d in yaml::parse(text).docs {
            if let Some((k, n)) = kind_name(&d.root) {
                index.push((k, n, path.to_string_lossy().into_owned()));
            }
        }
    }
    let fallback = dir
        .join("kustomization.yaml")
        .to_string_lossy()
        .into_owned();
    let mut out: Vec<Rendered> = Vec::new();
    let mut chunks: Vec<String> = vec![String::new()];
    for line in rendered.split_inclusive('\n') {
        if is_doc_start(line.trim_end_matches(['\n', '\r'])) {
            chunks.push(String::new());
        }
        if let Some(c) = chunks.last_mut() {
            c.push_str(line);
        }
    }
    for chunk in chunks {
        if chunk.trim().is_empty() || chunk.trim() == "---" {
            continue;
        }
        let name = yaml::parse(&chunk)
            .docs
            .first()
            .and_then(|d| kind_name(&d.root))
            .and_then(|(k, n)| {
                index
                    .iter()
                    .filter(|(ik, iname, _)| *ik == k && n.contains(iname.as_str()))
                    .max_by_key(|(_, iname, _)| iname.len())
                    .map(|(_, _, p)| p.clone())
            })
            .unwrap_or_else(|| fallback.clone());
        let mut text = chunk;
        if !text.starts_with("---") {
            text.insert_str(0, "---\n");
        }
        match out.iter_mut().find(|r| r.name == name) {
            Some(r) => r.text.push_str(&text),
            None => out.push(Rendered { name, text }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_output_is_split_by_source() {
        let text = "---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/b.yaml\nkind: B\n---\n# Source: c/templates/a.yaml\nkind: A2\n";
        let r = split_helm(text, "<stdin>").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].name, "c/templates/a.yaml");
        assert_eq!(
            r[0].text,
            "---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/a.yaml\nkind: A2\n"
        );
        assert_eq!(r[1].name, "c/templates/b.yaml");
        assert!(split_helm("kind: A\n", "x").is_none());
    }

    #[test]
    fn kustomize_documents_map_to_resources() {
        let sources = vec![(
            PathBuf::from("k/deploy.yaml"),
            "kind: Deployment\nmetadata:\n  name: web\n".to_string(),
        )];
        let r = map_kustomize(
            Path::new("k"),
            "kind: Deployment\nmetadata:\n  name: prod-web\n---\nkind: Service\nmetadata:\n  name: x\n",
            &sources,
        );
        assert_eq!(r[0].name, "k/deploy.yaml");
        assert_eq!(r[1].name, "k/kustomization.yaml");
    }
}
