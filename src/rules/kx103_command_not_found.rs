//! KX103 command-not-found: Command or interpreter absent from the image.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::model::exec::{ExecFact, Program};
use crate::model::process::Part;
use crate::rules::exec::{self, at_script, base, fact_label, finding, image_label};
use crate::shell::ShellFlavor;

pub static RULE: Rule = Rule {
    meta: &meta::KX103,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    exec::report(model, out, |p, fact| match fact {
        ExecFact::Missing {
            name,
            span,
            program,
            fact,
            ..
        } => {
            let elsewhere = (*program == Program::Name)
                .then(|| p.image.and_then(|i| i.elsewhere(name, &fact.path)))
                .flatten()
                .map(|f| {
                    let d = f.rsplit_once('/').map_or("/", |(d, _)| if d.is_empty() { "/" } else { d }).to_string();
                    (f, d)
                });
            let what = match program {
                Program::Absolute => {
                    let hidden = fact
                        .mounted
                        .as_ref()
                        .map(|m| format!(" ({m} is mounted over its directory)"))
                        .unwrap_or_default();
                    format!(
                        "`{name}`, which does not exist in {}{hidden}",
                        p.image_desc()
                    )
                }
                Program::Name => format!(
                    "`{name}`, which is not on the PATH of {} (PATH={}){}",
                    p.image_desc(),
                    fact.path,
                    elsewhere
                        .as_ref()
                        .map(|(f, d)| format!(" (`{f}` exists, but {d} is not on PATH)"))
                        .unwrap_or_default()
                ),
                _ => return None,
            };
            // Root's home is mode 0700 on Debian and Alpine: another user cannot run what
            // is in it, even by its path.
            let other_user = p
                .group
                .user
                .as_deref()
                .map(|u| u.split(':').next().unwrap_or(u))
                .is_some_and(|u| u != "root" && u != "0");
            let help = match &elsewhere {
                Some((f, _)) if other_user && f.starts_with("/root/") => format!(
                    "`{f}` is in root's home, which user `{}` cannot enter: install it as that user (after `USER`), or without `--user` so that it lands on the PATH",
                    p.group.user.as_deref().unwrap_or_default()
                ),
                Some((f, d)) => format!("Run it by its path (`{f}`), or add {d} to PATH (`ENV PATH={d}:$PATH`)"),
                None => format!(
                    "Install `{}` in the image, or use the path where it really is",
                    base(name)
                ),
            };
            Some(exec::start_failure(p, &RULE, name, *span, fact, what, help))
        }
        ExecFact::EnvTargetMissing { program, .. }
            if !matches!(program, Program::Bash | Program::Shell) =>
        {
            exec::env_target(p, &RULE, fact)
        }
        ExecFact::ShellCommandMissing {
            program: Program::Absolute | Program::Name,
            ..
        } => {
            exec::shell_command(p, &RULE, fact, |b| {
                format!("Install `{b}` in the image (it is not part of the base), or call a tool the image has")
            })
        }
        ExecFact::ScriptCommandMissing {
            run,
            shell,
            name,
            line,
            range,
            fatal,
            fact,
        } => {
            let path = &run.path;
            let consequence = if *fatal {
                format!("the script exits 127 and {}", p.run_failure(127))
            } else {
                "the script prints `not found` and carries on without it".to_string()
            };
            let symptom = match (shell.is_bash, shell.flavor) {
                (true, _) => format!("{path}: line {line}: {name}: command not found"),
                (false, Some(ShellFlavor::Dash)) => format!("{path}: {line}: {name}: not found"),
                _ => format!("{path}: line {line}: {name}: not found"),
            };
            let mut f = finding(
                p,
                &RULE,
                run.span,
                format!(
                    "{} runs {} ({path}), which calls `{name}` on line {line}, but `{name}` is not in {}: {consequence}",
                    p.who(),
                    run.text.describe,
                    p.image_desc()
                ),
            )
            .symptom(symptom)
            .help(format!(
                "Install `{}` in the image, or remove the call from the script",
                base(name)
            ));
            f = if *fatal {
                f.exit_code(p.kind.run_exit(127))
            } else {
                f.severity(Severity::Warning).exit_code(None)
            };
            let f = if run.text.file.is_some() {
                at_script(f, run, range.clone(), "the script is run from here")
            } else {
                script_call_label(f, run, range.clone(), format!("`{name}` is called here"))
            };
            Some(image_label(p, fact_label(f, fact)))
        }
        ExecFact::ExecArgsMissing {
            run,
            shell,
            name,
            arg_span,
            from,
            line,
            range,
            fact,
        } => {
            let path = &run.path;
            let from = match from {
                Part::Command => "`command`",
                Part::Args => "`args`",
                Part::Entrypoint => "the image ENTRYPOINT",
                Part::Cmd | Part::ShellPrefix => "the image CMD",
            };
            let f = finding(
                p,
                &RULE,
                *arg_span,
                format!(
                    "{} starts {} ({path}), which ends in `exec \"$@\"` and so runs `{name}` from {from}, but `{name}` is not in {}: the script exits 127 and {}",
                    p.who(),
                    run.text.describe,
                    p.image_desc(),
                    p.run_failure(127)
                ),
            )
            .exit_code(p.kind.run_exit(127))
            .symptom(match (shell.is_bash, shell.flavor) {
                (true, _) => format!("{path}: line {line}: exec: {name}: not found"),
                (false, Some(ShellFlavor::Dash)) => format!("{path}: {line}: exec: {name}: not found"),
                _ => format!("{path}: line {line}: exec: {name}: not found"),
            })
            .help(format!(
                "Install `{}` in the image, or pass a command it has",
                base(name)
            ));
            let f = script_call_label(
                f,
                run,
                range.clone(),
                "`exec \"$@\"` runs the arguments".to_string(),
            );
            Some(image_label(p, fact_label(f, fact)))
        }
        _ => None,
    });
}

/// Label a range of the script (a project file), else the script's own location.
fn script_call_label(
    f: Finding,
    run: &crate::model::exec::ScriptRun,
    range: std::ops::Range<usize>,
    msg: String,
) -> Finding {
    match (run.text.file, run.text.span) {
        (Some(file), _) => f.label(crate::source::Span::new(file, range), msg),
        (None, Some(s)) => f.label(s, msg),
        _ => f,
    }
}
