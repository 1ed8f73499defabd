//! A small POSIX-shell word/command splitter: enough of `sh -c '…'` strings and script files to
//! find the command name of every simple command, the words it is given, how its failure
//! propagates, and the bash-only syntax a `/bin/sh` (dash, busybox ash) would trip over.
//!
//! It is not a shell. It never expands anything: a word holding `$x`, `$(…)` or a backquote is
//! *dynamic*, and a dynamic command name is recorded as unknown. Heredoc bodies are skipped,
//! comments dropped, nesting is bounded ([`MAX_DEPTH`]), and no input makes it panic.

//!
//! The one shell parser of kexit: RUN lines, script files, `sh -c` strings and PID 1 analysis
//! all read shell text through [`parse`] (or [`parse_for`], which refuses text a non-POSIX
//! `SHELL` such as PowerShell would run). Files: `lexer` (words, operators, heredocs),
//! `parser` (commands, top-level items, traps), `bashism` (bash-only syntax), `shebang`.

mod bashism;
mod lexer;
mod parser;
mod shebang;
#[cfg(test)]
mod tests;

pub use bashism::{Bashism, BashismKind, ShellFlavor};
pub use shebang::{shebang, Shebang};

use std::collections::BTreeSet;
use std::ops::Range;

/// Deepest nesting of `$(…)`, `${…}`, quotes and compound commands that is followed.
pub const MAX_DEPTH: usize = 64;

/// One shell word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes removed (expansions kept verbatim).
    pub text: String,
    /// Byte range in the input.
    pub range: Range<usize>,
    /// True when the word has no expansion (`$…`, backquote, unquoted `*`/`?`, leading `~`).
    pub literal: bool,
    /// True when some part of it was quoted (so it is never a reserved word).
    pub quoted: bool,
}

/// How a command's failure reaches the shell's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Runs unconditionally at top level; its status can end the shell.
    Plain,
    /// In an `if`/`while`/`until` condition, next to `||`, after `!`, in a pipeline before `|`,
    /// in the background, in a `case` branch or a function body: its failure does not end the
    /// shell by itself.
    Conditional,
}

/// One simple command.
#[derive(Debug, Clone)]
pub struct Command {
    /// The command name (after assignments, redirections and `exec`/`command`/`nohup`/`env`
    /// prefixes). `literal` false means the name is computed at runtime (unknown).
    pub name: Word,
    /// Arguments after the name.
    pub args: Vec<Word>,
    /// Run by `exec` (the shell is replaced by it).
    pub exec: bool,
    /// Reached through `env …` (so `env` itself is run as well and listed separately).
    pub via_env: bool,
    pub flow: Flow,
    /// The last command of the top-level list (its status is the shell's status).
    pub last: bool,
    /// Its failure ends the shell with its status: the last command, or one joined to it by
    /// `&&` (`a && b`: when `a` fails, the list's status is `a`'s).
    pub fatal: bool,
    /// The list operator after it (`&&`, `||`, `;`, `|`, `&`, newline), if any.
    pub next_op: Option<&'static str>,
    /// Inside `$(…)`/backquotes: never collected (kept for completeness; always false).
    pub in_subst: bool,
    /// The whole simple command: from its first assignment, redirection or word to its last
    /// (shared by the commands `exec`/`env`/`nohup` wrap).
    pub range: Range<usize>,
    /// `NAME=value` words before the command name.
    pub assignments: Vec<Word>,
    pub redirects: Vec<Redirect>,
}

/// A redirection (`>file`, `2>&1`, `<in`, `<<EOF`, `<<<word`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The operator as written, with its IO number (`2>`, `>>`, `<<-`).
    pub op: String,
    /// The operator and its target.
    pub range: Range<usize>,
    /// The target word (None for a heredoc).
    pub target: Option<Word>,
    pub heredoc: Option<Heredoc>,
}

/// A heredoc (`<<EOF` … `EOF`): its body is never parsed as commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter with quotes removed.
    pub delimiter: String,
    /// The delimiter was quoted (`<<'EOF'`): the body is not expanded.
    pub quoted: bool,
    /// `<<-`: leading tabs stripped.
    pub strip_tabs: bool,
    /// The body's lines (without the delimiter line).
    pub body: Range<usize>,
}

