//! KX304 mount-hides-command: a volume mounted over the directory holding the command (or its
//! interpreter) hides the image's file: the command is gone (127-class).
//!
//! The finding points at the `mountPath` (the cause); the command is a label. It covers
//! exec-form argv[0] (absolute, relative to the working directory, or found through PATH in a
//! directory the mount hides), the interpreter in the `#!` line of a script argv[0], and the
//! path-named commands of a `sh -c` string.

use crate::model::process::{all, processes, Bind, PodProcess, ProcKind, Process};
use crate::finding::{Finding, Severity};
use crate::image::Tri;
use crate::model::volumes::{Mount, PathState, VolumeKind};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::source::Span;

pub static RULE: Rule = Rule {
    meta: &meta::KX304,
    check,
};

fn abs_of(p: &Process<'_, '_>, name: &str) -> Option<String> {
    if name.starts_with('/') {
        Some(crate::image::build::normalize("/", name))
    } else if name.contains('/') {
        p.workdir
            .path
            .as_deref()
            .map(|wd| crate::image::build::normalize(wd, name))
    } else {
        None
    }
}

/// The mount hiding `abs`, if a mount certainly hides it.
fn hidden_by<'a, 'p>(p: &'a Process<'_, 'p>, abs: &str) -> Option<&'a Mount<'p>> {
    match p.mounts.at(abs) {
        PathState::Hidden { mount } => Some(mount),
        _ => None,
    }
}

/// For a bare name: the first PATH directory where the image has it, when a mount hides it
/// there and no other PATH directory provides it.
fn hidden_on_path<'a, 'p>(p: &'a Process<'_, 'p>, name: &str) -> Option<(String, &'a Mount<'p>)> {
    let img = p.image?;
    let path = p.path_var()?;
    let mut hit = None;
    for dir in path.split(':').filter(|d| d.starts_with('/')) {
        let abs = crate::image::build::normalize("/", &format!("{dir}/{name}"));
        match p.mounts.at(&abs) {
            PathState::Hidden { mount } => {
                if hit.is_none() && img.path(&abs).exists == Tri::Yes {
                    hit = Some((abs, mount));
                }
            }
            PathState::NotMounted => match img.path(&abs).exists {
                Tri::No => {}
                // Found (or maybe found) elsewhere on PATH: the command still runs.
                _ => return None,
            },
            _ => return None,
        }
    }
    hit
}

fn describe_volume(m: &Mount<'_>) -> String {
    let kind = match m.volume.as_ref().map(|v| &v.kind) {
        Some(VolumeKind::ConfigMap { name, .. }) => format!("ConfigMap `{name}`"),
        Some(VolumeKind::Secret { name, .. }) => format!("Secret `{name}`"),
        Some(VolumeKind::EmptyDir { .. }) => "an emptyDir".to_string(),
        Some(VolumeKind::Projected) => "a projected volume".to_string(),
        Some(VolumeKind::DownwardApi) => "a downwardAPI volume".to_string(),
        _ => "a volume".to_string(),
    };
    format!("volume `{}` ({kind})", m.name)
}

#[allow(clippy::too_many_arguments)]
fn report(
    p: &PodProcess<'_, '_>,
    mount: &Mount<'_>,
    what: &str,
    target: &str,
    cmd_span: Option<Span>,
    under_shell: bool,
    seen: &mut Vec<(Span, String)>,
    out: &mut Vec<Finding>,
) {
    let span = mount.mount_path_span(p.workload);
    let key = (span, target.to_string());
    if seen.contains(&key) {
        return;
    }
    seen.push(key);
    let mp = mount.mount_path.as_deref().unwrap_or("");
    let in_image = p
        .image
        .map(|i| i.path(target).exists)
        .unwrap_or(Tri::Unknown);
    let had = match in_image {
        Tri::Yes => format!("the image has `{target}`, but "),
        _ => String::new(),
    };
    let (consequence, exit, symptom) = if under_shell {
        (
            p.run_failure(127),
            p.kind.run_exit(127),
            format!("sh: 1: {target}: not found"),
        )
    } else {
        (
            p.start_failure(),
            p.start_exit(false),
            format!("exec: \"{target}\": stat {target}: no such file or directory"),
        )
    };
    let mut f = Finding::new(
        &RULE,
        span,
        format!(
            "{} is mounted at `{mp}` and hides everything the image had there: {had}{what} `{target}` of {} no longer exists, so {consequence}",
            describe_volume(mount),
            p.who(),
        ),
    )
    .exit_code(exit)
    .symptom(symptom)
    .help(format!(
        "Mount the volume somewhere else (e.g. `{mp}-data`), or mount single files with `subPath` so the rest of `{mp}` stays visible"
    ))
    .object(p.object())
    .container(p.container.name);
    if !matches!(p.kind, ProcKind::Main) {
        f = f.severity(Severity::Warning);
    }
    if let Some(s) = cmd_span {
        f = f.label(s, format!("{what} `{target}`"));
    }
    out.push(f);
}

/// The Docker/Compose mount that certainly hides `abs` (the image may have it; the container
/// does not).
fn hidden_by_bind<'m>(p: &Process<'m, '_>, abs: &str) -> Option<&'m Bind> {
    if p.image_lacks(abs) || p.at(abs).exists != Tri::No {
        return None;
    }
    p.bind_at(abs).map(|(b, _)| b)
}

