//! Exec analysis: what happens when the runtime starts a [`Process`], as typed facts with spans.
//! What argv[0] resolves to (or that it does not), whether it is executable, what `env X` and the
//! commands of a `sh -c` string resolve to, and for a script the process runs: its byte-order
//! mark, shebang, CRLF line ends, interpreter (also through `#!/usr/bin/env X`), the bash syntax
//! a `/bin/sh` trips over, the commands it calls and the command `exec "$@"` hands over to.
//!
//! Facts know nothing of rules: each command rule (KX103–KX111, KX116) picks the facts it owns
//! and writes its own finding and message. [`crate::model::Model::build`] computes the facts of
//! every process once ([`compute`]); [`crate::model::Model::exec_facts`] hands them out.

use crate::budget::MAX_SCRIPT_FACTS;
use crate::image::{CommandForm, Tri};
use crate::model::process::{
    is_shell_name, Found, Part, PathFact, ProcKind, Process, ScriptText, ShellCall,
};
use crate::shell::{self, Bashism, ShellFlavor};
use crate::source::Span;
use std::ops::Range;

/// What a program name is, for the rules that split "command not found" by cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    /// `bash` (any path) in an image that has `/bin/sh` (busybox/ash only).
    Bash,
    /// A shell (`sh`, `bash`, `ash`, `dash`, `zsh`, `ksh`, `mksh`) otherwise.
    Shell,
    /// A path with a slash that does not start with one (`./run.sh`, `bin/app`).
    Relative,
    /// An absolute path.
    Absolute,
    /// A bare name looked up in PATH.
    Name,
}

/// How the shell that runs a string or script reports a missing command.
#[derive(Debug, Clone)]
pub struct ShellInfo {
    /// The shell program as written (`sh`, `/bin/bash`, `#!/bin/sh`'s `/bin/sh`).
    pub program: String,
    pub is_bash: bool,
    /// What `/bin/sh`-like shells are in this image (None: bash, or unknown).
    pub flavor: Option<ShellFlavor>,
}

/// A script a process runs, and from where.
#[derive(Debug, Clone)]
pub struct ScriptRun {
    pub text: ScriptText,
    /// The absolute path of the script in the container.
    pub path: String,
    /// The argv element, `sh -c` command or instruction that runs it.
    pub span: Span,
    /// Executed directly by execve (true), or run from a shell (`sh -c 'x.sh'`, false).
    pub direct: bool,
}