/// What a top-level item of the script's list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A simple command (see [`Item::command`]).
    Simple,
    /// `while`/`until`/`for`/`select` … `done`.
    Loop,
    /// `if` … `fi`.
    If,
    /// `case` … `esac`.
    Case,
    /// `{ …; }`.
    Group,
    /// `( … )`.
    Subshell,
    /// A function definition (runs nothing by itself).
    Function,
    /// `[[ … ]]`.
    Test,
    /// `(( … ))`.
    Arithmetic,
}

/// One element of the top-level list: a simple command or a compound command, with the
/// operator that joins it to the one before (`&&`, `||`, `|`, `;`, `&`, newline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    /// From its first token to its closing keyword.
    pub range: Range<usize>,
    /// The operator before it (None for the first item).
    pub before: Option<&'static str>,
    /// For a simple command: the index of its command in [`Script::commands`] (None when it
    /// runs no command, e.g. only assignments).
    pub command: Option<usize>,
    /// The closing keyword (`done`, `fi`, `esac`, `}`, `)`) of a compound command.
    pub end_keyword: Option<Range<usize>>,
    /// The byte ranges of a compound command's bodies, in order (parse each with [`parse`]
    /// for its own items): the `then`, `elif` and `else` bodies of an `if`, the branches of a
    /// `case`, the body of a loop, a group, a subshell or a function. Empty for a simple
    /// command, a test and an arithmetic command.
    pub branches: Vec<Range<usize>>,
    /// Some branch runs whatever the input: an `if` with an `else`, a `case` with a bare `*`
    /// pattern, a group, a subshell or a function body (a loop body may run zero times).
    pub exhaustive: bool,
    /// A function definition's name.
    pub name: Option<String>,
}

/// A `trap ACTION SIGNAL…` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub range: Range<usize>,
    /// The action word (None for `trap -p` / `trap` alone).
    pub action: Option<Word>,
    pub signals: Vec<String>,
}

/// The result of splitting a shell string or script.
#[derive(Debug, Clone, Default)]
pub struct Script {
    pub commands: Vec<Command>,
    pub bashisms: Vec<Bashism>,
    /// Names and paths the script tests for before using them (`command -v x`, `which x`,
    /// `type x`, `hash x`, `[ -x /p ]`): a missing one is handled by the script.
    pub probed: BTreeSet<String>,
    /// Something could not be followed (`eval`, a computed command name, nesting too deep,
    /// unbalanced quotes): commands may run that are not listed.
    pub unknown: bool,
    /// `set -e` (or `-o errexit`) is in effect from the start or set at top level.
    pub errexit: bool,
    /// The script ends up running its own arguments: `exec "$@"` (or `"$@"` as a command).
    pub runs_args: bool,
    /// Names of functions the script defines (`name() { … }`, `function name`).
    pub functions: BTreeSet<String>,
    /// The script changes PATH or pulls in other files (`PATH=…`, `export PATH`, `.`/`source`):
    /// bare names may resolve differently than in the image.
    pub changes_path: bool,
    /// The script rewrites its positional parameters (`set --`, `shift`).
    pub rewrites_args: bool,
    /// The top-level list, in order.
    pub items: Vec<Item>,
    pub traps: Vec<Trap>,
    /// The text is not complete shell syntax as far as kexit can tell (an unterminated quote,
    /// an unbalanced `$(…)`, an `if` without `fi`, nesting too deep): `unknown` is set too.
    pub incomplete: bool,
}

impl Script {
    /// Commands whose name is a literal word (the ones that can be looked up).
    pub fn literal_commands(&self) -> impl Iterator<Item = &Command> {
        self.commands.iter().filter(|c| c.name.literal)
    }

    /// Index (in [`Script::commands`]) of the first command that may install programs: a
    /// package manager's install (`apk add`, `apt-get install`, `pip install`, `npm i -g` …), a
    /// download to a file (`curl -o`, `wget -O`), an archive extraction, or a copy/link into a
    /// `bin` directory. Commands after it may be programs it installed.
    pub fn first_install(&self) -> Option<usize> {
        self.commands.iter().position(installs_programs)
    }

