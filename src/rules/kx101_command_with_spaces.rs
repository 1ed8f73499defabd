//! KX101 command-with-spaces: exec-form argv[0] containing whitespace is never split.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::model::process::{Part, ProcKind, Runtime};
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX101,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        for c in &w.containers {
            let Some(first) = c.command().and_then(|cmd| cmd.first()) else {
                continue;
            };
            let Some(argv0) = first.as_str() else {
                continue;
            };
            let trimmed = argv0.trim();
            if trimmed.is_empty() || !trimmed.contains(char::is_whitespace) {
                continue;
            }
            let words: Vec<&str> = trimmed.split_whitespace().collect();
            let fixed = words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                Finding::new(
                    &RULE,
                    w.span(first),
                    format!(
                        "`command[0]` of container `{}` is \"{argv0}\": Kubernetes execs a file literally named \"{argv0}\", which does not exist, so the container never starts (StartError, exit 128; `docker run` gives 127)",
                        c.name
                    ),
                )
                .symptom(format!(
                    "exec: \"{argv0}\": executable file not found in $PATH"
                ))
                .help(format!("Split it into separate list items: command: [{fixed}]"))
                .object(Some(w.reference()))
                .container(c.name),
            );
        }
    }
    // `docker run` of an image whose exec-form ENTRYPOINT/CMD has one string with blanks, and
    // a Kubernetes `args`-only container whose image certainly has no ENTRYPOINT (`args[0]`
    // is then the program; with an ENTRYPOINT kexit does not know, `argv0()` is None).
    for p in crate::model::process::all(model) {
        let k8s = matches!(p.runtime, Runtime::Kubernetes { .. }) && p.kind == ProcKind::Main;
        if !(p.is_docker() || k8s) || p.argv.shell.is_some() {
            continue;
        }
        // A Compose `command` over an image kexit does not know: it replaces only CMD, and an
        // ENTRYPOINT the image may have receives it as arguments.
        let unknown_entrypoint = p.argv.image_part_unknown
            && matches!(p.runtime, Runtime::Compose { .. })
            && p.kind == ProcKind::Main;
        let first = if unknown_entrypoint {
            p.argv.args.first().filter(|a| a.part.in_manifest())
        } else {
            p.argv.argv0()
        };
        let Some(a) = first else { continue };
        // Options written with their values in one item (`--smp 1`, Redpanda's documented
        // style) say the unknown ENTRYPOINT splits its arguments itself.
        if unknown_entrypoint
            && p.argv.args.iter().skip(1).any(|x| {
                x.value.starts_with('-') && x.value.trim().contains(char::is_whitespace)
            })
        {
            continue;
        }
        // A `command` was checked above.
        if k8s && a.part != Part::Args {
            continue;
        }
        let argv0 = a.value.trim();
        // Windows images run paths such as `C:\\Program Files\\…` legitimately.
        let windows = argv0.contains('\\') || argv0.as_bytes().get(1) == Some(&b':');
        if argv0.is_empty() || !argv0.contains(char::is_whitespace) || !a.exact || windows {
            continue;
        }
        let Some(span) = a.span else { continue };
        let fixed = argv0
            .split_whitespace()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let (what, help) = if k8s {
            (
                "`args[0]` with spaces; the image has no ENTRYPOINT, so `args` is the whole command, and Kubernetes never splits list items",
                format!("Split it into separate list items: args: [{fixed}]"),
            )
        } else if a.part.in_manifest() && p.kind == ProcKind::Healthcheck {
            (
                "one list item with spaces; Docker never splits the items of a `CMD` test",
                format!("Split it into separate list items: test: [\"CMD\", {fixed}]"),
            )
        } else if a.part.in_manifest() {
            (
                "one list item with spaces; Compose never splits list items",
                format!("Split it into separate list items ([{fixed}]), or write the command as one string, which Compose splits into words: `{argv0}`"),
            )
        } else {
            (
                "one exec-form string with spaces",
                format!("Split it into separate JSON strings: [{fixed}]"),
            )
        };
        let symptom = if argv0.starts_with('/') {
            format!("exec: \"{}\": stat {}: no such file or directory", a.value, a.value)
        } else {
            format!("exec: \"{}\": executable file not found in $PATH", a.value)
        };
        let mut f = Finding::new(
            &RULE,
            span,
            format!(
                "{} execs a file literally named \"{}\" ({what}), which does not exist: {}",
                p.who(),
                a.value,
                p.start_failure()
            ),
        )
        .exit_code(p.start_exit(false))
        .symptom(symptom)
        .help(help);
        if unknown_entrypoint {
            f = f.severity(crate::finding::Severity::Warning);
            f.message.push_str(" — unless the image's ENTRYPOINT, which kexit does not know, runs its arguments through a shell (`command` replaces only CMD)");
        }
        out.push(crate::rules::exec::for_runtime(&p, f));
    }
}
