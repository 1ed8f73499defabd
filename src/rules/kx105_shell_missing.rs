//! KX105 shell-missing: A shell is needed but the image has none.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::model::exec::{ExecFact, Program};
use crate::rules::exec;

pub static RULE: Rule = Rule {
    meta: &meta::KX105,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    exec::report(model, out, |p, fact| {
        if let ExecFact::ShellFormAsArgs {
            interpreter,
            shell,
            span,
            exit,
        } = fact
        {
            return Some(shell_form_as_args(p, interpreter, shell, *span, *exit));
        }
        if exec::missing_program(fact) != Some(Program::Shell) {
            return None;
        }
        match fact {
            ExecFact::Missing {
                name,
                span,
                implicit_shell,
                fact,
                ..
            } => {
                // A shell form that was meant as exec form (invalid JSON) is KX102's.
                if *implicit_shell && invalid_json_at(p, *span) {
                    return None;
                }
                let compose_test = p.kind == crate::model::process::ProcKind::Healthcheck
                    && p.service().is_some_and(|s| s.healthcheck.is_some());
                let what = if *implicit_shell && compose_test {
                    format!(
                        "`{name}` because `healthcheck.test` is a string or `CMD-SHELL` (run through `/bin/sh -c`), but {} has no shell",
                        p.image_desc()
                    )
                } else if *implicit_shell {
                    format!(
                        "`{name}` because its ENTRYPOINT/CMD is in shell form, but {} has no shell",
                        p.image_desc()
                    )
                } else {
                    format!("`{name}`, but {} has no shell", p.image_desc())
                };
                let help = if compose_test {
                    "Write the test in exec form, which needs no shell: `test: [\"CMD\", \"/app/server\", \"--check\"]`"
                } else {
                    "Use an exec-form command that needs no shell (`[\"/app/server\"]`), or a base image with a shell (a `:debug` distroless tag has `/busybox/sh`)"
                };
                Some(exec::start_failure(p, &RULE, name, *span, fact, what, help.to_string()))
            }
            ExecFact::EnvTargetMissing { .. } => exec::env_target(p, &RULE, fact),
            ExecFact::ShellCommandMissing { .. } => exec::shell_command(p, &RULE, fact, |b| {
                format!("Install `{b}` in the image (it is not part of the base), or call a tool the image has")
            }),
            ExecFact::InterpreterMissing { .. } => exec::interpreter_missing(p, &RULE, fact, |b| {
                format!("Install `{b}` in the image, or change the shebang to an interpreter the image has")
            }),
            _ => None,
        }
    });
}

/// A shell-form CMD handed to an interpreter ENTRYPOINT as `/bin/sh -c "…"`, in an image
/// without `/bin/sh`: the interpreter cannot open its "script" `/bin/sh` and exits.
fn shell_form_as_args(
    p: &crate::model::process::Process<'_, '_>,
    interpreter: &str,
    shell: &str,
    span: crate::source::Span,
    exit: u16,
) -> Finding {
    let b = exec::base(interpreter);
    let symptom = if b.starts_with("python") {
        format!("{b}: can't open file '{shell}': [Errno 2] No such file or directory")
    } else if b == "node" || b == "nodejs" {
        format!("Error: Cannot find module '{shell}'")
    } else if b == "java" {
        format!("Error: Unable to access jarfile {shell}")
    } else {
        format!("{b}: {shell}: No such file or directory")
    };
    exec::finding(
        p,
        &RULE,
        span,
        format!(
            "{} runs the ENTRYPOINT `{interpreter}` with the shell-form CMD as its arguments (`{shell} -c \"…\"`: Docker wraps a shell-form CMD in `{shell} -c` even after an exec-form ENTRYPOINT, here the base image's), so `{b}` is asked to run the file `{shell}`, which does not exist in {} (no shell): {}",
            p.who(),
            p.image_desc(),
            p.run_failure(exit)
        ),
    )
    .exit_code(p.kind.run_exit(exit))
    .symptom(symptom)
    .help(format!(
        "Write the CMD in exec form, as arguments of the ENTRYPOINT: `CMD [\"app.py\"]` (the image runs `{interpreter} app.py`)"
    ))
}

/// The image instruction at `span` is an ENTRYPOINT/CMD/HEALTHCHECK whose exec form is not
/// valid JSON (so it runs as shell form).
fn invalid_json_at(p: &crate::model::process::Process<'_, '_>, span: crate::source::Span) -> bool {
    let Some(img) = p.image else { return false };
    [&img.entrypoint, &img.cmd, &img.healthcheck]
        .into_iter()
        .flatten()
        .any(|c| c.invalid_json && c.span == Some(span))
}