/// One fact about starting a process. Spans point at what runs (manifest item, Dockerfile
/// element); script facts carry the script ([`ScriptRun`]) so rules can point into it.
#[derive(Debug, Clone)]
pub enum ExecFact {
    /// A shell string or script with more facts than [`crate::budget::MAX_SCRIPT_FACTS`]: its
    /// text from `span` on was not checked (KX011).
    FactBudget { span: Span, describe: String },
    /// argv[0] is a bare name in an image kexit does not know (KX104).
    Unverified { name: String, span: Span },
    /// argv[0] does not resolve. `implicit_shell`: the `/bin/sh` of a shell-form ENTRYPOINT/CMD.
    Missing {
        name: String,
        span: Span,
        program: Program,
        implicit_shell: bool,
        fact: PathFact,
    },
    /// A relative argv[0] resolved against a `workingDir` override, while the image has the file
    /// under its own WORKDIR (`there`). `certain`: nothing can be at `target`.
    MovedByWorkingDir {
        name: String,
        span: Span,
        workdir: String,
        target: String,
        there: String,
        image_workdir: String,
        certain: bool,
        fact: PathFact,
    },
    /// The file argv[0] (`direct`) or a `sh -c` command names has no exec bit.
    NotExecutable {
        name: String,
        span: Span,
        fact: PathFact,
        direct: bool,
    },
    /// `env [opts] X …` (or an init launcher: `tini -- X`, `dumb-init X`) where X does not
    /// resolve. `launcher`: the base name of argv[0].
    EnvTargetMissing {
        launcher: String,
        name: String,
        span: Span,
        program: Program,
        fact: PathFact,
    },
    /// A command of a `sh -c` string does not resolve. `fatal`: its failure ends the shell, with
    /// `status` (127, or N of a `missing || exit N` that ends the shell).
    ShellCommandMissing {
        name: String,
        span: Span,
        program: Program,
        fatal: bool,
        status: u16,
        shell: ShellInfo,
        fact: PathFact,
    },
    /// Bash-only syntax in a `sh -c` string run by a `/bin/sh` that is dash or busybox.
    StringBashism {
        span: Span,
        shell: ShellInfo,
        flavor: ShellFlavor,
        bashism: Bashism,
    },
    /// The script starts with a UTF-8 BOM (executed directly: the kernel sees no `#!`).
    ScriptBom { run: ScriptRun },
    /// The script (executed directly) has no `#!` line.
    ScriptNoShebang { run: ScriptRun },
    /// The shebang line ends in CRLF: the kernel looks for `interpreter\r` or, when the line
    /// has an argument (`#!/usr/bin/env python3\r`), starts the interpreter with `arg\r`.
    ShebangCrlf {
        run: ScriptRun,
        interpreter: String,
        /// The argument without its `\r`.
        arg: Option<String>,
    },
    /// `sh script.sh` on a script with CRLF line ends.
    ShellReadsCrlf { run: ScriptRun, shell: String },
    /// The shebang's interpreter does not exist in the container.
    InterpreterMissing {
        run: ScriptRun,
        interpreter: String,
        program: Program,
    },
    /// `#!/usr/bin/env X` where X is not on PATH (`program` classifies X).
    EnvInterpreterMissing {
        run: ScriptRun,
        interpreter: String,
        name: String,
        program: Program,
    },
    /// Bash-only syntax in a script run by a dash/busybox shell. `aborts`: a command-not-found
    /// (`source`, `declare`) that ends the script with 127; `line` is 1-based.
    ScriptBashism {
        run: ScriptRun,
        shell: String,
        flavor: ShellFlavor,
        bashism: Bashism,
        line: usize,
        aborts: bool,
    },
    /// A command a script calls (on `line`, at `range` in the script) does not resolve.
    ScriptCommandMissing {
        run: ScriptRun,
        shell: ShellInfo,
        name: String,
        line: usize,
        range: Range<usize>,
        fatal: bool,
        fact: PathFact,
    },
    /// A shell-form CMD after an exec-form ENTRYPOINT that is an interpreter (`python3`, `node`,
    /// `java -jar`, often inherited from a distroless base): Docker still wraps the CMD in
    /// `/bin/sh -c`, so the interpreter is handed `shell` (absent from the image) as its script.
    /// `exit`: the interpreter's exit status for a script file it cannot open.
    ShellFormAsArgs {
        interpreter: String,
        shell: String,
        span: Span,
        exit: u16,
    },
    /// A script ending in `exec "$@"` is given (at argv `arg`) a command that does not resolve.
    ExecArgsMissing {
        run: ScriptRun,
        shell: ShellInfo,
        name: String,
        arg_span: Span,
        from: Part,
        line: usize,
        range: Range<usize>,
        fact: PathFact,
    },
}

/// The facts of every process of the model (in [`crate::model::process::all`] order), in
/// parallel over processes.
pub fn compute(model: &crate::model::Model<'_>, parallel: bool) -> Vec<Vec<ExecFact>> {
    use rayon::prelude::*;
    if parallel {
        model
            .process_groups()
            .par_iter()
            .flat_map_iter(|g| g.processes(model))
            .map(|p| analyse(&p))
            .collect()
    } else {
        crate::model::process::all(model)
            .map(|p| analyse(&p))
            .collect()
    }
}

/// The facts of one process.
pub fn analyse(p: &Process<'_, '_>) -> Vec<ExecFact> {
    let mut out = Vec::new();
    Analysis { p, out: &mut out }.process();
    out
}

/// Programs that run their arguments as a command: `env`, and the init launchers images put
/// before the app (`tini -- app`, `dumb-init app`).
const LAUNCHERS: [&str; 4] = ["env", "tini", "tini-static", "dumb-init"];

