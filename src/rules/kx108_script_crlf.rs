//! KX108 script-crlf: Script has CRLF line endings; the kernel looks for `/bin/sh^M`.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::model::exec::ExecFact;
use crate::rules::exec::{self, at_script, finding, first_line, script_label};

pub static RULE: Rule = Rule {
    meta: &meta::KX108,
    check,
};

const HELP: &str =
    "Convert the script to LF line endings (`dos2unix`, `.gitattributes`: `*.sh text eol=lf`)";

fn check(model: &Model, out: &mut Vec<Finding>) {
    exec::report(model, out, |p, fact| match fact {
        ExecFact::ShebangCrlf {
            run,
            interpreter,
            arg: Some(arg),
        } => Some(carriage_return_in_argument(p, run, interpreter, arg)),
        ExecFact::ShebangCrlf { run, interpreter, .. } => {
            let path = &run.path;
            let (fail_text, fail_exit) = exec::interpreter_failure(p, run.direct);
            let f = finding(p, &RULE, run.span, format!(
                "{} executes {} ({path}), whose lines end in CRLF: the kernel looks for the interpreter `{interpreter}\\r`, which does not exist; {fail_text}",
                p.who(), run.text.describe
            ))
            .exit_code(fail_exit)
            .symptom(if run.direct {
                format!("exec {path}: no such file or directory")
            } else {
                format!("{path}: cannot execute: required file not found (bash: `/bin/sh^M: bad interpreter`)")
            })
            .help(HELP);
            Some(at_script(
                script_label(f, run, "the script"),
                run,
                first_line(&run.text.text),
                "the script is executed from here",
            ))
        }
        ExecFact::ShellReadsCrlf { run, shell } => Some(
            finding(
                p,
                &RULE,
                run.span,
                format!(
                    "{} runs {} ({}) with `{shell}`, but its lines end in CRLF: the shell sees a carriage return at the end of every command (`set -e\\r`, `exec app\\r` …), so options, paths and the last argument of each line are wrong",
                    p.who(),
                    run.text.describe,
                    run.path
                ),
            )
            .severity(Severity::Warning)
            .exit_code(None)
            .symptom(format!("{}: 2: set: Illegal option -", run.path))
            .help(HELP),
        ),
        _ => None,
    });
}

/// `#!/usr/bin/env python3\r`: the kernel splits the line at the first blank, so the
/// interpreter is found and the carriage return ends its argument. `env` then looks for a
/// program named `python3\r` (exit 127); another interpreter gets an option or a script name
/// ending in `\r` and fails in its own way (bash, dash, python: exit 2).
fn carriage_return_in_argument(
    p: &crate::model::process::Process<'_, '_>,
    run: &crate::model::exec::ScriptRun,
    interpreter: &str,
    arg: &str,
) -> Finding {
    let path = &run.path;
    // The program env looks for: the shell module's reading of `#!/usr/bin/env [-S] X`.
    let env_program = interpreter.ends_with("/env").then(|| {
        crate::shell::Shebang {
            interpreter: interpreter.to_string(),
            arg: Some(arg.to_string()),
            range: 0..0,
            crlf: false,
        }
        .program()
        .to_string()
    });
    let f = match &env_program {
        Some(prog) => finding(p, &RULE, run.span, format!(
            "{} executes {} ({path}), whose lines end in CRLF: the shebang runs `{interpreter}` with the argument `{arg}\\r`, so env looks for a program named `{prog}\\r`, which does not exist: env exits 127 and {}",
            p.who(), run.text.describe, p.run_failure(127)
        ))
        .exit_code(p.kind.run_exit(127))
        .symptom(format!("{interpreter}: '{prog}\\r': No such file or directory")),
        None => finding(p, &RULE, run.span, format!(
            "{} executes {} ({path}), whose lines end in CRLF: the shebang runs `{interpreter}` with the argument `{arg}\\r` (the carriage return included), which it rejects as an invalid option or a missing file",
            p.who(), run.text.describe
        ))
        .exit_code(None)
        .symptom(format!("{interpreter}: invalid option (`{arg}\\r`)")),
    };
    at_script(
        script_label(f.help(HELP), run, "the script"),
        run,
        first_line(&run.text.text),
        "the script is executed from here",
    )
}
