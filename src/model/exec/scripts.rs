//! The scripts a process runs: a build-context (or ConfigMap) script executed directly or from
//! a shell, the commands it calls, its shebang and its bash syntax under `sh`.

use super::*;

impl Analysis<'_, '_, '_> {
    /// `sh x.sh` inside a `sh -c` string: the bash syntax of `x.sh`.
    pub(super) fn nested_shell_script(&mut self, name: &str, cmd: &shell::Command, span: Span) {
        let p = self.p;
        let Some(arg) = cmd
            .args
            .first()
            .filter(|a| a.literal && !a.text.starts_with('-'))
        else {
            return;
        };
        let Some(wd) = p.workdir.path.as_deref().or(if arg.text.starts_with('/') {
            Some("/")
        } else {
            None
        }) else {
            return;
        };
        let abs = crate::image::build::normalize(wd, &arg.text);
        if let Some(text) = p.script(&abs) {
            let run = ScriptRun {
                text,
                path: abs,
                span,
                direct: false,
            };
            self.bashisms_in_script(name, &run);
        }
    }

    /// A script file the process executes (directly, or from a shell when `direct` is false):
    /// BOM, shebang, CRLF, interpreter, bashisms, the commands it calls.
    pub(super) fn script(&mut self, path: &str, span: Span, direct: bool) {
        let p = self.p;
        let Some(text) = p.script(path) else { return };
        let run = ScriptRun {
            text,
            path: path.to_string(),
            span,
            direct,
        };
        let text = &*run.text.text;
        if text.starts_with('\u{feff}') {
            if direct {
                self.out.push(ExecFact::ScriptBom { run });
            }
            return;
        }
        let Some(sb) = shell::shebang(text) else {
            if direct && !text.starts_with("\x7fELF") && looks_like_script(text) {
                self.out.push(ExecFact::ScriptNoShebang { run });
            }
            return;
        };
        if sb.crlf {
            let interpreter = sb.interpreter.trim_end_matches('\r').to_string();
            let arg = sb
                .arg
                .as_deref()
                .map(|a| a.trim_end_matches(['\r', ' ', '\t']).to_string())
                .filter(|a| !a.is_empty());
            self.out.push(ExecFact::ShebangCrlf {
                run,
                interpreter,
                arg,
            });
            return;
        }
        let interp = sb.interpreter.as_str();
        if !interp.starts_with('/') {
            return;
        }
        let ifact = p.at(interp);
        if ifact.exists == Tri::No {
            let program = match self.program(interp) {
                pr @ (Program::Bash | Program::Shell) => pr,
                _ => Program::Absolute,
            };
            self.out.push(ExecFact::InterpreterMissing {
                interpreter: interp.to_string(),
                program,
                run,
            });
            return;
        }
        if ifact.exists == Tri::Yes && sb.via_env() {
            let prog = sb.program().to_string();
            if let Found::No(_) = p.find(&prog) {
                let program = if prog == "bash" && p.at("/bin/sh").exists == Tri::Yes {
                    Program::Bash
                } else {
                    Program::Name
                };
                self.out.push(ExecFact::EnvInterpreterMissing {
                    interpreter: interp.to_string(),
                    name: prog,
                    program,
                    run,
                });
                return;
            }
        }
        // bash syntax in a `#!/bin/sh` script.
        if matches!(base(interp), "sh" | "ash" | "dash") {
            self.bashisms_in_script(interp, &run);
        }
        let shell_prog = if sb.via_env() { sb.program() } else { interp };
        if is_shell_name(shell_prog) {
            let shell_prog = shell_prog.to_string();
            self.script_commands(&run, &shell_prog, if direct { Some(1) } else { None });
        }
    }

    /// Commands a shell script runs that are not in the image, and for an entrypoint script that
    /// ends in `exec "$@"`, the command it is given (argv from `args_from` on).
    pub(super) fn script_commands(
        &mut self,
        run: &ScriptRun,
        shell_prog: &str,
        args_from: Option<usize>,
    ) {
        let p = self.p;
        let script = self.p.model.parsed_script(&run.text.text);
        let shell = self.shell_info(shell_prog);
        let installed_from = script.first_install();
        let start = self.out.len();
        for (i, cmd) in script.commands.iter().enumerate() {
            if self.out.len() - start >= MAX_SCRIPT_FACTS {
                let span = match run.text.file {
                    Some(f) => Span::new(f, cmd.name.range.clone()),
                    None => run.text.span.unwrap_or(run.span),
                };
                self.out.push(ExecFact::FactBudget {
                    span,
                    describe: format!("script {}", run.path),
                });
                break;
            }
            let name = cmd.name.text.as_str();
            if not_looked_up(&script, installed_from, i, cmd)
                || cmd.flow == shell::Flow::Conditional
                || (script.changes_path && !name.contains('/'))
                || (name.contains('/') && !name.starts_with('/'))
            {
                continue;
            }
            let Found::No(fact) = p.find(name) else {
                continue;
            };
            self.out.push(ExecFact::ScriptCommandMissing {
                run: run.clone(),
                shell: shell.clone(),
                name: name.to_string(),
                line: line_of(&run.text.text, cmd.name.range.start),
                range: cmd.name.range.clone(),
                fatal: cmd.fatal || script.errexit || cmd.exec,
                fact,
            });
        }
        // `exec "$@"`: the script runs the rest of argv.
        let Some(first_arg) = args_from else {
            return;
        };
        if script.rewrites_args || script.changes_path {
            return;
        }
        let Some(exec_args) = script.commands.iter().find(|c| {
            c.exec && !c.name.literal && c.name.text == "$@" && c.flow == shell::Flow::Plain
        }) else {
            return;
        };
        let Some(target) = p.argv.args.get(first_arg) else {
            return;
        };
        let name = target.value.as_str();
        if !target.exact
            || name.is_empty()
            || name.starts_with('-')
            || name.contains(char::is_whitespace)
            || (name.contains('/') && !name.starts_with('/'))
        {
            return;
        }
        let Found::No(fact) = p.find(name) else {
            return;
        };
        self.out.push(ExecFact::ExecArgsMissing {
            run: run.clone(),
            shell,
            name: name.to_string(),
            arg_span: p.primary_span(first_arg),
            from: target.part,
            line: line_of(&run.text.text, exec_args.name.range.start),
            range: exec_args.name.range.clone(),
            fact,
        });
    }

    /// The first bash-only syntax in a script a dash/busybox shell runs.
    pub(super) fn bashisms_in_script(&mut self, shell_prog: &str, run: &ScriptRun) {
        let Some(fl) = self.p.flavor_of(shell_prog) else {
            return;
        };
        let script = self.p.model.parsed_script(&run.text.text);
        let Some(b) = script.bashisms.iter().find(|b| b.kind.breaks(fl)) else {
            return;
        };
        // `source x` / `declare …` is a command dash cannot find (status 127): under `set -e`
        // at top level, or as the script's last command, that ends the script with 127.
        let aborts = matches!(
            b.kind,
            shell::BashismKind::Source | shell::BashismKind::Builtin(_)
        ) && script.commands.iter().any(|c| {
            c.name.range.start == b.range.start
                && c.flow == shell::Flow::Plain
                && (c.fatal || (script.errexit && c.next_op != Some("&&")))
        });
        self.out.push(ExecFact::ScriptBashism {
            run: run.clone(),
            shell: shell_prog.to_string(),
            flavor: fl,
            bashism: b.clone(),
            line: line_of(&run.text.text, b.range.start),
            aborts,
        });
    }
}

/// Plain text that reads like a script (not a binary or data file kexit happened to read).
fn looks_like_script(text: &str) -> bool {
    let head: String = text.chars().take(2000).collect();
    !head.contains('\0')
        && head.lines().any(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
}
