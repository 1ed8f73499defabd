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
                let what = if *implicit_shell {
                    format!(
                        "`{name}` because its ENTRYPOINT/CMD is in shell form, but {} has no shell",
                        p.image_desc()
                    )
                } else {
                    format!("`{name}`, but {} has no shell", p.image_desc())
                };
                let help = "Use an exec-form command that needs no shell (`[\"/app/server\"]`), or a base image with a shell (a `:debug` distroless tag has `/busybox/sh`)";
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
