//! KX210 pid1-ignores-sigterm: the container's PID 1 neither handles nor forwards SIGTERM, so
//! every stop waits out the grace period and ends in SIGKILL (semantics.md §1, §2).

use crate::model::process::{all, ProcKind, Process, Runtime};
use crate::finding::{Finding, Severity};
use crate::image::ShellKind;
use crate::k8s::ContainerKind;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::source::Span;
use crate::model::process::pid1::{
    analyse, analyse_parsed, base, item_command, running_items, Risk, NO_HANDLER,
};
use crate::compose::ComposeProject;
use std::collections::{HashMap, HashSet};

pub static RULE: Rule = Rule {
    meta: &meta::KX210,
    check,
};

/// Init programs that forward signals to their child.
const INITS: [&str; 9] = [
    "tini",
    "tini-static",
    "dumb-init",
    "catatonit",
    "s6-svscan",
    "supervisord",
    "runsvdir",
    "init",
    "docker-init",
];

/// The shell that runs a `-c` string given its program name.
fn shell_of(p: &Process<'_, '_>, program: &str) -> ShellKind {
    match base(program) {
        "bash" => ShellKind::Bash,
        "dash" => ShellKind::Dash,
        "ash" | "busybox" => ShellKind::BusyboxAsh,
        _ => match p.sh_kind() {
            // An image kexit does not know, tagged or named for Alpine (`openjdk:8-alpine`):
            // its /bin/sh is BusyBox ash, which execs the last command of `-c`.
            ShellKind::Unknown
                if p.image.is_some_and(|i| {
                    crate::image::repository(&i.reference).ends_with("alpine")
                        || crate::image::tag(&i.reference).contains("alpine")
                }) =>
            {
                ShellKind::BusyboxAsh
            }
            k => k,
        },
    }
}

