//! Helpers of the exec rule family (KX103–KX111, KX116): each of those rules reads the exec facts
//! of every process ([`crate::model::exec`]) through [`report`], and builds its findings with
//! the shared wording below (what the runtime prints, what happens to the container).

use crate::finding::{Finding, Severity};
use crate::model::exec::{ExecFact, Program, ScriptRun, ShellInfo};
use crate::model::process::{PathFact, ProcKind, Process};
use crate::model::Model;
use crate::rules::Rule;
use crate::shell::ShellFlavor;
use crate::source::{FileKind, Span};
use std::collections::HashSet;
use std::ops::Range;

/// Run `finding` over every exec fact of every process and push what it returns, once per
/// defect: a defect in a Dockerfile (or a build-context script) reached from several containers
/// is one finding, reported from the first process that reaches it; a script finding is kept
/// once per outcome (severity, exit code), whichever instructions or manifests run the script.
pub fn report<'m, 'p>(
    model: &'m Model<'p>,
    out: &mut Vec<Finding>,
    mut finding: impl FnMut(&Process<'m, 'p>, &'m ExecFact) -> Option<Finding>,
) {
    let mut seen = HashSet::new();
    for (p, facts) in crate::model::process::all(model).zip(model.exec_facts()) {
        for fact in facts {
            let Some(f) = finding(&p, fact) else { continue };
            let f = for_runtime(&p, f);
            if seen.insert(Defect::of(model, &f)) {
                out.push(f);
            }
        }
    }
}

/// What every process finding carries for its runtime: the Compose service it belongs to, and
/// for `docker run` of an image whose command every user in the tree replaces, a warning (the
/// default only fails a plain `docker run`, which nothing in the tree does).
pub fn for_runtime(p: &Process<'_, '_>, mut f: Finding) -> Finding {
    if f.service.is_none() {
        f.service = p.service_name().map(str::to_string);
    }
    // A defect in the image (a Dockerfile line) that a Compose service runs: point at the
    // service too.
    if let Some(sv) = p.service() {
        if f.span.file != sv.key.file && !f.labels.iter().any(|l| l.span.file == sv.key.file) {
            f = f.label(
                sv.key,
                format!("Compose service `{}` runs this image", sv.name),
            );
        }
    }
    if p.overridden_default() && f.severity == Severity::Error {
        f.severity = Severity::Warning;
        f.message.push_str(" (every Kubernetes container and Compose service in the tree that runs this image replaces this command, so only a plain `docker run` of the image fails)");
    }
    f
}

/// Where a finding's defect lives (see [`report`]).
#[derive(PartialEq, Eq, Hash)]
enum Defect {
    /// In a manifest: each container's own finding.
    Manifest {
        span: Span,
        container: Option<String>,
        label: Option<Span>,
        message: String,
    },
    /// In a Dockerfile: one per instruction (and what it is linked to).
    Dockerfile { span: Span, label: Option<Span> },
    /// In a build-context script: one per place and outcome.
    Script {
        span: Span,
        severity: Severity,
        exit_code: Option<u16>,
    },
}

impl Defect {
    fn of(model: &Model<'_>, f: &Finding) -> Defect {
        // The "Compose service runs this image" pointer is not part of the defect: one
        // finding per defect, whichever services run the image.
        let label = f
            .labels
            .iter()
            .find(|l| !l.message.ends_with("runs this image"))
            .map(|l| l.span);
        match model.file(f.span.file).kind {
            FileKind::Manifest => Defect::Manifest {
                span: f.span,
                container: f.container.clone(),
                label,
                message: f.message.clone(),
            },
            FileKind::Other => Defect::Script {
                span: f.span,
                severity: f.severity,
                exit_code: f.exit_code,
            },
            _ => Defect::Dockerfile {
                span: f.span,
                label,
            },
        }
    }
}

pub fn base(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// A finding of `rule` about process `p`.
pub fn finding(p: &Process<'_, '_>, rule: &'static Rule, span: Span, msg: String) -> Finding {
    let f = Finding::new(rule, span, msg).object(p.object());
    match p.container_name() {
        Some(c) => f.container(c),
        None => f,
    }
}

/// Severity when the runtime cannot start the process at all.
pub fn start_severity(kind: ProcKind) -> Severity {
    match kind {
        ProcKind::Probe("livenessProbe") | ProcKind::Hook("preStop") => Severity::Warning,
        _ => Severity::Error,
    }
}

/// Runtime message for a process that cannot start (`missing`: not found; else permission).
pub fn start_symptom(kind: ProcKind, name: &str, missing: bool) -> String {
    let core = if missing {
        if name.contains('/') {
            format!("exec: \"{name}\": stat {name}: no such file or directory")
        } else {
            format!("exec: \"{name}\": executable file not found in $PATH")
        }
    } else {
        format!("exec: \"{name}\": permission denied")
    };
    match kind {
        ProcKind::Main | ProcKind::Healthcheck => core,
        ProcKind::Probe(pr) => {
            let label = match pr {
                "livenessProbe" => "Liveness",
                "readinessProbe" => "Readiness",
                _ => "Startup",
            };
            format!("{label} probe errored: rpc error: code = Unknown desc = failed to exec in container: OCI runtime exec failed: {core}")
        }
        ProcKind::Hook(h) => format!(
            "{}Hook failed: OCI runtime exec failed: {core}",
            if h == "postStart" {
                "PostStart"
            } else {
                "PreStop"
            }
        ),
    }
}

/// How a shell reports a command that is not found.
pub fn not_found_symptom(shell: &ShellInfo, name: &str) -> String {
    if shell.is_bash {
        return format!("bash: line 1: {name}: command not found");
    }
    match shell.flavor {
        Some(ShellFlavor::Dash) => format!("sh: 1: {name}: not found"),
        Some(ShellFlavor::Busybox) => format!("sh: {name}: not found"),
        None => format!("{name}: not found"),
    }
}

/// `dash` / `busybox sh`, for messages.
pub fn flavor_name(fl: ShellFlavor) -> &'static str {
    if fl == ShellFlavor::Dash {
        "dash"
    } else {
        "busybox sh"
    }
}

/// Label the image's FROM line (when it is not the finding's own span).
pub fn image_label(p: &Process<'_, '_>, f: Finding) -> Finding {
    match p.image.and_then(|i| i.from_span) {
        Some(s) if s != f.span => f.label(s, "the image is built from this base"),
        _ => f,
    }
}

/// Label where a path fact comes from (a mount, a Dockerfile instruction).
pub fn fact_label(f: Finding, fact: &PathFact) -> Finding {
    match &fact.origin {
        Some((s, m)) if *s != f.span => f.label(*s, m.clone()),
        _ => f,
    }
}

/// Label the script's own location (ConfigMap key, heredoc) when it is not the finding's span.
pub fn script_label(f: Finding, run: &ScriptRun, msg: &str) -> Finding {
    match run.text.span {
        Some(s) if s != f.span => f.label(s, msg.to_string()),
        _ => f,
    }
}

/// Point a finding about a script's own text at the script (where the fix goes) when the
/// script is a project file, keeping what executes it as a label (`how`). Scripts kexit only
/// knows as ConfigMap keys or heredocs keep the original span.
pub fn at_script(mut f: Finding, run: &ScriptRun, range: Range<usize>, how: &str) -> Finding {
    let Some(file) = run.text.file else {
        return f;
    };
    let old = f.span;
    let end = range.end.min(run.text.text.len());
    let start = range.start.min(end);
    f.labels.retain(|l| l.span.file != file);
    f.span = Span::new(file, start..end);
    if old.file == file {
        return f;
    }
    f.label(old, how.to_string())
}

/// Byte range of the first line of a script (without its line break).
pub fn first_line(text: &str) -> Range<usize> {
    let end = text.find('\n').unwrap_or(text.len());
    let end = if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    0..end
}

/// Exit code runc gives the container when execve fails inside it (none for other processes).
pub fn runc_exit(p: &Process<'_, '_>, code: u16) -> Option<u16> {
    (p.kind == ProcKind::Main).then_some(code)
}

/// What happens when a script's interpreter cannot be run: directly executed, runc's exec
/// failure (255); run from a shell, the shell's 127.
pub fn interpreter_failure(p: &Process<'_, '_>, direct: bool) -> (String, Option<u16>) {
    if direct {
        (p.kind.exec_failure(), runc_exit(p, 255))
    } else {
        (
            format!("the shell reports 127 and {}", p.run_failure(127)),
            p.kind.run_exit(127),
        )
    }
}

/// The kernel refuses the script itself (no usable `#!`): runc's execve fails inside the
/// started container (KX107, KX109).
pub fn exec_format_error(
    p: &Process<'_, '_>,
    rule: &'static Rule,
    run: &ScriptRun,
    why: &str,
    help: &str,
) -> Finding {
    let path = &run.path;
    let f = finding(
        p,
        rule,
        run.span,
        format!(
            "{} executes {} ({path}){why} (exec format error); {}",
            p.who(),
            run.text.describe,
            p.kind.exec_failure()
        ),
    )
    .exit_code(runc_exit(p, 255))
    .symptom(format!("exec {path}: exec format error"))
    .help(help.to_string());
    at_script(
        script_label(f, run, "the script"),
        run,
        first_line(&run.text.text),
        "the script is executed from here",
    )
}

/// argv[0] does not resolve (KX103, KX105, KX106, KX111): `what` says what it runs and why
/// that is not there.
pub fn start_failure(
    p: &Process<'_, '_>,
    rule: &'static Rule,
    name: &str,
    span: Span,
    fact: &PathFact,
    what: String,
    help: String,
) -> Finding {
    let f = finding(
        p,
        rule,
        span,
        format!("{} runs {what}: {}", p.who(), p.start_failure()),
    )
    .severity(start_severity(p.kind))
    .exit_code(p.start_exit(false))
    .symptom(start_symptom(p.kind, name, true))
    .help(help.to_string());
    image_label(p, fact_label(f, fact))
}

/// `env X` where X does not resolve (KX103, KX105, KX106).
pub fn env_target(p: &Process<'_, '_>, rule: &'static Rule, fact: &ExecFact) -> Option<Finding> {
    let ExecFact::EnvTargetMissing {
        launcher,
        name,
        span,
        fact,
        ..
    } = fact
    else {
        return None;
    };
    // tini exits 127 (ENOENT) after `exec … failed`; dumb-init exits 2 (its source).
    let (code, symptom) = match launcher.as_str() {
        "dumb-init" => (2, format!("[dumb-init] {name}: No such file or directory")),
        "env" => (127, format!("env: '{name}': No such file or directory")),
        // An official image's entrypoint script: its shell's `exec "$@"` fails.
        l if l.starts_with('/') => (127, format!("{l}: exec: {name}: not found")),
        _ => (
            127,
            format!("[FATAL tini (7)] exec {name} failed: No such file or directory"),
        ),
    };
    let f = finding(
        p,
        rule,
        *span,
        format!(
            "{} runs `{launcher} {name}`{}, but `{name}` is not on the PATH of {}: {launcher} exits {code} and {}",
            p.who(),
            if launcher.starts_with('/') {
                " (the base image's ENTRYPOINT script, which runs its arguments with `exec \"$@\"`)"
            } else {
                ""
            },
            p.image_desc(),
            p.run_failure(code)
        ),
    )
    .exit_code(p.kind.run_exit(code))
    .symptom(symptom)
    .help(format!(
        "Install `{name}` in the image or use its absolute path"
    ));
    Some(image_label(p, fact_label(f, fact)))
}

/// A `sh -c` command that does not resolve (KX103, KX105, KX106, KX111), with the rule's help.
pub fn shell_command(
    p: &Process<'_, '_>,
    rule: &'static Rule,
    fact: &ExecFact,
    help: impl FnOnce(&str) -> String,
) -> Option<Finding> {
    let ExecFact::ShellCommandMissing {
        name,
        span,
        fatal,
        status,
        shell,
        fact,
        ..
    } = fact
    else {
        return None;
    };
    let where_ = if name.contains('/') {
        format!("`{}` does not exist in {}", fact.path, p.image_desc())
    } else {
        format!("`{name}` is not on the PATH of {}", p.image_desc())
    };
    let consequence = if *fatal && *status != 127 {
        format!(
            "the shell reports 127 and takes the `|| exit {status}` branch every time: {}",
            p.run_failure(*status)
        )
    } else if *fatal {
        format!("the shell exits 127 and {}", p.run_failure(127))
    } else {
        "the shell prints `not found` and carries on without it".to_string()
    };
    let mut f = finding(
        p,
        rule,
        *span,
        format!(
            "{} runs `{name}` through `{}`, but {where_}: {consequence}",
            p.who(),
            shell.program
        ),
    )
    .symptom(not_found_symptom(shell, name))
    .help(help(base(name)));
    f = if *fatal {
        f.exit_code(p.kind.run_exit(*status))
    } else {
        f.severity(Severity::Warning).exit_code(None)
    };
    Some(image_label(p, fact_label(f, fact)))
}

/// A shebang interpreter that is missing (KX105, KX106, KX107), with the rule's help.
pub fn interpreter_missing(
    p: &Process<'_, '_>,
    rule: &'static Rule,
    fact: &ExecFact,
    help: impl FnOnce(&str) -> String,
) -> Option<Finding> {
    let ExecFact::InterpreterMissing {
        run, interpreter, ..
    } = fact
    else {
        return None;
    };
    let path = &run.path;
    let (fail_text, fail_exit) = interpreter_failure(p, run.direct);
    let f = finding(
        p,
        rule,
        run.span,
        format!(
            "{} executes {} ({path}) whose shebang names `{interpreter}`, which does not exist in {}; {fail_text}",
            p.who(),
            run.text.describe,
            p.image_desc()
        ),
    )
    .exit_code(fail_exit)
    .symptom(if run.direct {
        format!("exec {path}: no such file or directory")
    } else {
        format!("{path}: not found")
    })
    .help(help(base(interpreter)));
    Some(at_script(
        image_label(p, script_label(f, run, "shebang line of the script")),
        run,
        first_line(&run.text.text),
        "the script is executed from here",
    ))
}

/// `#!/usr/bin/env X` where X is not on PATH (KX106, KX107).
pub fn env_interpreter_missing(
    p: &Process<'_, '_>,
    rule: &'static Rule,
    fact: &ExecFact,
) -> Option<Finding> {
    let ExecFact::EnvInterpreterMissing {
        run,
        interpreter,
        name,
        ..
    } = fact
    else {
        return None;
    };
    let f = finding(
        p,
        rule,
        run.span,
        format!(
            "{} executes {} ({}) with `#!{interpreter} {name}`, but `{name}` is not on the PATH of {}: env exits 127 and {}",
            p.who(),
            run.text.describe,
            run.path,
            p.image_desc(),
            p.run_failure(127)
        ),
    )
    .exit_code(p.kind.run_exit(127))
    .symptom(format!("/usr/bin/env: '{name}': No such file or directory"))
    .help(format!(
        "Install `{name}` in the image, or point the shebang at an interpreter it has"
    ));
    Some(at_script(
        image_label(p, script_label(f, run, "shebang line of the script")),
        run,
        first_line(&run.text.text),
        "the script is executed from here",
    ))
}

/// The program class of a fact about a missing program, if it is one.
pub fn missing_program(fact: &ExecFact) -> Option<Program> {
    match fact {
        ExecFact::Missing { program, .. }
        | ExecFact::EnvTargetMissing { program, .. }
        | ExecFact::ShellCommandMissing { program, .. }
        | ExecFact::InterpreterMissing { program, .. }
        | ExecFact::EnvInterpreterMissing { program, .. } => Some(*program),
        _ => None,
    }
}
