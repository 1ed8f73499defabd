//! How a shell script runs as PID 1 (a `sh -c` string, a shell-form command, an entrypoint
//! script): which command ends up holding PID 1, whether it is `exec`'d, and whether it only
//! idles. Facts for the SIGTERM rule (KX210), computed from the one shell parser; nothing here
//! knows about findings or severities.

use crate::shell::{self, Item, ItemKind, Script};
use std::ops::Range;

/// Programs with no SIGTERM handler: as PID 1 they ignore SIGTERM.
pub(crate) const NO_HANDLER: [&str; 3] = ["sleep", "tail", "cat"];

/// Shell builtins that finish at once (the real work ran before them).
const QUICK: [&str; 7] = ["echo", "true", "false", "exit", ":", "printf", "return"];

/// Programs that only change files and end (`test -f conf || cp -v default conf`): a script made
/// of nothing else ends by itself within moments, so no stop finds it running.
const FILE_OPS: [&str; 20] = [
    "cp", "mv", "mkdir", "chmod", "chown", "chgrp", "ln", "rm", "rmdir", "touch", "install",
    "test", "[", "echo", "printf", "true", "false", "exit", ":", "cd",
];

pub(crate) fn base(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// Why PID 1 ignores SIGTERM, and under which shells.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Risk {
    /// Under every shell (pipeline, background + wait, loop, non-final main command, or a
    /// program with no handler).
    All(String),
    /// Under every shell, but the container only idles (`sleep`, `tail -f`, a polling loop):
    /// killing it loses nothing, every stop is only slow.
    Idle(String),
    /// Under dash (and bash when `bash_too`): the last command is not `exec`'d.
    ShellDependent { why: String, bash_too: bool },
}

/// What the shell does as PID 1 with the top-level item `item` (its simple command, if any).
pub(crate) fn item_command<'s>(script: &'s Script, item: &Item) -> Option<&'s shell::Command> {
    item.command.and_then(|k| script.commands.get(k))
}

/// The range to point at for an item: the simple command, or a compound's closing keyword.
fn item_range(item: &Item) -> Range<usize> {
    item.end_keyword
        .clone()
        .unwrap_or_else(|| item.range.clone())
}

/// Items that run something (function definitions run nothing by themselves).
pub(crate) fn running_items(script: &Script) -> Vec<&Item> {
    script
        .items
        .iter()
        .filter(|i| i.kind != ItemKind::Function)
        .collect()
}

/// A command that finishes at once (the real work ran before it).
fn is_quick(name: &str) -> bool {
    QUICK.contains(&name) || name == "wait"
}

/// How deep compound commands and function calls are followed (each level parses one body).
const MAX_NEST: usize = 4;

/// Whether nothing after `items[k]` can run because of how it is joined: it is not after
/// `&&`/`||`/`|` and not followed by one or by `&`.
fn unconditional(script: &Script, items: &[&Item], k: usize) -> bool {
    let joined = |op: Option<&str>| matches!(op, Some("&&" | "||" | "|" | "&"));
    let Some(item) = items.get(k) else {
        return false;
    };
    !joined(item.before)
        && !items.get(k + 1).is_some_and(|n| joined(n.before))
        && !item_command(script, item).is_some_and(|c| joined(c.next_op))
}

/// The item ends the shell whenever it runs, so nothing after it runs: `exec prog`, `exit`,
/// or an `if` with an `else`, a `case` with a `*)` branch or a `{ }` group every branch of
/// which ends that way (odoo's `case … *) exec "$@";; esac` followed by `exit 1`).
fn ends_shell(text: &str, script: &Script, item: &Item, depth: usize) -> bool {
    match item.kind {
        ItemKind::Simple => {
            item_command(script, item).is_some_and(|c| c.exec || c.name.text == "exit")
        }
        ItemKind::If | ItemKind::Case | ItemKind::Group => {
            depth < MAX_NEST
                && item.exhaustive
                && !item.branches.is_empty()
                && item.branches.iter().all(|r| {
                    text.get(r.clone()).is_some_and(|body| {
                        let s = shell::parse(body);
                        !s.incomplete
                            && first_terminal(body, &s, &running_items(&s), depth + 1).is_some()
                    })
                })
        }
        _ => false,
    }
}

/// The first item of `items` that ends the shell unconditionally: the items after it never run.
fn first_terminal(text: &str, script: &Script, items: &[&Item], depth: usize) -> Option<usize> {
    (0..items.len())
        .find(|&k| unconditional(script, items, k) && ends_shell(text, script, items[k], depth))
}

