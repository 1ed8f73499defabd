//! Moving findings in rendered text back to the files the text came from.

use super::helm::map_helm;
use super::kustomize::{kustomize_origin, map_kustomize_span};
use crate::finding::Finding;
use crate::project::Project;
use crate::source::{FileKind, SourceFile, Span};
use std::path::PathBuf;

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