/// The services of a Compose project that another one waits for with `condition:
/// service_completed_successfully`.
fn awaited_to_complete(project: &ComposeProject) -> HashSet<&str> {
    project
        .services
        .iter()
        .flat_map(|s| &s.depends_on)
        .filter(|(_, cond)| cond.as_deref() == Some("service_completed_successfully"))
        .map(|(name, _)| name.as_str())
        .collect()
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    let mut seen: HashSet<Span> = HashSet::new();
    let mut awaited_by_project: HashMap<*const ComposeProject, HashSet<&str>> = HashMap::new();
    for p in all(model).filter(|p| p.kind == ProcKind::Main) {
        let p = &p;
        if let Some((w, c)) = p.pod() {
            if matches!(w.object.kind, "Job" | "CronJob")
                || c.kind == ContainerKind::Init
                || c.kind == ContainerKind::Ephemeral
            {
                continue;
            }
            if w.pod_spec
                .get("shareProcessNamespace")
                .and_then(|n| n.as_bool())
                == Some(true)
            {
                continue;
            }
        }
        // A Compose service another one waits for with `condition:
        // service_completed_successfully` is a one-shot task (an init, a migration): it runs to
        // its end and exits before the services that need it start, nothing stops it midway.
        // Gathered once per project (a scan of every service's `depends_on` for each service
        // was services² × entries: 14 s for 20,000 services).
        if let Runtime::Compose { project, service } = p.runtime {
            let awaited = awaited_by_project
                .entry(std::ptr::from_ref(project))
                .or_insert_with(|| awaited_to_complete(project));
            if awaited.contains(service.name.as_str()) {
                continue;
            }
        }
        // Compose `init: true` runs docker-init (tini) as PID 1, which forwards the signal;
        // a SIGKILL stop signal is KX209's.
        if let Some(sv) = p.service() {
            if sv.init.as_ref().and_then(|i| i.value) == Some(true)
                || sv
                    .stop_signal
                    .as_ref()
                    .and_then(|s| s.value.as_deref())
                    .is_some_and(crate::rules::kx209_stopsignal_sigkill::is_sigkill)
            {
                continue;
            }
        }
        if p.is_docker()
            && p.service().is_none_or(|sv| sv.stop_signal.is_none())
            && p.image
                .and_then(|i| i.stopsignal.as_ref())
                .is_some_and(|(sig, _)| crate::rules::kx209_stopsignal_sigkill::is_sigkill(sig))
        {
            continue;
        }
        // Windows containers have no POSIX signals and no PID 1 semantics.
        if p.image.is_some_and(|i| i.windows) {
            continue;
        }
        let Some(a0) = p.argv.args.first() else {
            continue;
        };
        let prog = base(&a0.value);
        if INITS.contains(&prog) {
            continue;
        }
        // The `sh -c` call that ends up as PID 1: argv[0] itself, or the command an entrypoint
        // that ends in `exec "$@"` hands over to.
        let call = match &p.argv.shell {
            Some(sc) => Some((sc.shell_index, sc.script_index, sc.implicit)),
            None if p.argv.args.len() > 2 && execs_args(p, &a0.value) => {
                let rest: Vec<&str> = p.argv.args[1..].iter().map(|a| a.value.as_str()).collect();
                crate::k8s::probes::shell_script_index(&rest).map(|si| {
                    let implicit = p.argv.args[1].part == crate::model::process::Part::ShellPrefix;
                    (1, si + 1, implicit)
                })
            }
            None => None,
        };
        let mut script_label: Option<Span> = None;
        let (risk, span, how, shell) = if let Some((shell_index, script_index, implicit)) = call {
            if shell_index != 0 && !matches!(prog, "env" | "nohup") && !execs_args(p, &a0.value) {
                continue;
            }
            let Some(sarg) = p.argv.args.get(script_index) else {
                continue;
            };
            if !sarg.exact {
                continue;
            }
            let Some((risk, range)) = analyse(&sarg.value, false) else {
                continue;
            };
            let span = p
                .span_in(script_index, range)
                .unwrap_or_else(|| p.primary_span(script_index));
            let shell_prog = p
                .argv
                .args
                .get(shell_index)
                .map_or("sh", |a| a.value.as_str());
            let how = if implicit {
                "the shell-form command (`/bin/sh -c`)".to_string()
            } else {
                format!("`{} -c`", base(shell_prog))
            };
            (risk, span, how, shell_of(p, shell_prog))
        } else if NO_HANDLER.contains(&prog) {
            (
                Risk::Idle(format!("`{prog}` has no SIGTERM handler")),
                p.primary_span(0),
                format!("`{prog}`"),
                ShellKind::Unknown,
            )
        } else if a0.value.contains('/') {
            let Some(st) = p.script(&a0.value) else {
                continue;
            };
            let Some(sb) = crate::shell::shebang(&st.text) else {
                continue;
            };
            if !matches!(base(sb.program()), "sh" | "bash" | "dash" | "ash") {
                continue;
            }
            let parsed = p.model.parsed_script(&st.text);
            let Some((risk, range)) = analyse_parsed(&st.text, &parsed, true) else {
                continue;
            };
            // Point at the script's command that should have been `exec`'d when kexit has the
            // script's own text (a build-context file or a heredoc); the entrypoint is a label.
            let in_script = match (st.file, st.span) {
                (Some(f), _) => Some(Span::new(f, range)),
                // Only when the text is the file's bytes verbatim (a heredoc; not a YAML block
                // scalar, whose indentation shifts offsets).
                (None, Some(h)) if model.file(h.file).slice(h) == &*st.text => Some(Span::new(
                    h.file,
                    h.start + range.start..h.start + range.end,
                )),
                _ => None,
            };
            if let Some(s) = in_script {
                script_label = Some(p.primary_span(0));
                (
                    risk,
                    s,
                    format!("the script {}", st.describe),
                    ShellKind::Unknown,
                )
            } else {
                (
                    risk,
                    p.primary_span(0),
                    format!("the script {}", st.describe),
                    ShellKind::Unknown,
                )
            }
        } else {
            continue;
        };
        let (severity, why) = match risk {
            Risk::All(why) => (Severity::Error, why),
            // A container that only idles loses nothing when killed: every stop is slow, not
            // harmful — a note.
            Risk::Idle(why) => (Severity::Info, why),
            Risk::ShellDependent { why, bash_too } => match shell {
                ShellKind::Dash => (Severity::Error, format!("{why}, and /bin/sh here is dash, which never replaces itself without `exec`")),
                ShellKind::Bash if bash_too => (Severity::Error, why),
                ShellKind::Bash | ShellKind::BusyboxAsh | ShellKind::None => continue,
                ShellKind::Unknown => (
                    Severity::Warning,
                    format!("{why}; if /bin/sh is dash (debian, ubuntu and images built on them) the shell stays PID 1 — kexit could not tell which shell the image has"),
                ),
            },
        };
        if !seen.insert(span) {
            continue;
        }
        let grace = p.stop_grace_seconds();
        if grace == 0 {
            continue; // KX208
        }
        // A plain `docker run` image may be a command-line tool that exits by itself, and a
        // Compose service behind a profile is usually a one-shot task: nothing certainly stops
        // them while they run.
        let mut severity = severity;
        let one_shot = match p.runtime {
            Runtime::Docker { image } => {
                // Without EXPOSE it is most likely a tool run to completion (`docker run
                // ykman --help`): nothing stops it while it runs, a note at most.
                if !exposes(model, image) {
                    severity = severity.min(Severity::Info);
                }
                true
            }
            Runtime::Compose { service, .. } => {
                // Behind a profile and built without EXPOSE: a task run once (a seeder, a
                // migration), which nothing stops while it runs.
                let profiled = !service.profiles.is_empty();
                if profiled && !p.image.is_some_and(|i| exposes(model, i)) {
                    severity = severity.min(Severity::Info);
                }
                profiled
            }
            Runtime::Kubernetes { .. } => false,
        };
        let severity = if one_shot {
            severity.min(Severity::Warning)
        } else {
            severity
        };
        let who = match &risk_subject(&how) {
            Some(s) => s.clone(),
            None => how.clone(),
        };
        let (stopper, help, symptom) = match p.runtime {
            Runtime::Kubernetes { .. } => (
                format!("the kubelet waits the whole grace period ({grace} s)"),
                "Put `exec` before the long-running command (`exec java -jar app.jar`), end entrypoint scripts with `exec \"$@\"`, or run an init that forwards signals (tini, dumb-init, or `shareProcessNamespace: true`)",
                format!("pod stays Terminating for {grace} s; Last State: Terminated, Reason: Error, Exit Code: 137"),
            ),
            Runtime::Compose { .. } => (
                format!("`docker compose stop`/`down` waits the whole `stop_grace_period` ({grace} s)"),
                "Put `exec` before the long-running command (`exec java -jar app.jar`), end entrypoint scripts with `exec \"$@\"`, or set `init: true` on the service (docker-init forwards the signal)",
                format!("`docker compose stop` takes {grace} s; docker inspect: State.ExitCode 137"),
            ),
            Runtime::Docker { .. } => (
                format!("`docker stop` waits its whole timeout ({grace} s by default)"),
                "Put `exec` before the long-running command (`exec java -jar app.jar`), end entrypoint scripts with `exec \"$@\"`, or run an init that forwards signals (`ENTRYPOINT [\"tini\", \"--\"]`, `docker run --init`)",
                format!("`docker stop` takes {grace} s; docker inspect: State.ExitCode 137"),
            ),
        };
        let mut f = Finding::new(
            &RULE,
            span,
            format!(
                "PID 1 of {} is {who} and ignores SIGTERM: {why}. On every stop the app never receives SIGTERM, {stopper} and then SIGKILLs it (137)",
                p.who()
            ),
        );
        if let Some(l) = script_label {
            f = f.label(l, "the script runs as PID 1 from here");
        }
        let mut f = f
            .severity(severity)
            .help(help)
            .symptom(symptom)
            .object(p.object());
        if let Some(c) = p.container_name() {
            f = f.container(c);
        }
        out.push(crate::rules::exec::for_runtime(p, f));
    }
}

