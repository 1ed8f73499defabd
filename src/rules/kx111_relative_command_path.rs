//! KX111 relative-command-path: Relative command path does not resolve from the working directory.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::model::exec::{ExecFact, Program};
use crate::rules::exec::{self, fact_label, finding, start_severity};

pub static RULE: Rule = Rule {
    meta: &meta::KX111,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    exec::report(model, out, |p, fact| match fact {
        ExecFact::Missing {
            name,
            span,
            program: Program::Relative,
            fact,
            ..
        } => {
            let wd = p.workdir.path.clone().unwrap_or_else(|| "/".into());
            let what = format!("`{name}`, which resolves against the working directory `{wd}` to `{}`, and nothing is there", fact.path);
            let help = "Use an absolute path, or set `workingDir` to the directory that holds the file";
            Some(exec::start_failure(p, &RULE, name, *span, fact, what, help.to_string()))
        }
        ExecFact::ShellCommandMissing {
            program: Program::Relative,
            ..
        } => exec::shell_command(p, &RULE, fact, |_| {
            "Use an absolute path or `cd` to the right directory first".to_string()
        }),
        ExecFact::MovedByWorkingDir {
            name,
            span,
            workdir,
            target,
            there,
            image_workdir,
            certain,
            fact,
        } => {
            let mut f = finding(p, &RULE, *span, format!(
                "{} runs `{name}`, which resolves against `workingDir: {workdir}` to `{target}`, but the image has the file at `{there}` (its WORKDIR is `{image_workdir}`): {}",
                p.who(), p.start_failure()
            ))
            .severity(if *certain { Severity::Error } else { start_severity(p.kind) })
            .exit_code(p.start_exit(false))
            .symptom(format!("exec: \"{name}\": stat {name}: no such file or directory"))
            .help(format!("Use the absolute path `{there}`, or drop the `workingDir` override"));
            if let Some(s) = p.workdir.span {
                f = f.label(s, "working directory set here");
            }
            Some(fact_label(f, fact))
        }
        _ => None,
    });
}