/// What a body (of a branch or a function) keeps the shell doing at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Busy {
    /// A polling loop: a loop with `sleep` in it.
    Polls,
    /// Nothing: it runs only quick builtins (`echo skipped`, `exit 0`).
    Quick,
    Other,
}

/// The script's top-level text and parse, where the functions a body calls are defined, and
/// how many more bodies may be parsed (function calls can fan out: the work stays bounded).
struct Root<'a> {
    text: &'a str,
    script: &'a Script,
    budget: std::cell::Cell<usize>,
}

impl<'a> Root<'a> {
    fn new(text: &'a str, script: &'a Script) -> Self {
        Root {
            text,
            script,
            budget: std::cell::Cell::new(64),
        }
    }
}

/// What `item` (of `script`, whose text is `text`) ends up doing: a loop with `sleep` in it
/// polls; an `if`/`case`, a group or a subshell polls when each branch polls or is quick (and
/// one polls); a call of a function of the script polls when the function's body does.
fn busy(root: &Root<'_>, text: &str, script: &Script, item: &Item, depth: usize) -> Busy {
    if depth > MAX_NEST {
        return Busy::Other;
    }
    match item.kind {
        ItemKind::Loop => {
            let sleeps = text.get(item.range.clone()).is_some_and(|t| {
                shell::parse(t)
                    .commands
                    .iter()
                    .any(|c| base(&c.name.text) == "sleep")
            });
            if sleeps {
                Busy::Polls
            } else {
                Busy::Other
            }
        }
        ItemKind::If | ItemKind::Case | ItemKind::Group | ItemKind::Subshell => {
            let each: Vec<Busy> = item
                .branches
                .iter()
                .map(|r| body_busy(root, text.get(r.clone()), depth + 1))
                .collect();
            if each.contains(&Busy::Polls) && each.iter().all(|b| *b != Busy::Other) {
                Busy::Polls
            } else {
                Busy::Other
            }
        }
        ItemKind::Simple => {
            let Some(c) = item_command(script, item) else {
                return Busy::Other;
            };
            if c.exec || !c.name.literal {
                return Busy::Other;
            }
            // A call of a function the script defines runs its body in the shell itself.
            let body = root
                .script
                .items
                .iter()
                .rev()
                .find(|i| {
                    i.kind == ItemKind::Function && i.name.as_deref() == Some(c.name.text.as_str())
                })
                .and_then(|f| f.branches.first());
            match body {
                Some(r) => match body_busy(root, root.text.get(r.clone()), depth + 1) {
                    Busy::Polls => Busy::Polls,
                    _ => Busy::Other,
                },
                None => Busy::Other,
            }
        }
        _ => Busy::Other,
    }
}

/// What a body ends up doing (see [`busy`]).
fn body_busy(root: &Root<'_>, body: Option<&str>, depth: usize) -> Busy {
    let Some(body) = body else {
        return Busy::Other;
    };
    let Some(left) = root.budget.get().checked_sub(1) else {
        return Busy::Other;
    };
    root.budget.set(left);
    let s = shell::parse(body);
    if s.incomplete || !s.traps.is_empty() {
        return Busy::Other;
    }
    let items = running_items(&s);
    let quick = |i: &&Item| {
        i.kind == ItemKind::Simple
            && item_command(&s, i).is_none_or(|c| !c.exec && is_quick(&c.name.text))
    };
    if items.iter().all(quick) {
        return Busy::Quick;
    }
    match items.last() {
        Some(last) if last.before != Some("|") => busy(root, body, &s, last, depth),
        _ => Busy::Other,
    }
}

const POLLING: &str =
    "it ends in a polling loop (`sleep` between rounds), which runs in the shell itself";

/// Analyse a `sh -c` string (or a script when `script_file`): the risk and the byte range of
/// the command to point at.
pub(crate) fn analyse(text: &str, script_file: bool) -> Option<(Risk, Range<usize>)> {
    analyse_parsed(text, &shell::parse_shared(text), script_file)
}