fn base(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// 1-based line of byte `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

struct Analysis<'a, 'm, 'p> {
    p: &'a Process<'m, 'p>,
    out: &'a mut Vec<ExecFact>,
}

impl Analysis<'_, '_, '_> {
    fn program(&self, name: &str) -> Program {
        if is_shell_name(name) {
            if base(name) == "bash" && self.p.at("/bin/sh").exists == Tri::Yes {
                Program::Bash
            } else {
                Program::Shell
            }
        } else if name.contains('/') && !name.starts_with('/') {
            Program::Relative
        } else if name.starts_with('/') {
            Program::Absolute
        } else {
            Program::Name
        }
    }

    fn shell_info(&self, program: &str) -> ShellInfo {
        let is_bash = base(program) == "bash";
        ShellInfo {
            program: program.to_string(),
            is_bash,
            flavor: if is_bash {
                None
            } else {
                self.p.flavor_of(program)
            },
        }
    }

    /// argv[0], then `env X`, the `sh -c` string or the script `sh` reads.
    fn process(&mut self) {
        let p = self.p;
        let Some(a0) = p.argv.argv0() else {
            return;
        };
        // Whitespace is KX101's; a `$(NAME)` left literal is KX112's. A WebAssembly module
        // (`ENTRYPOINT ["app.wasm"]` on `FROM scratch`) is run by a Wasm runtime shim
        // (`platform: wasi/wasm`, `runtime: io.containerd.wasmedge.v1`), not by execve.
        if !a0.exact
            || a0.value.ends_with(".wasm")
            || a0.value.is_empty()
            || a0.value.contains(char::is_whitespace)
            || a0.value.contains("$(")
        {
            return;
        }
        let name = a0.value.clone();
        let span = p.primary_span(0);
        let found = p.find(&name);
        match &found {
            Found::No(fact) => self.missing_argv0(&name, span, fact),
            Found::Unknown if name.contains('/') && !name.starts_with('/') => {
                self.relative_elsewhere(&name, span);
            }
            Found::Unknown => self.unverified(&name, a0.part, span),
            Found::Yes(fact) => {
                // A directory named by a path: runc's check and execve refuse it with EACCES
                // (`exec: "/app": permission denied`, 126; runtime case dir-command). A bare
                // name is looked up in PATH, which skips directories.
                // A directory a volume puts there is KX301's (subPath of a missing key) or KX304's.
                let dir_path =
                    fact.is_dir == Tri::Yes && name.contains('/') && fact.mounted.is_none();
                if fact.is_dir == Tri::Yes && !dir_path {
                    return;
                }
                if fact.executable == Tri::No || dir_path {
                    self.out.push(ExecFact::NotExecutable {
                        name,
                        span,
                        fact: fact.clone(),
                        direct: true,
                    });
                    return;
                }
                if LAUNCHERS.contains(&base(&name)) {
                    self.env_target(base(&name));
                } else if fact.mounted.is_none()
                    && p.image.is_some_and(|img| img.execs_args(&fact.path))
                {
                    self.entrypoint_target(&fact.path);
                }
                self.shell_form_as_args(&name);
                if p.argv.shell.is_none() && !is_shell_name(&name) {
                    self.script(&fact.path, span, true);
                }
            }
        }
        if !matches!(found, Found::Yes(_)) {
            return;
        }
        if let Some(sc) = &p.argv.shell {
            self.shell_string(sc, &name);
        } else if is_shell_name(&name) {
            self.shell_reads_script(&name);
        }
    }

    /// A shell-form CMD appended to an interpreter ENTRYPOINT, in an image without that shell.
    fn shell_form_as_args(&mut self, name: &str) {
        let p = self.p;
        let b = base(name);
        // The exit status of each interpreter for a script path it cannot open.
        let exit = if b == "node" || b == "nodejs" || b == "java" || b == "ruby" || b == "php" {
            1
        } else if b.starts_with("python") || b == "perl" {
            2
        } else {
            return;
        };
        let Some((i, sh)) = p
            .argv
            .args
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, a)| a.part == Part::ShellPrefix)
        else {
            return;
        };
        // Only the first word of the shell prefix (`/bin/sh` of `/bin/sh -c`) is the script.
        if i > 0 && p.argv.args[i - 1].part == Part::ShellPrefix {
            return;
        }
        if !sh.value.starts_with('/') || p.at(&sh.value).exists != Tri::No {
            return;
        }
        let Some(span) = sh.span else { return };
        self.out.push(ExecFact::ShellFormAsArgs {
            interpreter: name.to_string(),
            shell: sh.value.clone(),
            span,
            exit,
        });
    }

    /// A bare argv[0] in an image kexit does not know, unless the image almost certainly has it.
    fn unverified(&mut self, name: &str, part: Part, span: Span) {
        let p = self.p;
        let unmodelled = p.image.is_none_or(|i| !i.base_known);
        let reference = p.image_reference().unwrap_or("");
        if unmodelled
            && part == Part::Command
            && p.kind == ProcKind::Main
            && !name.contains('/')
            && !name.starts_with('-')
            // `$APP_BIN` is KX113's: a shell variable nothing expands.
            && !name.contains('$')
            && !crate::image::likely_has(name, reference)
            // A templated reference (`${IMAGE}`, `<REPO>/x`) says nothing either way.
            && !reference.contains(['$', '<', '{'])
        {
            self.out.push(ExecFact::Unverified {
                name: name.to_string(),
                span,
            });
        }
    }

    /// `sh script.sh [args]`: the shell reads the file (no exec bit, no shebang needed).
    fn shell_reads_script(&mut self, shell_prog: &str) {
        let p = self.p;
        let Some(script_arg) = p.argv.args.get(1) else {
            return;
        };
        let v = &script_arg.value;
        if v.starts_with('-') || !script_arg.exact || !(v.contains('/') || v.ends_with(".sh")) {
            return;
        }
        let Some(wd) =
            p.workdir
                .path
                .as_deref()
                .or(if v.starts_with('/') { Some("/") } else { None })
        else {
            return;
        };
        let abs = crate::image::build::normalize(wd, v);
        let span = p.primary_span(1);
        let Some(text) = p.script(&abs) else {
            return;
        };
        let run = ScriptRun {
            text,
            path: abs,
            span,
            direct: false,
        };
        if run.text.text.contains("\r\n") {
            self.out.push(ExecFact::ShellReadsCrlf {
                run,
                shell: shell_prog.to_string(),
            });
            return;
        }
        self.bashisms_in_script(shell_prog, &run);
        self.script_commands(&run, shell_prog, Some(2));
    }

    fn missing_argv0(&mut self, name: &str, span: Span, fact: &PathFact) {
        let p = self.p;
        // A volume hiding the command is KX304's (reported at the mount, where the fix goes);
        // a container `env` PATH that leaves the command out is KX117's.
        if fact.mounted.is_some() && p.moved_by_workingdir(name) {
            self.relative_elsewhere(name, span);
            return;
        }
        if (fact.mounted.is_some() && !p.image_lacks(&fact.path))
            || (!name.contains('/') && p.declares_path())
        {
            return;
        }
        // An image ENTRYPOINT/CMD naming an absolute path its (leaf) stage never creates is
        // KX122's, reported once at the Dockerfile instruction.
        if self.kx122_covers(name) {
            return;
        }
        self.out.push(ExecFact::Missing {
            name: name.to_string(),
            span,
            program: self.program(name),
            implicit_shell: p.argv.shell.as_ref().is_some_and(|s| s.implicit),
            fact: fact.clone(),
        });
    }

    /// The image's own ENTRYPOINT/CMD names an absolute path its leaf stage never creates.
    fn kx122_covers(&self, name: &str) -> bool {
        let p = self.p;
        let Some(a0) = p.argv.argv0() else {
            return false;
        };
        let Some(img) = p.image else { return false };
        let (Some(di), Some(si)) = (img.dockerfile, img.stage) else {
            return false;
        };
        let from_image = matches!(a0.part, Part::Entrypoint | Part::Cmd);
        let leaf = p.model.dockerfiles().get(di).is_some_and(|d| d.is_leaf(si));
        let first = img
            .entrypoint
            .as_ref()
            .or(img.cmd.as_ref())
            .and_then(|c| match &c.form {
                CommandForm::Exec(v) => v.first().cloned(),
                _ => None,
            });
        from_image
            && leaf
            && p.kind == ProcKind::Main
            && name.starts_with('/')
            && first.as_deref() == Some(name)
            && img.exists(name) == Tri::No
    }

    /// `./run.sh` with a `workingDir` where kexit cannot see the file, while the image has it
    /// under its own WORKDIR: the override moved the lookup away from the file.
    fn relative_elsewhere(&mut self, name: &str, span: Span) {
        let p = self.p;
        let Some(img) = p.image else { return };
        if !p.workdir.from_manifest || !img.base_known {
            return;
        }
        let Some(wd) = p.workdir.path.as_deref() else {
            return;
        };
        if crate::image::build::normalize("/", &img.workdir) == wd {
            return;
        }
        let there = crate::image::build::normalize(&img.workdir, name);
        let fact = p.at(&there);
        if fact.exists != Tri::Yes || fact.is_dir == Tri::Yes {
            return;
        }
        // What was created in the image is known; the `workingDir` target is not (a base image
        // directory kexit does not list), so this is the likely case, not a certain one, unless
        // nothing can be there.
        let target = crate::image::build::normalize(wd, name);
        let certain = p.at(&target).exists == Tri::No;
        self.out.push(ExecFact::MovedByWorkingDir {
            name: name.to_string(),
            span,
            workdir: wd.to_string(),
            target,
            there,
            image_workdir: img.workdir.clone(),
            certain,
            fact,
        });
    }

    /// `env [opts] [NAME=V…] X …`, `tini [opts] [--] X …`, `dumb-init [opts] [--] X …`: X must
    /// resolve (env and tini exit 127 otherwise, dumb-init 2).
    fn env_target(&mut self, launcher: &str) {
        let p = self.p;
        let args = &p.argv.args;
        // Options that take a value: env `-u NAME`, `-C DIR`; tini `-e CODE`, `-p SIGNAL`,
        // `-R A|F`; dumb-init `-r s:r`.
        let with_value: &[&str] = match launcher {
            "env" => &["-u", "-C"],
            "dumb-init" => &["-r", "--rewrite"],
            _ => &["-e", "-p", "-R"],
        };
        let mut k = 1;
        while k < args.len() {
            let v = args[k].value.as_str();
            if with_value.contains(&v) {
                k += 2;
            } else if launcher != "env" && v.contains('=') && !v.starts_with('-') {
                break;
            } else if v == "-S" || v.starts_with("-S") || v.starts_with("--split") {
                return;
            } else if v == "--" {
                k += 1;
                break;
            } else if v.starts_with('-') || v.contains('=') {
                k += 1;
            } else {
                break;
            }
        }
        let Some(a) = args.get(k) else { return };
        if !a.exact || a.value.is_empty() {
            return;
        }
        if let Found::No(fact) = p.find(&a.value) {
            self.out.push(ExecFact::EnvTargetMissing {
                launcher: launcher.to_string(),
                name: a.value.clone(),
                span: p.primary_span(k),
                program: self.program(&a.value),
                fact,
            });
        }
    }

    /// The official images' entrypoint scripts that end in `exec "$@"` (nginx, postgres, redis,
    /// …): an argument that is not an option is run as a command, and the script's shell
    /// exits 127 when it is not found.
    fn entrypoint_target(&mut self, script: &str) {
        let p = self.p;
        let Some(a) = p.argv.args.get(1) else { return };
        // An option (or redis's `*.conf`) goes to the image's own program.
        if !a.exact || a.value.is_empty() || a.value.starts_with('-') || a.value.ends_with(".conf")
        {
            return;
        }
        if let Found::No(fact) = p.find(&a.value) {
            self.out.push(ExecFact::EnvTargetMissing {
                launcher: script.to_string(),
                name: a.value.clone(),
                span: p.primary_span(1),
                program: self.program(&a.value),
                fact,
            });
        }
    }

    /// The commands of a `sh -c` string (or shell-form command), and its bash syntax.
    fn shell_string(&mut self, sc: &ShellCall, shell_prog: &str) {
        let p = self.p;
        let shell = self.shell_info(shell_prog);
        let is_bash = shell.is_bash;
        let script = &sc.script;
        let sets_path = script.changes_path;
        // After a `cd`, relative paths resolve somewhere kexit does not follow.
        let changes_dir = script
            .commands
            .iter()
            .any(|c| matches!(c.name.text.as_str(), "cd" | "pushd" | "popd"));
        let installed_from = script.first_install();
        let start = self.out.len();
        for (i, cmd) in script.commands.iter().enumerate() {
            if self.out.len() - start >= MAX_SCRIPT_FACTS {
                let span = p
                    .span_in(sc.script_index, cmd.name.range.clone())
                    .unwrap_or_else(|| p.primary_span(sc.script_index));
                self.out.push(ExecFact::FactBudget {
                    span,
                    describe: format!("this `{shell_prog} -c` string"),
                });
                return;
            }
            let name = cmd.name.text.as_str();
            let or_exit = shell::or_exit_status(&script.commands, i);
            if not_looked_up(script, installed_from, i, cmd)
                || name == "]]"
                || (cmd.flow == shell::Flow::Conditional && or_exit.is_none())
                || (changes_dir && name.contains('/') && !name.starts_with('/'))
                || (sets_path && !name.contains('/'))
            {
                continue;
            }
            let span = p
                .span_in(sc.script_index, cmd.name.range.clone())
                .unwrap_or_else(|| p.primary_span(sc.script_index));
            match p.find(name) {
                Found::No(fact) => self.out.push(ExecFact::ShellCommandMissing {
                    name: name.to_string(),
                    span,
                    program: self.program(name),
                    fatal: cmd.fatal || script.errexit || cmd.exec || or_exit.is_some(),
                    status: or_exit.unwrap_or(127),
                    shell: shell.clone(),
                    fact,
                }),
                Found::Yes(fact) => {
                    // A directory a volume puts there is KX301's (subPath of a missing key) or KX304's.
                    let dir_path =
                        fact.is_dir == Tri::Yes && name.contains('/') && fact.mounted.is_none();
                    if fact.is_dir == Tri::Yes && !dir_path {
                        continue;
                    }
                    if fact.executable == Tri::No || dir_path {
                        self.out.push(ExecFact::NotExecutable {
                            name: name.to_string(),
                            span,
                            fact,
                            direct: false,
                        });
                        continue;
                    }
                    if !is_shell_name(name) {
                        self.script(&fact.path, span, false);
                    }
                }
                Found::Unknown => {}
            }
            // `sh script.sh` inside the string.
            if is_shell_name(name) && !is_bash {
                self.nested_shell_script(name, cmd, span);
            }
        }
        // Bash syntax in the -c string itself.
        if let Some(fl) = shell.flavor {
            let left = MAX_SCRIPT_FACTS.saturating_sub(self.out.len() - start);
            for b in script
                .bashisms
                .iter()
                .filter(|b| b.kind.breaks(fl))
                .take(left)
            {
                let span = p
                    .span_in(sc.script_index, b.range.clone())
                    .unwrap_or_else(|| p.primary_span(sc.script_index));
                self.out.push(ExecFact::StringBashism {
                    span,
                    shell: shell.clone(),
                    flavor: fl,
                    bashism: b.clone(),
                });
            }
        }
    }
}

mod scripts;

/// Commands of a script never looked up in the image: not a literal name, a builtin or
/// function of the script, one it probes for first (`command -v x`), or one after an install
/// (`apk add curl && curl …`: it may have installed what runs after it).
fn not_looked_up(
    script: &shell::Script,
    installed_from: Option<usize>,
    i: usize,
    cmd: &shell::Command,
) -> bool {
    let name = cmd.name.text.as_str();
    !cmd.name.literal
        || name.is_empty()
        || installed_from.is_some_and(|f| i > f)
        || shell::is_builtin(name)
        || shell::is_bash_builtin(name)
        || name == "[["
        || script.is_probed(name)
        || script.functions.contains(name)
}