    /// Whether a name or path is tested before use.
    pub fn is_probed(&self, name: &str) -> bool {
        if self.probed.contains(name) {
            return true;
        }
        let base = name.rsplit('/').next().unwrap_or(name);
        self.probed.contains(base)
            || self
                .probed
                .iter()
                .any(|p| p.rsplit('/').next() == Some(base) && p.contains('/'))
    }
}

/// See [`Script::first_install`].
fn installs_programs(c: &Command) -> bool {
    let name = c.name.text.rsplit('/').next().unwrap_or(&c.name.text);
    let args: Vec<&str> = c.args.iter().map(|a| a.text.as_str()).collect();
    let has = |w: &str| args.contains(&w);
    let sub = args.iter().find(|a| !a.starts_with('-')).copied();
    match name {
        "apk" => sub == Some("add"),
        "apt-get" | "apt" | "aptitude" | "yum" | "dnf" | "microdnf" | "tdnf" | "zypper" => {
            matches!(sub, Some("install" | "in"))
        }
        "pip" | "pip3" | "pipx" | "gem" | "conda" | "mamba" | "micromamba" | "brew" | "cargo"
        | "go" => sub == Some("install"),
        "python" | "python3" => has("pip") && has("install"),
        "uv" => has("pip") && has("install") || matches!(sub, Some("tool")),
        "npm" | "pnpm" => {
            matches!(sub, Some("install" | "i" | "add")) && (has("-g") || has("--global"))
        }
        "yarn" => sub == Some("global"),
        // A download to a file (not to stdout or /dev/null): `curl -fsSLo /usr/local/bin/x`.
        "curl" => saves_to_file(&args, &['o', 'O'], "--output", true),
        // wget saves to a file unless told otherwise.
        "wget" => !has("--spider") && saves_to_file(&args, &['O'], "--output-document", false),
        "tar" => args
            .first()
            .is_some_and(|a| a.trim_start_matches('-').contains('x')),
        "unzip" | "gunzip" | "bunzip2" | "xz" => true,
        "cp" | "mv" | "ln" | "install" => args.iter().any(|a| a.contains("bin")),
        _ => false,
    }
}

/// Whether a downloader's arguments write a file: a short flag among `short` (also combined,
/// `-fsSLo`) or `long` (`--output FILE`, `--output=FILE`) naming something other than `-` or
/// `/dev/null` (`-O` alone, curl's remote name, counts); without any of them, `default`.
fn saves_to_file(args: &[&str], short: &[char], long: &str, remote_name: bool) -> bool {
    let mut seen = false;
    for (i, a) in args.iter().enumerate() {
        let value = if let Some(v) = a.strip_prefix(long).and_then(|v| v.strip_prefix('=')) {
            Some(v)
        } else if *a == long {
            args.get(i + 1).copied()
        } else if !a.starts_with("--") && a.starts_with('-') {
            // The value follows the last short flag, in the same word or the next one.
            let flags = &a[1..];
            match flags.char_indices().find(|(_, c)| short.contains(c)) {
                Some((j, c)) => {
                    let rest = &flags[j + 1..];
                    if c == 'O' && remote_name {
                        return true;
                    }
                    Some(if rest.is_empty() {
                        args.get(i + 1).copied().unwrap_or("")
                    } else {
                        rest
                    })
                }
                None => None,
            }
        } else {
            None
        };
        if let Some(v) = value {
            seen = true;
            if v != "-" && v != "/dev/null" {
                return true;
            }
        }
    }
    !seen && !remote_name
}

/// Builtins and keywords of every `/bin/sh` kexit knows (dash, busybox ash, bash): never looked
/// up in PATH.
pub fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        ":" | "."
            | "alias"
            | "bg"
            | "break"
            | "cd"
            | "command"
            | "continue"
            | "echo"
            | "eval"
            | "exec"
            | "exit"
            | "export"
            | "false"
            | "fg"
            | "getopts"
            | "hash"
            | "jobs"
            | "kill"
            | "local"
            | "printf"
            | "pwd"
            | "read"
            | "readonly"
            | "return"
            | "set"
            | "shift"
            | "test"
            | "["
            | "times"
            | "trap"
            | "true"
            | "type"
            | "ulimit"
            | "umask"
            | "unalias"
            | "unset"
            | "wait"
    )
}