/// [`analyse`] of a text already parsed.
pub(crate) fn analyse_parsed(
    text: &str,
    script: &Script,
    script_file: bool,
) -> Option<(Risk, Range<usize>)> {
    // Text kexit cannot read completely, or a script that handles signals itself.
    if script.incomplete || !script.traps.is_empty() {
        return None;
    }
    let items = running_items(script);
    // Only file operations, no loop or compound command: a one-shot setup task (a Compose init
    // service that copies a default config), not a process anyone stops.
    if !script.commands.is_empty()
        && items
            .iter()
            .all(|i| matches!(i.kind, ItemKind::Simple | ItemKind::Test))
        && script
            .commands
            .iter()
            .all(|c| c.name.literal && FILE_OPS.contains(&base(&c.name.text)))
    {
        return None;
    }
    let background = script.commands.iter().any(|c| c.next_op == Some("&"))
        || items.iter().any(|i| i.before == Some("&"));
    // Items after one that always ends the shell (`exec`, `exit`, a `case` each branch of
    // which execs) never run.
    let mut items = items;
    if let Some(k) = first_terminal(text, script, &items, 0) {
        items.truncate(k + 1);
    }
    let last = *items.last()?;
    let range = item_range(last);
    if last.kind != ItemKind::Simple && ends_shell(text, script, last, 0) {
        // Every branch execs its program (it becomes PID 1) or exits.
        return None;
    }
    if last.before == Some("|") {
        return Some((
            Risk::All("its last command runs in a pipeline, which no shell execs".to_string()),
            range,
        ));
    }
    match last.kind {
        ItemKind::Loop => {
            // A polling loop (`while true; do …; sleep 5; done`) idles between rounds: killing
            // it loses nothing, every stop is only slow (a warning, as for `sleep` itself).
            let polls = script
                .commands
                .iter()
                .any(|c| base(&c.name.text) == "sleep");
            let risk = if polls {
                Risk::Idle(POLLING.to_string())
            } else {
                Risk::All("it ends in a loop, which runs in the shell itself".to_string())
            };
            return Some((risk, range));
        }
        ItemKind::If | ItemKind::Case | ItemKind::Group | ItemKind::Subshell => {
            // `if [ "$WATCH" ]; then watch_conf; fi` with `watch_conf() { while true; do
            // sleep 10; …; done; }`: the same idle polling as the loop at top level.
            if busy(&Root::new(text, script), text, script, last, 0) == Busy::Polls {
                return Some((Risk::Idle(POLLING.to_string()), range));
            }
            if script_file || text.contains("exec ") {
                return None;
            }
            return Some((
                Risk::ShellDependent {
                    why: "its last command sits inside a compound command, where dash and bash do not exec it".to_string(),
                    bash_too: true,
                },
                range,
            ));
        }
        ItemKind::Test | ItemKind::Arithmetic | ItemKind::Function => return None,
        ItemKind::Simple => {}
    }
    let c = item_command(script, last)?;
    let cmd = c.name.text.as_str();
    if busy(&Root::new(text, script), text, script, last, 0) == Busy::Polls {
        return Some((Risk::Idle(POLLING.to_string()), range));
    }
    if c.exec {
        let prog = base(cmd);
        if NO_HANDLER.contains(&prog) {
            return Some((
                Risk::Idle(format!(
                    "it execs `{prog}`, which has no SIGTERM handler and as PID 1 ignores SIGTERM"
                )),
                range,
            ));
        }
        return None;
    }
    if cmd == "wait" && background {
        // `sleep infinity & wait`: what runs in the background only idles.
        let idlers: Vec<&str> = script
            .commands
            .iter()
            .filter(|c| c.next_op == Some("&"))
            .map(|c| base(&c.name.text))
            .collect();
        if !idlers.is_empty() && idlers.iter().all(|n| NO_HANDLER.contains(n)) {
            return Some((
                Risk::Idle(format!(
                    "it starts `{}` in the background (`&`) and `wait`s for it, staying PID 1 itself",
                    idlers[0]
                )),
                range,
            ));
        }
        return Some((Risk::All("it starts the app in the background (`&`) and `wait`s for it, staying PID 1 itself".to_string()), range));
    }
    if is_quick(cmd) {
        return main_not_last(script, &items);
    }
    if cmd.starts_with("$@") || cmd.starts_with("${@") {
        return Some((
            Risk::All("it runs its arguments (`\"$@\"`) without `exec`".to_string()),
            range,
        ));
    }
    if background {
        // `app &` as the last command: the shell exits and the container stops; not this rule.
        return None;
    }
    if NO_HANDLER.contains(&base(cmd)) {
        return Some((
            Risk::Idle(format!("its main command `{}` has no SIGTERM handler, so whether the shell stays PID 1 or execs it, PID 1 ignores SIGTERM", base(cmd))),
            range,
        ));
    }
    if script_file {
        return Some((Risk::All(format!("the script runs `{}` without `exec` (no shell execs the last line of a script file)", base(cmd))), range));
    }
    Some((
        Risk::ShellDependent {
            why: format!("it runs `{}` without `exec`", base(cmd)),
            bash_too: false,
        },
        range,
    ))
}

