//! KX117 path-env-missing-dir: the container's `env` sets PATH without the directory that holds
//! the command in the image, so the PATH lookup of argv[0] fails.
//!
//! The kubelet passes `env` PATH to the runtime, which resolves a bare argv[0] through it; the
//! image's ENV PATH is replaced, not extended (and `$(PATH)` / `$PATH` inside the value stay
//! literal: the kubelet never sees the image ENV).

use crate::model::process::{processes, ProcKind, Process};
use crate::finding::{Finding, Severity};
use crate::image::Resolved;
use crate::image::Tri;
use crate::model::env::Origin;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX117,
    check,
};

/// Directories that hold the shell and coreutils in every Linux image.
const STANDARD_DIRS: [&str; 6] = [
    "/bin",
    "/usr/bin",
    "/sbin",
    "/usr/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
];

/// Programs that live in `/bin` or `/usr/bin` of any image that has them.
const SYSTEM_PROGRAMS: [&str; 16] = [
    "sh", "bash", "ash", "dash", "env", "sleep", "cat", "echo", "ls", "test", "true", "tail", "cp",
    "mkdir", "chmod", "busybox",
];

fn self_reference(path: &str) -> bool {
    path.contains("$(PATH)") || path.contains("$PATH") || path.contains("${PATH}")
}

/// Look `name` up through `path` as the runtime would: entries holding an unexpanded `$…` are
/// directories that do not exist; other relative entries are unknown.
fn find_on(p: &Process<'_, '_>, path: &str, name: &str) -> Tri {
    let mut unknown = false;
    for dir in path.split(':') {
        if dir.contains('$') {
            continue;
        }
        if !dir.starts_with('/') {
            unknown |= !dir.is_empty();
            continue;
        }
        let f = p.at(&format!("{}/{name}", dir.trim_end_matches('/')));
        match (f.exists, f.is_dir) {
            (Tri::Yes, Tri::Yes) => {}
            (Tri::Yes, _) => return Tri::Yes,
            (Tri::Unknown, _) => unknown = true,
            (Tri::No, _) => {}
        }
    }
    if unknown {
        Tri::Unknown
    } else {
        Tri::No
    }
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for p in processes(model) {
        let Some(var) = p.env.var("PATH") else {
            continue;
        };
        let Some(path) = var.value.as_deref() else {
            continue;
        };
        let Some(a0) = p.argv.argv0() else { continue };
        let name = a0.value.trim();
        if !a0.exact || name.is_empty() || name.contains('/') {
            continue;
        }
        let env_span = match &var.origin {
            Origin::Env(item) => p.workload.span(item.get("value").unwrap_or(item)),
            Origin::EnvFrom { item, .. } => p.workload.span(item),
            Origin::Compose(span) => *span,
            Origin::ServiceLink => continue,
        };
        let Some(span) = a0.span else { continue };
        let literal_note = if self_reference(path) {
            " (`$(PATH)`/`$PATH` in an `env` value is not expanded from the image: it stays literal text)"
        } else {
            ""
        };
        let dirs: Vec<&str> = path.split(':').filter(|d| d.starts_with('/')).collect();
        let image_hit = p.image.map(|img| img.resolve(name, None));
        let found = find_on(&p, path, name);
        let (severity, dir_msg) = match (&image_hit, &found) {
            (Some(Resolved::Found(at)), Tri::No) => {
                let dir = at
                    .rsplit_once('/')
                    .map_or("/", |(d, _)| if d.is_empty() { "/" } else { d });
                (
                    Severity::Error,
                    format!("the image has `{name}` at `{at}`, but `{dir}` is not in that PATH"),
                )
            }
            (_, Tri::Yes) => continue,
            (Some(Resolved::Found(at)), Tri::Unknown) => {
                let dir = at
                    .rsplit_once('/')
                    .map_or("/", |(d, _)| if d.is_empty() { "/" } else { d });
                if dirs.iter().any(|d| d.trim_end_matches('/') == dir) {
                    continue;
                }
                // Certain when every directory kexit cannot see into is one the build never
                // touches on a catalogued base (and no mount provides it).
                let certain = p.mounts.mounts.is_empty()
                    && p.image.is_some_and(|img| {
                        dirs.iter()
                            .all(|d| find_on(&p, d, name) == Tri::No || img.untouched_dir(d))
                    });
                if certain {
                    (
                        Severity::Error,
                        format!(
                            "the image has `{name}` at `{at}`, but `{dir}` is not in that PATH (and nothing in the image creates {})",
                            dirs.iter()
                                .filter(|d| find_on(&p, d, name) != Tri::No)
                                .map(|d| format!("`{d}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                } else {
                    (
                    Severity::Warning,
                    format!(
                        "the image has `{name}` at `{at}`, but `{dir}` is not in that PATH (unless {} holds its own `{name}`)",
                        dirs.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                }
            }
            _ => {
                // Image unknown: only programs whose directory is certain.
                if SYSTEM_PROGRAMS.contains(&name)
                    && !dirs.iter().any(|d| STANDARD_DIRS.contains(d))
                {
                    (
                        Severity::Warning,
                        format!("`{name}` lives in /bin or /usr/bin, and neither is in that PATH"),
                    )
                } else {
                    continue;
                }
            }
        };
        let image_path = p
            .image
            .map(|i| i.path_env().to_string())
            .unwrap_or_else(|| {
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()
            });
        let mut f = Finding::new(
            &RULE,
            span,
            format!(
                "{} runs `{name}` through PATH, and the container's `env` replaces PATH with \"{path}\"{literal_note}: {dir_msg}, so {}",
                p.who(),
                p.start_failure()
            ),
        )
        .severity(if matches!(p.kind, ProcKind::Main) { severity } else { Severity::Warning })
        .exit_code(p.start_exit(false))
        .symptom(format!("exec: \"{name}\": executable file not found in $PATH"))
        .help(format!(
            "Spell out the image's directories in the PATH value (e.g. \"{}:{image_path}\"), or call the command by its absolute path",
            dirs.first().copied().unwrap_or("/app/bin")
        ))
        .label(env_span, "PATH set here")
        .object(p.object())
        .container(p.container.name);
        if let Some(img) = p.image {
            if let Some(s) = img.from_span {
                f = f.label(s, format!("image PATH: {}", img.path_env()));
            }
        }
        out.push(f);
    }
}