/// Whether a main process only idles: `sleep`/`tail`/`cat` as PID 1, or a `sh -c` string that
/// does (`sleep infinity`, `tail -f /dev/null`, a polling loop). KX208 uses it: a zero grace
/// period is the right setting for such a container.
pub fn only_idles(p: &Process<'_, '_>) -> bool {
    let Some(a0) = p.argv.args.first() else {
        return false;
    };
    if NO_HANDLER.contains(&base(&a0.value)) {
        return true;
    }
    p.argv.shell.as_ref().is_some_and(|sc| {
        p.argv.args.get(sc.script_index).is_some_and(|s| {
            s.exact && matches!(analyse(&s.value, false), Some((Risk::Idle(_), _)))
        })
    })
}

/// Whether the Dockerfile of a `docker run` image declares a port (EXPOSE in any stage): a
/// server that is stopped with `docker stop`, rather than a tool that exits by itself.
fn exposes(model: &Model, image: &crate::image::Image) -> bool {
    image
        .dockerfile
        .and_then(|d| model.dockerfiles().get(d))
        .is_some_and(|d| {
            d.stages
                .iter()
                .flat_map(|s| &s.instructions)
                .any(|i| i.keyword == "EXPOSE")
        })
}

/// Entrypoints that end in `exec "$@"`, so the command after them becomes PID 1: the official
/// images' `docker-entrypoint.sh` / `__cacert_entrypoint.sh` (base-images.md), or a script kexit
/// can read whose last command is `exec "$@"`.
fn execs_args(p: &Process<'_, '_>, argv0: &str) -> bool {
    if matches!(
        base(argv0),
        "docker-entrypoint.sh" | "__cacert_entrypoint.sh"
    ) {
        return true;
    }
    p.script(argv0).is_some_and(|st| {
        let script = p.model.parsed_script(&st.text);
        running_items(&script)
            .last()
            .and_then(|i| item_command(&script, i))
            .is_some_and(|c| c.exec && c.name.text == "$@" && c.args.is_empty())
    })
}

fn risk_subject(how: &str) -> Option<String> {
    how.starts_with("the script")
        .then(|| format!("the shell running {}", &how[4..]))
}
