//! KX120 relative-workdir: Relative WORKDIR depends on the previous one.

use crate::docker::InstKind;
use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::source::Span;

pub static RULE: Rule = Rule {
    meta: &meta::KX120,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (di, d) in model.dockerfiles().iter().enumerate() {
        for s in &d.stages {
            // The working directory before each instruction: start from the base. The base
            // image's WORKDIR is looked up only when a relative WORKDIR needs it (most stages
            // have none, or set an absolute one first).
            let base_wd = || {
                model.images.stage(di, s.index).map(|_| ()).and_then(|_| {
                    d.stage_by_ref(&s.from.image.value, s.index)
                        .and_then(|b| model.images.stage(di, b.index))
                        .map(|i| i.workdir.clone())
                        .or_else(|| {
                            crate::image::catalogue::image(&s.from.image.value).map(|i| i.workdir)
                        })
                })
            };
            // None: still the base's (not computed yet); Some(x): set by a WORKDIR.
            let mut wd: Option<Option<String>> = None;
            for i in &s.instructions {
                let InstKind::Workdir(w) = &i.kind else {
                    continue;
                };
                // The front end has removed quotes (`WORKDIR "/app"` is `/app`).
                let v = w.value.trim();
                if v.is_empty() || v.starts_with('/') || v.starts_with('$') || windows_path(v) {
                    wd = Some(if v.starts_with('/') {
                        Some(v.to_string())
                    } else {
                        None
                    });
                    continue;
                }
                // `WORKDIR .` (or `./`) changes nothing, whatever the directory is.
                if v.split('/').all(|c| c.is_empty() || c == ".") {
                    continue;
                }
                let cur = wd.take().unwrap_or_else(base_wd);
                let resolved = cur.as_deref().map(|b| crate::image::build::normalize(b, v));
                let msg = match &resolved {
                    Some(r) => format!(
                        "WORKDIR `{v}` is relative: it resolves against the previous working directory (`{}`), here to `{r}`, and changes silently when the base image or an earlier WORKDIR changes",
                        cur.as_deref().unwrap_or("/")
                    ),
                    None => format!(
                        "WORKDIR `{v}` is relative: it resolves against the previous working directory, which kexit cannot determine (the base image's WORKDIR)"
                    ),
                };
                out.push(
                    Finding::new(&RULE, Span::new(d.file, w.span.clone()), msg).help(
                        match &resolved {
                            Some(r) => format!("Use an absolute path: WORKDIR {r}"),
                            None => "Use an absolute path".to_string(),
                        },
                    ),
                );
                wd = Some(resolved);
            }
        }
    }
}

/// A Windows path: `C:\app`, `c:/build` (a drive letter), or `\app` (rooted on the current
/// drive). Windows images resolve these themselves; none is relative to the previous WORKDIR
/// in the sense of this rule.
fn windows_path(v: &str) -> bool {
    let b = v.as_bytes();
    v.starts_with('\\') || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

#[cfg(test)]
mod tests {
    #[test]
    fn windows_paths() {
        assert!(super::windows_path("C:\\app"));
        assert!(super::windows_path("c:/build"));
        assert!(super::windows_path("C:"));
        assert!(super::windows_path("\\inetpub"));
        assert!(!super::windows_path("app"));
        assert!(!super::windows_path("src/c:"));
    }
}
