//! KX107 script-shebang: Script has no shebang or its interpreter is absent from the image.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::model::exec::{ExecFact, Program};
use crate::rules::exec;

pub static RULE: Rule = Rule {
    meta: &meta::KX107,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    exec::report(model, out, |p, fact| match fact {
        ExecFact::ScriptNoShebang { run } => Some(exec::exec_format_error(
            p,
            &RULE,
            run,
            " directly, but it has no `#!` line: the kernel cannot run it",
            "Add a shebang as the first line (`#!/bin/sh`), or run it as `sh script`",
        )),
        ExecFact::InterpreterMissing { program, .. }
            if !matches!(program, Program::Bash | Program::Shell) =>
        {
            exec::interpreter_missing(p, &RULE, fact, |b| {
                format!("Install `{b}` in the image, or change the shebang to an interpreter the image has")
            })
        }
        ExecFact::EnvInterpreterMissing { name, program, .. }
            if !(*program == Program::Bash && name == "bash") =>
        {
            exec::env_interpreter_missing(p, &RULE, fact)
        }
        _ => None,
    });
}
