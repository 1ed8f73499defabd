//! Helm charts: detection, `helm template`, splitting its output by `# Source:` and mapping
//! rendered lines back to template lines.

use super::{is_remote, run_bounded, Limits, Rendered, RunError};
use crate::project::Project;
use crate::source::{FileKind, SourceFile, Span};
use crate::yaml;
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
    chart_above(path, "templates")
}

/// Whether `path` lies in a chart's `files/` directory (read by the chart's templates through
/// `.Files`, often Go templates themselves): chart data, not a manifest.
pub fn in_chart_files(path: &Path) -> bool {
    chart_above(path, "files").is_some()
}

/// The chart whose directory `dir` (`templates`, `files`) holds `path`, at any depth.
fn chart_above(path: &Path, dir: &str) -> Option<PathBuf> {
    // Only ancestors literally named `dir` are checked, so this costs one `stat` per such
    // ancestor, and the walk is bounded by the path's depth.
    let mut ancestor = path.parent();
    while let Some(d) = ancestor {
        if d.file_name().is_some_and(|n| n == dir) {
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
        ancestor = d.parent();
    }
    None
}

/// Charts found among discovered files, with the number of their templates, in path order.
pub type Charts = BTreeMap<PathBuf, usize>;

/// Remove chart templates from `files`, counting them per chart in `charts`, and the chart's
/// `files/` data (not counted: `helm template` does not render them as manifests).
pub fn take_chart_templates(files: &mut Vec<crate::discover::Found>, charts: &mut Charts) {
    files.retain(|f| {
        if f.kind == crate::discover::Kind::Dockerfile {
            return true;
        }
        if in_chart_files(&f.path) {
            return false;
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
    if charts.is_empty() {
        return;
    }
    // The first file of each path, kept up to date as files are added: a scan of all files per
    // chart was O(charts × files) (80,000 charts: 22 s).
    let mut by_path: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, f) in project.files.iter().enumerate() {
        by_path.entry(f.path.clone()).or_insert(i);
    }
    for (chart, templates, why) in charts {
        let path = chart_yaml(chart);
        let name = path.to_string_lossy().into_owned();
        let id = match by_path.get(&name) {
            Some(&id) => {
                project.files[id].report = true;
                id
            }
            None => {
                let text = crate::source::read_text_bounded(&path, 1 << 20).unwrap_or_default();
                project
                    .files
                    .push(SourceFile::new(name.clone(), FileKind::Other, text));
                let id = project.files.len() - 1;
                by_path.insert(name, id);
                id
            }
        };
        let src = &project.files[id];
        // Point at the chart's `name:` when it is there.
        let span = yaml::parse(&src.text)
            .docs
            .first()
            .and_then(|d| {
                d.root
                    .entry("name")
                    .map(|(k, v)| k.span().start..v.span().end)
            })
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

pub(super) fn is_doc_start(line: &str) -> bool {
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
pub(super) fn map_helm(
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
}