#[allow(clippy::too_many_arguments)]
fn report_bind(
    p: &Process<'_, '_>,
    b: &Bind,
    what: &str,
    target: &str,
    cmd_span: Option<Span>,
    under_shell: bool,
    seen: &mut Vec<(Span, String)>,
    out: &mut Vec<Finding>,
) {
    let key = (b.span, target.to_string());
    if seen.contains(&key) {
        return;
    }
    seen.push(key);
    let had = match p.image.map(|i| i.path(target).exists) {
        Some(Tri::Yes) => format!("the image has `{target}`, but "),
        _ => String::new(),
    };
    let (consequence, exit, symptom) = if under_shell {
        (
            p.run_failure(127),
            p.kind.run_exit(127),
            format!("sh: 1: {target}: not found"),
        )
    } else {
        (
            p.start_failure(),
            p.start_exit(false),
            format!("exec: \"{target}\": stat {target}: no such file or directory"),
        )
    };
    let mut f = Finding::new(
        &RULE,
        b.span,
        format!(
            "{} is mounted at `{}` and replaces everything the image had there: {had}{what} `{target}` of {} is not in the mounted directory, so {consequence}",
            b.describe,
            b.target,
            p.who(),
        ),
    )
    .exit_code(exit)
    .symptom(symptom)
    .help(format!(
        "Mount it somewhere else (e.g. `{}/config`), or mount single files so the rest of `{}` stays visible",
        b.target.trim_end_matches('/'),
        b.target
    ));
    if !matches!(p.kind, ProcKind::Main) {
        f = f.severity(Severity::Warning);
    }
    if let Some(s) = cmd_span {
        f = f.label(s, format!("{what} `{target}`"));
    }
    out.push(crate::rules::exec::for_runtime(p, f));
}

/// Compose services: their `volumes:` over the command's directory.
fn check_binds(model: &Model, seen: &mut Vec<(Span, String)>, out: &mut Vec<Finding>) {
    for p in all(model) {
        if p.group.binds.is_empty() {
            continue;
        }
        let Some(a0) = p.argv.argv0() else { continue };
        if !a0.exact {
            continue;
        }
        let name = a0.value.trim();
        if let Some(abs) = abs_of(&p, name).filter(|_| !p.moved_by_workingdir(name)) {
            if let Some(b) = hidden_by_bind(&p, &abs) {
                report_bind(&p, b, "the command", &abs, a0.span, false, seen, out);
                continue;
            }
            if let Some(script) = p.script(&abs) {
                if let Some(sb) = crate::shell::shebang(&script.text) {
                    let interp = sb.interpreter.trim_end_matches('\r');
                    if interp.starts_with('/') && !sb.via_env() {
                        if let Some(b) = hidden_by_bind(&p, interp) {
                            report_bind(&p, b, "the interpreter", interp, a0.span, false, seen, out);
                        }
                    }
                }
            }
        }
        if let Some(call) = &p.argv.shell {
            if p.argv.args.get(call.script_index).is_some_and(|a| !a.exact) {
                continue;
            }
            for cmd in call.script.literal_commands() {
                if call.script.is_probed(&cmd.name.text) {
                    continue;
                }
                let Some(abs) = abs_of(&p, &cmd.name.text) else {
                    continue;
                };
                if let Some(b) = hidden_by_bind(&p, &abs) {
                    let span = p.span_in(call.script_index, cmd.name.range.clone());
                    report_bind(&p, b, "the command", &abs, span, true, seen, out);
                }
            }
        }
    }
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    check_binds(model, &mut seen, out);
    for p in processes(model) {
        if p.mounts.mounts.is_empty() {
            continue;
        }
        let Some(a0) = p.argv.argv0() else { continue };
        if !a0.exact {
            continue;
        }
        let name = a0.value.trim();
        {
            // argv[0] itself (also the shell of a `sh -c`).
            // A relative command that `workingDir` moved away from the file, or a path the
            // image never had, is not hidden by the mount (KX111/KX103 report it).
            let hit = match abs_of(&p, name) {
                Some(_) if p.moved_by_workingdir(name) => None,
                Some(abs) if p.image_lacks(&abs) => None,
                Some(abs) => hidden_by(&p, &abs).map(|m| (abs, m)),
                None => hidden_on_path(&p, name),
            };
            if let Some((abs, m)) = hit {
                report(&p, m, "the command", &abs, a0.span, false, &mut seen, out);
                continue;
            }
            // A script argv[0]: its interpreter.
            if let Some(abs) = abs_of(&p, name) {
                if let Some(script) = p.script(&abs) {
                    if let Some(sb) = crate::shell::shebang(&script.text) {
                        let interp = sb.interpreter.trim_end_matches('\r');
                        if interp.starts_with('/') && !sb.via_env() {
                            if let Some(m) = hidden_by(&p, interp) {
                                report(
                                    &p,
                                    m,
                                    "the interpreter",
                                    interp,
                                    a0.span,
                                    false,
                                    &mut seen,
                                    out,
                                );
                            }
                        }
                    }
                }
            }
        }
        if let Some(call) = &p.argv.shell {
            if p.argv.args.get(call.script_index).is_some_and(|a| !a.exact) {
                continue;
            }
            for cmd in call.script.literal_commands() {
                if call.script.is_probed(&cmd.name.text) {
                    continue;
                }
                let Some(abs) = abs_of(&p, &cmd.name.text) else {
                    continue;
                };
                if p.image_lacks(&abs) {
                    continue;
                }
                if let Some(m) = hidden_by(&p, &abs) {
                    let span = p.span_in(call.script_index, cmd.name.range.clone());
                    report(&p, m, "the command", &abs, span, true, &mut seen, out);
                }
            }
        }
    }
}