/// The list ends in quick builtins (`echo done`, `wait`): the real work is the last item
/// before them that is not one, and it does not end the shell.
fn main_not_last(script: &Script, items: &[&Item]) -> Option<(Risk, Range<usize>)> {
    let main = items.iter().rev().skip(1).find(|i| match i.kind {
        ItemKind::Simple => item_command(script, i).is_some_and(|c| {
            let n = c.name.text.as_str();
            c.exec || !(is_quick(n) || matches!(n, "set" | "cd" | "export"))
        }),
        ItemKind::Test | ItemKind::Arithmetic | ItemKind::Function => false,
        _ => true,
    })?;
    let what = match (main.kind, item_command(script, main)) {
        (ItemKind::Simple, Some(c)) if c.exec => return None,
        // `sleep 10000; exit 1`: the container only idles, as with `sleep` last.
        (ItemKind::Simple, Some(c)) if NO_HANDLER.contains(&base(&c.name.text)) => {
            return Some((
                Risk::Idle(format!(
                    "its main command `{}` has no SIGTERM handler and runs as the shell's child, so PID 1 ignores SIGTERM",
                    base(&c.name.text)
                )),
                item_range(main),
            ));
        }
        (ItemKind::Simple, Some(c)) => format!("`{}`", base(&c.name.text)),
        // `while …; do …; sleep 5; done; echo stopped`: idle polling, as the loop last.
        (ItemKind::Loop, _)
            if script
                .commands
                .iter()
                .any(|c| base(&c.name.text) == "sleep") =>
        {
            return Some((Risk::Idle(POLLING.to_string()), item_range(main)));
        }
        (ItemKind::Loop, _) => "a loop".to_string(),
        _ => "a compound command".to_string(),
    };
    Some((
        Risk::All(format!(
            "{what} is not its last command, so the shell runs it as a child and waits"
        )),
        item_range(main),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn risk(s: &str) -> Option<Risk> {
        analyse(s, false).map(|(r, _)| r)
    }

    #[test]
    fn shell_strings() {
        assert!(matches!(
            risk("java -jar app.jar"),
            Some(Risk::ShellDependent {
                bash_too: false,
                ..
            })
        ));
        assert_eq!(risk("exec java -jar app.jar"), None);
        assert_eq!(risk("cd /app && exec python app.py"), None);
        assert!(matches!(
            risk("java -jar app.jar | tee /log/out"),
            Some(Risk::All(_))
        ));
        assert!(matches!(
            risk("java -jar app.jar & wait"),
            Some(Risk::All(_))
        ));
        assert!(matches!(
            risk("while true; do date; sleep 5; done"),
            Some(Risk::Idle(_))
        ));
        // Line continuations inside the loop do not hide it.
        assert!(matches!(
            risk("while true; \\\n do \\\n  curl -s http://x; \\\n  sleep 30; \\\ndone\n"),
            Some(Risk::Idle(_))
        ));
        assert!(matches!(
            risk("while true; do date; done"),
            Some(Risk::All(_))
        ));
        assert!(matches!(risk("sleep infinity & wait"), Some(Risk::Idle(_))));
        assert!(matches!(
            risk("tail -f /dev/null & wait"),
            Some(Risk::Idle(_))
        ));
        assert!(matches!(
            risk("java -jar app.jar; echo exited"),
            Some(Risk::All(_))
        ));
        assert!(matches!(risk("sleep infinity"), Some(Risk::Idle(_))));
        assert!(matches!(risk("exec sleep 3600"), Some(Risk::Idle(_))));
        assert!(matches!(
            risk("exec tail -f /dev/null"),
            Some(Risk::Idle(_))
        ));
        assert_eq!(
            risk("trap 'kill $PID' TERM; java -jar app.jar & PID=$!; wait"),
            None
        );
        assert_eq!(risk("echo hi"), None);
        assert_eq!(risk("java -jar app.jar 2>&1"), risk("java -jar app.jar"));
        // A line continuation right after `&&` is not a command named `\`.
        assert_eq!(
            risk("pip install x && \\\n  genai-perf profile \\\n  --url u\n"),
            Some(Risk::ShellDependent {
                why: "it runs `genai-perf` without `exec`".into(),
                bash_too: false
            })
        );
        assert_eq!(risk("echo 'unterminated; java -jar a.jar"), None);
        assert!(matches!(
            risk("if [ -f x ]; then a; fi"),
            Some(Risk::ShellDependent { bash_too: true, .. })
        ));
        // A polling loop reached through an `if`, a `case`, a group or a function call.
        let watch = "w() { while true; do sleep 10; echo tick; done; }\n";
        assert!(matches!(
            risk(&format!("{watch}if [ \"$1\" != x ]; then w; fi")),
            Some(Risk::Idle(_))
        ));
        assert!(matches!(risk(&format!("{watch}w")), Some(Risk::Idle(_))));
        assert!(matches!(
            risk(&format!(
                "{watch}case $M in a) w;; *) echo no; exit 0;; esac"
            )),
            Some(Risk::Idle(_))
        ));
        assert!(matches!(
            risk("{ while :; do date; sleep 5; done; }"),
            Some(Risk::Idle(_))
        ));
        // A branch or a function that runs a program stays an error.
        assert!(matches!(
            risk(&format!(
                "{watch}if [ x ]; then w; else java -jar a.jar; fi"
            )),
            Some(Risk::ShellDependent { bash_too: true, .. })
        ));
        assert!(matches!(
            risk("s() { java -jar a.jar; }\nif [ x ]; then s; fi"),
            Some(Risk::ShellDependent { bash_too: true, .. })
        ));
        // A function calling itself ends the walk (bounded depth).
        assert!(matches!(
            risk("f() { f; }\nif [ x ]; then f; fi"),
            Some(Risk::ShellDependent { bash_too: true, .. })
        ));
    }

    #[test]
    fn unreachable_after_exhaustive_exec() {
        let file = |s: &str| analyse(s, true).map(|r| r.0);
        // Every branch of the `case` (with `*)`) execs: `exit 1` never runs.
        assert_eq!(
            file("#!/bin/sh\ncase \"$1\" in\n  odoo) shift; exec odoo \"$@\";;\n  *) exec \"$@\"\nesac\nexit 1\n"),
            None
        );
        assert_eq!(
            file("#!/bin/sh\nif [ -n \"$D\" ]; then exec a --dev; else exec a; fi\necho unreachable\nexit 1\n"),
            None
        );
        // Nested: an `if`/`else` inside a branch; `exit` ends a branch too.
        assert_eq!(
            file("#!/bin/sh\ncase $1 in\n a) if x; then exec a; else exec b; fi;;\n *) echo usage; exit 2;;\nesac\nrun\n"),
            None
        );
        // A `case` without `*)`, an `if` without `else`, a branch that does not exec: the
        // command after it runs.
        assert!(matches!(
            file("#!/bin/sh\ncase $1 in\n a) exec a;;\nesac\nodoo\n"),
            Some(Risk::All(_))
        ));
        assert!(matches!(
            file("#!/bin/sh\nif x; then exec a; fi\nodoo\n"),
            Some(Risk::All(_))
        ));
        assert!(matches!(
            file("#!/bin/sh\ncase $1 in\n a) exec a;;\n *) echo x;;\nesac\nodoo\n"),
            Some(Risk::All(_))
        ));
        // `exec` joined by `&&`/`||` may not run.
        assert!(matches!(
            file("#!/bin/sh\n[ -x /a ] && exec /a\nodoo\n"),
            Some(Risk::All(_))
        ));
        // `exec` with only redirections replaces nothing.
        assert!(matches!(
            file("#!/bin/sh\nexec >/log 2>&1\nodoo\n"),
            Some(Risk::All(_))
        ));
    }

    #[test]
    fn script_files() {
        assert_eq!(
            analyse("#!/bin/sh\nset -e\nexec \"$@\"\n", true).map(|r| r.0),
            None
        );
        assert!(matches!(
            analyse("#!/bin/sh\nset -e\njava -jar /app.jar\n", true).map(|r| r.0),
            Some(Risk::All(_))
        ));
        // The `#!` line is not a command.
        assert_eq!(analyse("#!/bin/sh\necho ready\n", true).map(|r| r.0), None);
    }
}
