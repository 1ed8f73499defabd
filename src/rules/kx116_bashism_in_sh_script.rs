//! KX116 bashism-in-sh-script: bash syntax in a script run by dash or busybox sh.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::model::exec::ExecFact;
use crate::model::process::ProcKind;
use crate::rules::exec::{self, at_script, finding, flavor_name, image_label};

pub static RULE: Rule = Rule {
    meta: &meta::KX116,
    check,
};

const HELP_STRING: &str = "Use POSIX syntax (`.` for `source`, `[ ]` for `[[ ]]`, `name() {`), or run it with `bash -c` on an image that has bash";
const HELP_SCRIPT: &str = "Change the shebang to `#!/bin/bash` (on an image with bash) or use POSIX syntax (`.` for `source`, `[ ]` for `[[ ]]`)";

fn check(model: &Model, out: &mut Vec<Finding>) {
    exec::report(model, out, |p, fact| match fact {
        ExecFact::StringBashism {
            span,
            shell,
            flavor,
            bashism: b,
        } => {
            let (code, msg) = b.kind.outcome(*flavor);
            let sh = flavor_name(*flavor);
            let outcome = if b.kind.fatal() {
                p.run_failure(2)
            } else {
                format!("it prints `{msg}` (status {code}) and goes on without it")
            };
            let f = finding(p, &RULE, *span, format!(
                "{} uses {} in a `{} -c` string, but `/bin/sh` in {} is {sh}, which does not support it: {outcome}",
                p.who(), b.kind.describe(), shell.program, p.image_desc(),
            ))
            // A `not found` from `[[`/`source` rarely ends the shell by itself (in an `if` the
            // condition is just false): no exit code unless it is a syntax error.
            .exit_code(if b.kind.fatal() { p.kind.run_exit(2) } else { None })
            .symptom(format!("sh: 1: {msg}"))
            .help(HELP_STRING);
            Some(image_label(p, f))
        }
        ExecFact::ScriptBashism {
            run,
            shell,
            flavor,
            bashism: b,
            line,
            aborts,
        } => {
            let (_, msg) = b.kind.outcome(*flavor);
            let sh = flavor_name(*flavor);
            let outcome = if b.kind.fatal() {
                format!("{sh} stops with a syntax error (exit 2)")
            } else if *aborts {
                format!(
                    "{sh} prints `{msg}` and the script stops there with 127{}",
                    match p.kind {
                        ProcKind::Main => String::new(),
                        k => format!(": {}", k.run_failure(127)),
                    }
                )
            } else {
                format!("{sh} prints `{msg}` and the script goes on without it")
            };
            let exit = if b.kind.fatal() {
                p.kind.run_exit(2)
            } else if *aborts {
                p.kind.run_exit(127)
            } else {
                None
            };
            let mut f = finding(p, &RULE, run.span, format!(
                "{} runs {} with `{shell}`, which is {sh} in {}, but the script uses {} (line {line}): {outcome}",
                p.who(), run.text.describe, p.image_desc(), b.kind.describe(),
            ))
            .exit_code(exit)
            .symptom(format!("{line}: {msg}"))
            .help(HELP_SCRIPT);
            if run.text.file.is_some() {
                f = at_script(f, run, b.range.clone(), "the script is run from here");
            } else if let Some(s) = run.text.span {
                f = f.label(s, "the script".to_string());
            }
            Some(f)
        }
        _ => None,
    });
}
