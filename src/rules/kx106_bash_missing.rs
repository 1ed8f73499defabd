//! KX106 bash-missing: bash is needed but the image has only busybox/ash.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::model::exec::{ExecFact, Program};
use crate::rules::exec;

pub static RULE: Rule = Rule {
    meta: &meta::KX106,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    exec::report(model, out, |p, fact| {
        if exec::missing_program(fact) != Some(Program::Bash) {
            return None;
        }
        match fact {
            ExecFact::Missing {
                name, span, fact, ..
            } => {
                let what = format!(
                    "`{name}`, but {} has no bash (only busybox sh)",
                    p.image_desc()
                );
                let help = "Install bash in the image (`RUN apk add --no-cache bash`) or use `sh`";
                Some(exec::start_failure(p, &RULE, name, *span, fact, what, help.to_string()))
            }
            ExecFact::EnvTargetMissing { .. } => exec::env_target(p, &RULE, fact),
            ExecFact::ShellCommandMissing { .. } => exec::shell_command(p, &RULE, fact, |_| {
                "Install bash (`RUN apk add --no-cache bash`) or use `sh`".to_string()
            }),
            ExecFact::InterpreterMissing { .. } => exec::interpreter_missing(p, &RULE, fact, |_| {
                "Install bash (`RUN apk add --no-cache bash`) or change the shebang to `#!/bin/sh` (and keep the script POSIX)".to_string()
            }),
            ExecFact::EnvInterpreterMissing { name, .. } if name == "bash" => {
                exec::env_interpreter_missing(p, &RULE, fact)
            }
            _ => None,
        }
    });
}