/// Builtins that only bash (and for some, busybox ash) has.
pub fn is_bash_builtin(name: &str) -> bool {
    matches!(
        name,
        "source"
            | "declare"
            | "typeset"
            | "let"
            | "shopt"
            | "mapfile"
            | "readarray"
            | "pushd"
            | "popd"
            | "builtin"
            | "caller"
            | "compgen"
            | "complete"
            | "disown"
            | "enable"
            | "help"
            | "history"
            | "logout"
            | "suspend"
            | "dirs"
    )
}

/// POSIX-family shells whose `-c` strings and scripts [`parse`] reads (a SHELL of
/// `["powershell", …]`, `["cmd", "/S", "/C"]` or `["pwsh", …]` is none of them).
pub fn is_posix_shell(program: &str) -> bool {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    matches!(
        base,
        "sh" | "bash" | "dash" | "ash" | "busybox" | "ksh" | "mksh" | "zsh" | "rbash"
    )
}

/// Parse text run by `shell` (a Dockerfile SHELL, `["/bin/sh", "-c"]` by default): None when
/// that program is not a POSIX shell (the text is then unknown, never read as sh).
pub fn parse_for(shell: &[String], src: &str) -> Option<Script> {
    match shell.first() {
        Some(p) if !is_posix_shell(p) => None,
        _ => Some(parse(src)),
    }
}

/// Texts up to this long are memoised by content in [`parse_shared`]; longer ones are parsed
/// each time (a key of that size is not worth keeping; the model memoises long script files by
/// identity).
pub const SHARED_PARSE_KEY: usize = 4096;

/// Split a shell string (`sh -c` argument) or a script file into commands.
/// [`parse`], once per distinct text in a run, shared: a script that many containers run
/// (`sh -c "…"` repeated across workloads) is held once in the process model.
pub fn parse_shared(src: &str) -> std::sync::Arc<Script> {
    static PARSED: crate::memo::RunMemo<String, std::sync::Arc<Script>> =
        crate::memo::RunMemo::new();
    if src.len() > SHARED_PARSE_KEY {
        return std::sync::Arc::new(parse(src));
    }
    PARSED.get_or_compute(src, || std::sync::Arc::new(parse(src)))
}

pub fn parse(src: &str) -> Script {
    let lexer = lexer::Lexer::new(src).run();
    let mut parser = parser::Parser {
        src,
        toks: &lexer.toks,
        heredocs: &lexer.heredocs,
        open_item: None,
        last_op: None,
        negate: false,
        i: 0,
        frames: Vec::new(),
        branch_at: None,
        catch_all: false,
        script: Script::default(),
    };
    parser.script.bashisms = lexer.bashisms.clone();
    parser.script.unknown = lexer.incomplete;
    parser.script.incomplete = lexer.incomplete;
    let mut script = parser.run();
    script.bashisms.sort_by_key(|b| b.range.start);
    script
}

/// `cmd || exit N` (N not 0) or `cmd || false` as the shell's last command, with `cmd` not itself
/// after `||`/`&&`/`|` and every command before it unconditional (not in an `if`, a loop, a
/// function, a `case`): when `cmd` cannot be found the shell always ends with N (the classic
/// `HEALTHCHECK CMD curl -f http://localhost/ || exit 1`).
pub fn or_exit_status(cmds: &[Command], i: usize) -> Option<u16> {
    let cmd = cmds.get(i)?;
    if cmd.next_op != Some("||") || cmd.via_env {
        return None;
    }
    if i > 0 && matches!(cmds[i - 1].next_op, Some("||") | Some("&&") | Some("|")) {
        return None;
    }
    if cmds[..i].iter().any(|c| c.flow != Flow::Plain) {
        return None;
    }
    let next = cmds.get(i + 1)?;
    if i + 2 != cmds.len() || next.next_op.is_some() || !next.name.literal {
        return None;
    }
    match next.name.text.as_str() {
        "false" if next.args.is_empty() => Some(1),
        "exit" => {
            let [a] = next.args.as_slice() else {
                return None;
            };
            let n: u16 = a.text.parse().ok().filter(|_| a.literal)?;
            (n != 0).then_some(n % 256)
        }
        _ => None,
    }
}
