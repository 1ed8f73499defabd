//! KX120 relative-workdir: Relative WORKDIR depends on the previous one.

use crate::docker::InstKind;
use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::source::Span;
use crate::text::crop;
use crate::image::build::normalize;

pub static RULE: Rule = Rule {
    meta: &meta::KX120,
    check,
};

/// Characters of a directory quoted in a message ([`crate::text::crop`]).
const QUOTED: usize = 160;

/// The working directory before an instruction, as the rule follows it.
enum Wd {
    /// The base's (not computed yet).
    Base,
    Known(String),
    Unknown,
    /// Longer than Linux can name (`PATH_MAX`, `NAME_MAX`): the build fails at the WORKDIR
    /// that made it so. Not held (40,000 `WORKDIR a` grew it without limit).
    TooLong,
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (di, d) in model.dockerfiles().iter().enumerate() {
        for s in &d.stages {
            // The working directory before each instruction: start from the base. The base
            // image's WORKDIR is looked up only when a relative WORKDIR needs it (most stages
            // have none, or set an absolute one first).
            let base_wd = || {
                model.images.stage(di, s.index)?;
                match d.stage_by_ref(&s.from.image.value, s.index) {
                    Some(b) => match model.images.stage(di, b.index) {
                        Some(i) if i.workdir_lost => Some(Wd::TooLong),
                        Some(i) => Some(Wd::Known(i.workdir.clone())),
                        None => base_catalogue(&s.from.image.value),
                    },
                    None => base_catalogue(&s.from.image.value),
                }
            };
            let mut wd = Wd::Base;
            for i in &s.instructions {
                let InstKind::Workdir(w) = &i.kind else {
                    continue;
                };
                // The front end has removed quotes (`WORKDIR "/app"` is `/app`).
                let v = w.value.trim();
                if v.is_empty() || v.starts_with('/') || v.starts_with('$') || windows_path(v) {
                    wd = match v.starts_with('/') {
                        true if crate::image::build::nameable(&normalize("/", v)) => {
                            Wd::Known(v.to_string())
                        }
                        true => Wd::TooLong,
                        false => Wd::Unknown,
                    };
                    continue;
                }
                // `WORKDIR .` (or `./`) changes nothing, whatever the directory is.
                if v.split('/').all(|c| c.is_empty() || c == ".") {
                    continue;
                }
                let cur = match std::mem::replace(&mut wd, Wd::Unknown) {
                    Wd::Base => base_wd().unwrap_or(Wd::Unknown),
                    w => w,
                };
                let shown = crop(v, QUOTED);
                // The directory it resolves to; None when it is unknown or too long.
                let (msg, resolved) = match &cur {
                    Wd::Known(b) => {
                        let r = normalize(b, v);
                        let b = crop(b, QUOTED);
                        if crate::image::build::nameable(&r) {
                            let msg = format!(
                                "WORKDIR `{shown}` is relative: it resolves against the previous working directory (`{b}`), here to `{}`, and changes silently when the base image or an earlier WORKDIR changes",
                                crop(&r, QUOTED)
                            );
                            (msg, Some(r))
                        } else {
                            wd = Wd::TooLong;
                            let msg = format!(
                                "WORKDIR `{shown}` is relative: it resolves against the previous working directory (`{b}`), here to a path longer than Linux can name, and changes silently when the base image or an earlier WORKDIR changes"
                            );
                            (msg, None)
                        }
                    }
                    Wd::TooLong => {
                        wd = Wd::TooLong;
                        let msg = format!(
                            "WORKDIR `{shown}` is relative: it resolves against the previous working directory, a path longer than Linux can name"
                        );
                        (msg, None)
                    }
                    Wd::Base | Wd::Unknown => (
                        format!(
                            "WORKDIR `{shown}` is relative: it resolves against the previous working directory, which kexit cannot determine (the base image's WORKDIR)"
                        ),
                        None,
                    ),
                };
                let help = match &resolved {
                    Some(r) if r.chars().nth(QUOTED).is_none() => {
                        format!("Use an absolute path: WORKDIR {r}")
                    }
                    _ => "Use an absolute path".to_string(),
                };
                out.push(Finding::new(&RULE, Span::new(d.file, w.span.clone()), msg).help(help));
                if let Some(r) = resolved {
                    wd = Wd::Known(r);
                }
            }
        }
    }
}

/// The WORKDIR of a catalogue base (`None` when the catalogue does not know the image).
fn base_catalogue(image: &str) -> Option<Wd> {
    crate::image::catalogue::image(image).map(|i| Wd::Known(i.workdir))
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
