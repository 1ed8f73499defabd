//! A small POSIX-shell word/command splitter: enough of `sh -c '…'` strings and script files to
//! find the command name of every simple command, the words it is given, how its failure
//! propagates, and the bash-only syntax a `/bin/sh` (dash, busybox ash) would trip over.
//!
//! It is not a shell. It never expands anything: a word holding `$x`, `$(…)` or a backquote is
//! *dynamic*, and a dynamic command name is recorded as unknown. Heredoc bodies are skipped,
//! comments dropped, nesting is bounded ([`MAX_DEPTH`]), and no input makes it panic.

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
}

/// Bash-only syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bashism {
    pub range: Range<usize>,
    pub kind: BashismKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BashismKind {
    /// `source file` (dash: `source: not found`).
    Source,
    /// `[[ … ]]` (dash: `[[: not found`).
    DoubleBracket,
    /// `function name` (dash: `function: not found` / syntax error).
    FunctionKeyword,
    /// `a=(1 2)` (dash and busybox: `Syntax error: "(" unexpected`).
    Array,
    /// `<<<` here-string (dash: `Syntax error: redirection unexpected`).
    HereString,
    /// `${x//a/b}` / `${x:1:2}` (dash: `Bad substitution`).
    Substitution,
    /// `<(…)` / `>(…)` process substitution (dash, busybox: syntax error).
    ProcessSubstitution,
    /// `(( … ))` arithmetic command (dash: tries a nested subshell; usually `not found`).
    Arithmetic,
    /// Builtins only bash has: `declare`, `typeset`, `let`, `shopt`, `mapfile`, `readarray`,
    /// `pushd`, `popd` (dash: `not found`).
    Builtin(&'static str),
}

/// Which `/bin/sh` runs the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShellFlavor {
    Dash,
    /// busybox ash as built by Alpine and the busybox images (with ASH_BASH_COMPAT: it accepts
    /// `source`, `[[`, `function`, `${x//…}`, `${x:n:m}`, but no arrays).
    Busybox,
}

impl BashismKind {
    /// The syntax as a user would recognise it.
    pub fn describe(self) -> &'static str {
        match self {
            BashismKind::Source => "`source`",
            BashismKind::DoubleBracket => "`[[ … ]]`",
            BashismKind::FunctionKeyword => "the `function` keyword",
            BashismKind::Array => "an array assignment `name=(…)`",
            BashismKind::HereString => "a `<<<` here-string",
            BashismKind::Substitution => "`${var//…}` / `${var:offset:length}` substitution",
            BashismKind::ProcessSubstitution => "process substitution `<(…)`",
            BashismKind::Arithmetic => "an arithmetic command `(( … ))`",
            BashismKind::Builtin(b) => match b {
                "declare" => "`declare`",
                "typeset" => "`typeset`",
                "let" => "`let`",
                "shopt" => "`shopt`",
                "mapfile" => "`mapfile`",
                "readarray" => "`readarray`",
                "pushd" => "`pushd`",
                _ => "`popd`",
            },
        }
    }

    /// Whether this shell rejects it.
    pub fn breaks(self, flavor: ShellFlavor) -> bool {
        match flavor {
            ShellFlavor::Dash => true,
            ShellFlavor::Busybox => matches!(
                self,
                BashismKind::Array
                    | BashismKind::ProcessSubstitution
                    | BashismKind::Builtin("shopt" | "mapfile" | "readarray" | "pushd" | "popd")
            ),
        }
    }

    /// Exit status and what the shell prints: 127 (`x: not found`, the script goes on) or 2
    /// (a syntax error: the script stops there).
    pub fn outcome(self, flavor: ShellFlavor) -> (u16, String) {
        let syntax = |what: &str| (2, format!("Syntax error: {what}"));
        match (self, flavor) {
            (BashismKind::Source, _) => (127, "source: not found".into()),
            (BashismKind::DoubleBracket, _) => (127, "[[: not found".into()),
            (BashismKind::FunctionKeyword, _) => (127, "function: not found".into()),
            (BashismKind::Array, _) => syntax("\"(\" unexpected"),
            (BashismKind::HereString, _) => syntax("redirection unexpected"),
            (BashismKind::Substitution, _) => (2, "Bad substitution".into()),
            (BashismKind::ProcessSubstitution, _) => syntax("\"(\" unexpected"),
            (BashismKind::Arithmetic, _) => (127, "not found".into()),
            (BashismKind::Builtin(b), _) => (127, format!("{b}: not found")),
        }
    }

    /// True when the shell stops at it (syntax errors); false when it prints `not found` and
    /// carries on.
    pub fn fatal(self) -> bool {
        matches!(
            self,
            BashismKind::Array
                | BashismKind::HereString
                | BashismKind::Substitution
                | BashismKind::ProcessSubstitution
        )
    }
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
}

impl Script {
    /// Commands whose name is a literal word (the ones that can be looked up).
    pub fn literal_commands(&self) -> impl Iterator<Item = &Command> {
        self.commands.iter().filter(|c| c.name.literal)
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

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(Word),
    /// `;` `&` `&&` `||` `|` `(` `)` `;;` `;&` `|&` newline (as "\n").
    Op(&'static str, Range<usize>),
    /// A redirection operator (with its IO number); the next word is its target (except for
    /// heredocs, whose delimiter is consumed here).
    Redir(Range<usize>),
}

struct Lexer<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    toks: Vec<Tok>,
    bashisms: Vec<Bashism>,
    unknown: bool,
    /// Heredocs whose bodies start after the next newline: (delimiter, strip tabs).
    pending: Vec<(String, bool)>,
}

fn is_op_byte(c: u8) -> bool {
    matches!(c, b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' | b'\n')
}

fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && cs.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

impl<'a> Lexer<'a> {
    fn new(s: &'a str) -> Self {
        Lexer {
            s,
            b: s.as_bytes(),
            i: 0,
            toks: Vec::new(),
            bashisms: Vec::new(),
            unknown: false,
            pending: Vec::new(),
        }
    }

    fn peek(&self, off: usize) -> Option<u8> {
        self.b.get(self.i + off).copied()
    }

    fn bashism(&mut self, range: Range<usize>, kind: BashismKind) {
        self.bashisms.push(Bashism { range, kind });
    }

    fn run(mut self) -> Self {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\\' if self.peek(1) == Some(b'\n') => self.i += 2,
                b'#' => {
                    while self.i < self.b.len() && self.b[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                b'\n' => {
                    self.toks.push(Tok::Op("\n", self.i..self.i + 1));
                    self.i += 1;
                    self.skip_heredocs();
                }
                _ if is_op_byte(c) => self.operator(None),
                _ => self.word(),
            }
        }
        self
    }

    fn skip_heredocs(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for (delim, strip) in pending {
            loop {
                if self.i >= self.b.len() {
                    return;
                }
                let end = self.s[self.i..]
                    .find('\n')
                    .map_or(self.b.len(), |n| self.i + n);
                let line = &self.s[self.i..end];
                let line = line.strip_suffix('\r').unwrap_or(line);
                let line = if strip {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                self.i = (end + 1).min(self.b.len());
                if line == delim {
                    break;
                }
            }
        }
    }

    /// An operator at `self.i`; `io` is the start of a preceding IO number.
    fn operator(&mut self, io: Option<usize>) {
        let start = io.unwrap_or(self.i);
        let rest = &self.b[self.i..];
        let two = |a: u8, b: u8| rest.len() >= 2 && rest[0] == a && rest[1] == b;
        // Process substitution <( and >( : a bashism; skip the parenthesised part as a word.
        if (two(b'<', b'(') || two(b'>', b'(')) && io.is_none() {
            let s = self.i;
            self.i += 1;
            let ok = self.skip_balanced(b'(', b')', 0);
            self.bashism(s..self.i, BashismKind::ProcessSubstitution);
            if !ok {
                self.unknown = true;
            }
            self.toks.push(Tok::Word(Word {
                text: self.s[s..self.i].to_string(),
                range: s..self.i,
                literal: false,
                quoted: false,
            }));
            return;
        }
        let (op, len): (&'static str, usize) = if rest.starts_with(b"<<<") {
            ("<<<", 3)
        } else if rest.starts_with(b"<<-") {
            ("<<-", 3)
        } else if rest.starts_with(b";;&") {
            (";;", 3)
        } else if two(b'<', b'<') {
            ("<<", 2)
        } else if two(b'>', b'>')
            || two(b'<', b'&')
            || two(b'>', b'&')
            || two(b'<', b'>')
            || two(b'>', b'|')
            // bash `&>file`; busybox too. dash reads `&` then `>file`.
            || two(b'&', b'>')
        {
            (">", 2)
        } else if two(b'&', b'&') {
            ("&&", 2)
        } else if two(b'|', b'|') {
            ("||", 2)
        } else if two(b';', b';') || two(b';', b'&') {
            (";;", 2)
        } else if two(b'|', b'&') {
            ("|", 2)
        } else {
            match rest[0] {
                b'<' | b'>' => (">", 1),
                b';' => (";", 1),
                b'&' => ("&", 1),
                b'|' => ("|", 1),
                b'(' => ("(", 1),
                b')' => (")", 1),
                _ => ("\n", 1),
            }
        };
        self.i += len;
        match op {
            "<<<" => {
                self.bashism(start..self.i, BashismKind::HereString);
                self.toks.push(Tok::Redir(start..self.i));
            }
            "<<" | "<<-" => {
                // The delimiter word: quotes removed.
                while matches!(self.peek(0), Some(b' ' | b'\t')) {
                    self.i += 1;
                }
                if self.i < self.b.len() && !is_op_byte(self.b[self.i]) {
                    let before = self.toks.len();
                    self.word();
                    if let Some(Tok::Word(w)) = self.toks.get(before).cloned() {
                        self.toks.truncate(before);
                        self.pending.push((w.text, op == "<<-"));
                    }
                }
                self.toks.push(Tok::Redir(start..self.i));
                // Redirection with the target consumed: mark by a dummy literal word.
                self.toks.push(Tok::Word(Word {
                    text: String::new(),
                    range: self.i..self.i,
                    literal: true,
                    quoted: true,
                }));
            }
            ">" => self.toks.push(Tok::Redir(start..self.i)),
            _ => self.toks.push(Tok::Op(op, start..self.i)),
        }
    }

    /// Skip from an opening byte at `self.i` to just past its matching close, honouring quotes.
    fn skip_balanced(&mut self, open: u8, close: u8, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            self.i = self.b.len();
            return false;
        }
        let mut level = 0usize;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b'\\' => self.i += 2,
                b'\'' => {
                    self.i += 1;
                    while self.i < self.b.len() && self.b[self.i] != b'\'' {
                        self.i += 1;
                    }
                    self.i += 1;
                }
                b'"' => {
                    self.i += 1;
                    let mut scratch = String::new();
                    let mut lit = true;
                    if !self.double_quoted(&mut scratch, &mut lit, depth + 1) {
                        return false;
                    }
                }
                b'`' => {
                    self.i += 1;
                    while self.i < self.b.len() && self.b[self.i] != b'`' {
                        if self.b[self.i] == b'\\' {
                            self.i += 1;
                        }
                        self.i += 1;
                    }
                    self.i += 1;
                }
                _ if c == open => {
                    level += 1;
                    self.i += 1;
                }
                _ if c == close => {
                    self.i += 1;
                    level = level.saturating_sub(1);
                    if level == 0 {
                        return true;
                    }
                }
                _ => self.i += 1,
            }
        }
        self.i = self.i.min(self.b.len());
        false
    }

    /// Inside double quotes (opening quote consumed): append the value, stop after the closing
    /// quote. Returns false when unterminated.
    fn double_quoted(&mut self, out: &mut String, literal: &mut bool, depth: usize) -> bool {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b'"' => {
                    self.i += 1;
                    return true;
                }
                b'\\' => match self.peek(1) {
                    Some(n @ (b'$' | b'`' | b'"' | b'\\')) => {
                        out.push(n as char);
                        self.i += 2;
                    }
                    Some(b'\n') => self.i += 2,
                    _ => {
                        out.push('\\');
                        self.i += 1;
                    }
                },
                b'$' => {
                    *literal = false;
                    self.dollar(out, depth);
                }
                b'`' => {
                    *literal = false;
                    let s = self.i;
                    self.i += 1;
                    while self.i < self.b.len() && self.b[self.i] != b'`' {
                        if self.b[self.i] == b'\\' {
                            self.i += 1;
                        }
                        self.i += 1;
                    }
                    self.i = (self.i + 1).min(self.b.len());
                    out.push_str(&self.s[s..self.i.min(self.s.len())]);
                }
                _ => {
                    let ch_len = self.s[self.i..].chars().next().map_or(1, char::len_utf8);
                    out.push_str(&self.s[self.i..self.i + ch_len]);
                    self.i += ch_len;
                }
            }
        }
        false
    }

    /// A `$…` expansion at `self.i`: copy it verbatim into `out`.
    fn dollar(&mut self, out: &mut String, depth: usize) {
        let s = self.i;
        match self.peek(1) {
            Some(b'(') => {
                self.i += 1;
                if self.peek(1) == Some(b'(') {
                    // $(( arithmetic ))
                    if !self.skip_balanced(b'(', b')', depth + 1) {
                        self.unknown = true;
                    }
                } else if !self.skip_balanced(b'(', b')', depth + 1) {
                    self.unknown = true;
                }
            }
            Some(b'{') => {
                self.i += 1;
                if !self.skip_balanced(b'{', b'}', depth + 1) {
                    self.unknown = true;
                }
                let inner = self.s.get(s + 2..self.i.saturating_sub(1)).unwrap_or("");
                let name_len = inner
                    .bytes()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    .count();
                let after = &inner[name_len..];
                let substr = after.strip_prefix(':').is_some_and(|r| {
                    r.starts_with(|c: char| c.is_ascii_digit() || c == ' ' || c == '$')
                });
                if name_len > 0 && (after.starts_with('/') || substr) {
                    self.bashism(s..self.i, BashismKind::Substitution);
                }
            }
            Some(b'\'') => {
                // $'…' (bash, busybox): treat as dynamic.
                self.i += 2;
                while self.i < self.b.len() && self.b[self.i] != b'\'' {
                    if self.b[self.i] == b'\\' {
                        self.i += 1;
                    }
                    self.i += 1;
                }
                self.i = (self.i + 1).min(self.b.len());
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                self.i += 1;
                while self.i < self.b.len()
                    && (self.b[self.i].is_ascii_alphanumeric() || self.b[self.i] == b'_')
                {
                    self.i += 1;
                }
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => self.i += 2,
            _ => {
                // A lone `$` is literal.
                self.i += 1;
                out.push('$');
                return;
            }
        }
        self.i = self.i.min(self.b.len());
        out.push_str(&self.s[s..self.i]);
    }

    fn word(&mut self) {
        let start = self.i;
        let mut text = String::new();
        let mut literal = true;
        let mut quoted = false;
        if self.b[self.i] == b'~' {
            literal = false;
        }
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b' ' | b'\t' | b'\r' => break,
                b'\\' => {
                    match self.peek(1) {
                        Some(b'\n') => {}
                        Some(_) => {
                            let ch_len = self.s[self.i + 1..]
                                .chars()
                                .next()
                                .map_or(1, char::len_utf8);
                            text.push_str(&self.s[self.i + 1..self.i + 1 + ch_len]);
                            quoted = true;
                            self.i += 1 + ch_len;
                            continue;
                        }
                        None => {}
                    }
                    self.i += 2;
                }
                b'\'' => {
                    quoted = true;
                    self.i += 1;
                    let s = self.i;
                    while self.i < self.b.len() && self.b[self.i] != b'\'' {
                        self.i += 1;
                    }
                    if self.i >= self.b.len() {
                        self.unknown = true;
                    }
                    text.push_str(&self.s[s..self.i.min(self.b.len())]);
                    self.i = (self.i + 1).min(self.b.len());
                }
                b'"' => {
                    quoted = true;
                    self.i += 1;
                    if !self.double_quoted(&mut text, &mut literal, 0) {
                        self.unknown = true;
                    }
                }
                b'$' => {
                    literal = false;
                    self.dollar(&mut text, 0);
                }
                b'`' => {
                    literal = false;
                    let s = self.i;
                    self.i += 1;
                    while self.i < self.b.len() && self.b[self.i] != b'`' {
                        if self.b[self.i] == b'\\' {
                            self.i += 1;
                        }
                        self.i += 1;
                    }
                    self.i = (self.i + 1).min(self.b.len());
                    text.push_str(&self.s[s..self.i]);
                }
                b'*' | b'?' => {
                    literal = false;
                    text.push(c as char);
                    self.i += 1;
                }
                b'(' if !quoted
                    && (text.ends_with('=')
                        && is_name(text.trim_end_matches('=').trim_end_matches('+'))) =>
                {
                    // name=( … ): an array assignment.
                    let s = self.i;
                    let ok = self.skip_balanced(b'(', b')', 0);
                    if !ok {
                        self.unknown = true;
                    }
                    self.bashism(start..self.i, BashismKind::Array);
                    text.push_str(&self.s[s..self.i]);
                    literal = false;
                }
                b'<' | b'>'
                    if !quoted
                        && !text.is_empty()
                        && text.bytes().all(|d| d.is_ascii_digit())
                        && self.i == start + text.len() =>
                {
                    // IO number: `2>file`.
                    self.operator(Some(start));
                    return;
                }
                _ if is_op_byte(c) => break,
                _ => {
                    let ch_len = self.s[self.i..].chars().next().map_or(1, char::len_utf8);
                    text.push_str(&self.s[self.i..self.i + ch_len]);
                    self.i += ch_len;
                }
            }
        }
        self.i = self.i.min(self.b.len());
        if self.i > start {
            self.toks.push(Tok::Word(Word {
                text,
                range: start..self.i,
                literal,
                quoted,
            }));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parser

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// `if`/`while`/`until` condition (until `then`/`do`).
    Cond,
    /// A body that runs conditionally (then/else/do/case branch/function).
    Body,
    /// `{ … }` or `( … )` that runs when reached.
    Group,
    /// `case … in` waiting for a pattern.
    CasePattern,
}

struct Parser<'t> {
    src: &'t str,
    toks: &'t [Tok],
    /// The last list operator seen (`&&`, `||`, `|`, `;`, newline …).
    last_op: Option<&'static str>,
    /// A `!` precedes the next command.
    negate: bool,
    i: usize,
    frames: Vec<Frame>,
    script: Script,
}

impl<'t> Parser<'t> {
    fn conditional(&self) -> bool {
        self.frames
            .iter()
            .any(|f| matches!(f, Frame::Cond | Frame::Body | Frame::CasePattern))
    }

    fn word_at(&self, i: usize) -> Option<&'t Word> {
        match self.toks.get(i) {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn op_at(&self, i: usize) -> Option<&'static str> {
        match self.toks.get(i) {
            Some(Tok::Op(o, _)) => Some(o),
            _ => None,
        }
    }

    fn reserved<'w>(&self, w: &'w Word) -> Option<&'w str> {
        if w.quoted || !w.literal {
            return None;
        }
        match w.text.as_str() {
            "if" | "then" | "else" | "elif" | "fi" | "do" | "done" | "while" | "until" | "for"
            | "case" | "esac" | "in" | "{" | "}" | "!" | "function" | "[[" | "select" => {
                Some(w.text.as_str())
            }
            _ => None,
        }
    }

    fn run(mut self) -> Script {
        let mut guard = 0usize;
        while self.i < self.toks.len() {
            guard += 1;
            if guard > self.toks.len() * 4 + 16 {
                self.script.unknown = true;
                break;
            }
            if self.frames.len() > MAX_DEPTH {
                self.script.unknown = true;
                break;
            }
            if self.frames.last() == Some(&Frame::CasePattern) {
                self.case_pattern();
                continue;
            }
            match &self.toks[self.i] {
                Tok::Op(op, r) => {
                    if !(*op == "\n" && matches!(self.last_op, Some("&&" | "||" | "|"))) {
                        self.last_op = Some(op);
                    }
                    match *op {
                        "(" if matches!(self.toks.get(self.i + 1), Some(Tok::Op("(", r2)) if r2.start == r.end) =>
                        {
                            self.arithmetic();
                            continue;
                        }
                        "(" => self.frames.push(Frame::Group),
                        ")" => {
                            self.frames.pop();
                        }
                        // End of a case branch: back to patterns.
                        ";;" if self.frames.last() == Some(&Frame::Body) => {
                            self.frames.pop();
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
                Tok::Redir(_) => {
                    self.i += 2;
                }
                Tok::Word(w) => {
                    if let Some(r) = self.reserved(w) {
                        self.keyword(r);
                    } else {
                        self.simple_command();
                    }
                }
            }
        }
        self.mark_last();
        self.script
    }

    fn case_pattern(&mut self) {
        // Skip until `)` (the pattern end) or `esac`.
        while self.i < self.toks.len() {
            match &self.toks[self.i] {
                Tok::Word(w) if !w.quoted && w.text == "esac" => {
                    self.frames.pop();
                    self.i += 1;
                    return;
                }
                Tok::Op(")", _) => {
                    self.frames.push(Frame::Body);
                    self.i += 1;
                    return;
                }
                _ => self.i += 1,
            }
        }
    }

    fn keyword(&mut self, kw: &str) {
        let at = self.i;
        self.i += 1;
        match kw {
            "if" | "while" | "until" => self.frames.push(Frame::Cond),
            "elif" => {
                self.frames.pop();
                self.frames.push(Frame::Cond);
            }
            "then" | "do" | "else" => {
                self.frames.pop();
                self.frames.push(Frame::Body);
            }
            "fi" | "done" | "}" => {
                self.frames.pop();
            }
            "esac" => {
                while let Some(f) = self.frames.pop() {
                    if f == Frame::CasePattern {
                        break;
                    }
                }
            }
            "{" => self.frames.push(Frame::Group),
            "!" => self.negate = true,
            "in" => {}
            "for" | "select" => {
                // for NAME [in words…] ; do
                while self.i < self.toks.len() {
                    match &self.toks[self.i] {
                        Tok::Op(";" | "\n", _) => {
                            self.i += 1;
                            break;
                        }
                        Tok::Word(w) if !w.quoted && w.text == "do" => break,
                        _ => self.i += 1,
                    }
                }
                self.frames.push(Frame::Cond);
            }
            "case" => {
                // case WORD in
                self.i += 1;
                if self.word_at(self.i).is_some_and(|w| w.text == "in") {
                    self.i += 1;
                }
                self.frames.push(Frame::CasePattern);
            }
            "function" => {
                if let Some(w) = self.word_at(at) {
                    self.script.bashisms.push(Bashism {
                        range: w.range.clone(),
                        kind: BashismKind::FunctionKeyword,
                    });
                }
                // name, optional (), then the body.
                if let Some(w) = self.word_at(self.i) {
                    self.script.functions.insert(w.text.clone());
                }
                self.i += 1;
                if self.op_at(self.i) == Some("(") && self.op_at(self.i + 1) == Some(")") {
                    self.i += 2;
                }
                self.skip_newlines();
                self.function_body();
            }
            "[[" => {
                if let Some(w) = self.word_at(at) {
                    self.script.bashisms.push(Bashism {
                        range: w.range.clone(),
                        kind: BashismKind::DoubleBracket,
                    });
                }
                while self.i < self.toks.len() {
                    if let Some(w) = self.word_at(self.i) {
                        self.i += 1;
                        if w.text == "]]" && !w.quoted {
                            break;
                        }
                        if w.literal && w.text.contains('/') {
                            self.script.probed.insert(w.text.clone());
                        }
                    } else {
                        self.i += 1;
                    }
                }
            }
            _ => {}
        }
    }

    /// `(( … ))` at command start: bash arithmetic.
    fn arithmetic(&mut self) {
        if let Some(Tok::Op(_, r)) = self.toks.get(self.i) {
            self.script.bashisms.push(Bashism {
                range: r.start..r.end + 1,
                kind: BashismKind::Arithmetic,
            });
        }
        let mut level = 0usize;
        while self.i < self.toks.len() {
            match &self.toks[self.i] {
                Tok::Op("(", _) => level += 1,
                Tok::Op(")", _) => {
                    level = level.saturating_sub(1);
                    if level == 0 {
                        self.i += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.i += 1;
        }
    }

    fn skip_newlines(&mut self) {
        while self.op_at(self.i) == Some("\n") {
            self.i += 1;
        }
    }

    /// After a function header: the body runs only when called.
    fn function_body(&mut self) {
        match self.toks.get(self.i) {
            Some(Tok::Word(w)) if w.text == "{" && !w.quoted => {
                self.i += 1;
                self.frames.push(Frame::Body);
            }
            Some(Tok::Op("(", _)) => {
                self.i += 1;
                self.frames.push(Frame::Body);
            }
            _ => self.frames.push(Frame::Body),
        }
    }

    fn simple_command(&mut self) {
        // Function definition `name() …`
        if self.op_at(self.i + 1) == Some("(") && self.op_at(self.i + 2) == Some(")") {
            if let Some(w) = self.word_at(self.i) {
                self.script.functions.insert(w.text.clone());
            }
            self.i += 3;
            self.skip_newlines();
            self.function_body();
            return;
        }
        // `((`: arithmetic command.
        let mut words: Vec<&'t Word> = Vec::new();
        let mut seen_name = false;
        while self.i < self.toks.len() {
            match &self.toks[self.i] {
                Tok::Word(w) => {
                    if !seen_name && is_assignment(w, self.src) {
                        if w.text.starts_with("PATH=") || w.text.starts_with("PATH+=") {
                            self.script.changes_path = true;
                        }
                        self.i += 1;
                        continue;
                    }
                    seen_name = true;
                    words.push(w);
                    self.i += 1;
                }
                Tok::Redir(_) => {
                    self.i += 2;
                }
                Tok::Op(..) => break,
            }
        }
        // What follows decides how its status is used.
        let next = self.op_at(self.i);
        let prev = self.last_op;
        let negate = std::mem::take(&mut self.negate);
        let cond = self.conditional()
            || negate
            || matches!(next, Some("||" | "|" | "&"))
            || matches!(prev, Some("||"));
        let flow = if cond { Flow::Conditional } else { Flow::Plain };
        let before = self.script.commands.len();
        self.command_words(&words, flow, 0);
        for c in &mut self.script.commands[before..] {
            c.next_op = next;
        }
    }

    fn command_words(&mut self, words: &[&'t Word], flow: Flow, depth: usize) {
        if depth > 8 {
            self.script.unknown = true;
            return;
        }
        let Some((first, rest)) = words.split_first() else {
            return;
        };
        if !first.literal {
            if first.text == "$@" || first.text == "\"$@\"" || first.text.starts_with("${@") {
                self.script.runs_args = true;
            } else {
                self.script.unknown = true;
            }
            self.push(first, rest, flow, false, false);
            return;
        }
        let name = first.text.as_str();
        match name {
            "exec" => {
                let mut k = 0;
                while k < rest.len() && rest[k].text.starts_with('-') && rest[k].literal {
                    if rest[k].text == "-a" {
                        k += 1;
                    }
                    k += 1;
                }
                if let Some(w) = rest.get(k) {
                    if !w.literal && (w.text.contains("$@") || w.text.contains("${@")) {
                        self.script.runs_args = true;
                    }
                }
                let before = self.script.commands.len();
                self.command_words(&rest[k.min(rest.len())..], flow, depth + 1);
                if let Some(c) = self.script.commands.get_mut(before) {
                    c.exec = true;
                }
            }
            "command" => {
                if rest
                    .first()
                    .is_some_and(|w| w.text == "-v" || w.text == "-V")
                {
                    for w in &rest[1..] {
                        self.script.probed.insert(w.text.clone());
                    }
                    return;
                }
                let k = usize::from(rest.first().is_some_and(|w| w.text == "-p"));
                self.command_words(&rest[k.min(rest.len())..], flow, depth + 1);
            }
            "nohup" => {
                self.push(first, rest, flow, false, false);
                self.command_words(rest, flow, depth + 1);
            }
            "env" => {
                self.push(first, rest, flow, false, false);
                let mut k = 0;
                while k < rest.len() {
                    let t = rest[k].text.as_str();
                    if t == "-u" || t == "--unset" || t == "-C" || t == "--chdir" || t == "-S" {
                        if t == "-S" {
                            self.script.unknown = true;
                            return;
                        }
                        k += 2;
                    } else if t == "--" {
                        k += 1;
                        break;
                    } else if t.starts_with('-') || is_assignment(rest[k], self.src) {
                        k += 1;
                    } else {
                        break;
                    }
                }
                if k < rest.len() {
                    let before = self.script.commands.len();
                    self.command_words(&rest[k..], flow, depth + 1);
                    if let Some(c) = self.script.commands.get_mut(before) {
                        c.via_env = true;
                    }
                }
            }
            "eval" => {
                self.script.unknown = true;
                self.push(first, rest, flow, false, false);
            }
            "which" | "type" | "hash" => {
                for w in rest {
                    if !w.text.starts_with('-') {
                        self.script.probed.insert(w.text.clone());
                    }
                }
                self.push(first, rest, flow, false, false);
            }
            "test" | "[" => {
                for w in rest {
                    if w.literal && !w.text.starts_with('-') && !w.text.is_empty() {
                        self.script.probed.insert(w.text.clone());
                    }
                }
                self.push(first, rest, flow, false, false);
            }
            "set" => {
                if rest.first().is_some_and(|w| w.text == "--") {
                    self.script.rewrites_args = true;
                }
                let at_top = self.frames.is_empty();
                for w in rest {
                    let t = w.text.as_str();
                    if at_top
                        && ((t.starts_with('-') && !t.starts_with("--") && t[1..].contains('e'))
                            || t == "errexit")
                    {
                        self.script.errexit = true;
                    }
                }
                self.push(first, rest, flow, false, false);
            }
            _ => {
                if name == "shift" {
                    self.script.rewrites_args = true;
                }
                if matches!(name, "." | "source")
                    || (matches!(
                        name,
                        "export" | "readonly" | "declare" | "typeset" | "local"
                    ) && rest
                        .iter()
                        .any(|w| w.text.starts_with("PATH=") || w.text.starts_with("PATH+=")))
                {
                    self.script.changes_path = true;
                }
                if let Some(kind) = match name {
                    "source" => Some(BashismKind::Source),
                    "declare" => Some(BashismKind::Builtin("declare")),
                    "typeset" => Some(BashismKind::Builtin("typeset")),
                    "let" => Some(BashismKind::Builtin("let")),
                    "shopt" => Some(BashismKind::Builtin("shopt")),
                    "mapfile" => Some(BashismKind::Builtin("mapfile")),
                    "readarray" => Some(BashismKind::Builtin("readarray")),
                    "pushd" => Some(BashismKind::Builtin("pushd")),
                    "popd" => Some(BashismKind::Builtin("popd")),
                    _ => None,
                } {
                    self.script.bashisms.push(Bashism {
                        range: first.range.clone(),
                        kind,
                    });
                }
                self.push(first, rest, flow, false, false);
            }
        }
    }

    fn push(&mut self, name: &Word, args: &[&Word], flow: Flow, exec: bool, via_env: bool) {
        self.script.commands.push(Command {
            name: name.clone(),
            args: args.iter().map(|w| (*w).clone()).collect(),
            exec,
            via_env,
            flow,
            last: false,
            fatal: false,
            next_op: None,
            in_subst: false,
        });
    }

    fn mark_last(&mut self) {
        let cmds = &mut self.script.commands;
        let Some(last) = cmds.iter().rposition(|c| c.flow == Flow::Plain) else {
            return;
        };
        cmds[last].last = true;
        cmds[last].fatal = true;
        // Walk back along `a && b && last`; `env`/`nohup` wrappers share the next_op.
        let mut i = last;
        while i > 0 {
            let prev = &cmds[i - 1];
            let joined = prev.flow == Flow::Plain
                && (prev.next_op == Some("&&")
                    || (prev.next_op == cmds[i].next_op && cmds[i].via_env));
            if !joined {
                break;
            }
            cmds[i - 1].fatal = true;
            i -= 1;
        }
    }
}

fn is_assignment(w: &Word, src: &str) -> bool {
    let Some(eq) = w.text.find('=') else {
        return false;
    };
    let raw_name = &w.text[..eq];
    let name = raw_name.strip_suffix('+').unwrap_or(raw_name);
    // The name part must be unquoted: it appears verbatim at the start of the raw word.
    is_name(name)
        && src
            .get(w.range.clone())
            .is_some_and(|raw| raw.starts_with(raw_name) && raw[raw_name.len()..].starts_with('='))
}

/// Split a shell string (`sh -c` argument) or a script file into commands.
pub fn parse(src: &str) -> Script {
    let lexer = Lexer::new(src).run();
    let mut parser = Parser {
        src,
        toks: &lexer.toks,
        last_op: None,
        negate: false,
        i: 0,
        frames: Vec::new(),
        script: Script::default(),
    };
    parser.script.bashisms = lexer.bashisms.clone();
    parser.script.unknown = lexer.unknown;
    let mut script = parser.run();
    script.bashisms.sort_by_key(|b| b.range.start);
    script
}

/// A script's `#!` line, split into interpreter and (at most one, as Linux does) argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shebang {
    /// The interpreter path exactly as the kernel reads it (a trailing `\r` kept).
    pub interpreter: String,
    pub arg: Option<String>,
    /// Byte range of the interpreter in the script.
    pub range: Range<usize>,
    /// The line ends in `\r` (CRLF).
    pub crlf: bool,
}

impl Shebang {
    /// The command really run: for `#!/usr/bin/env X` (or `env -S X …`), `X`; else the interpreter.
    pub fn program(&self) -> &str {
        if self.interpreter.trim_end_matches('\r').ends_with("/env") {
            if let Some(a) = &self.arg {
                let a = a.trim_end_matches('\r');
                let a = a.strip_prefix("-S ").unwrap_or(a).trim_start();
                return a.split_whitespace().next().unwrap_or(a);
            }
        }
        self.interpreter.trim_end_matches('\r')
    }
    /// Uses `/usr/bin/env X`.
    pub fn via_env(&self) -> bool {
        self.interpreter.trim_end_matches('\r').ends_with("/env") && self.arg.is_some()
    }
}

/// Parse `#!interp [arg]` from the start of a file (no BOM handling: a BOM means no shebang).
pub fn shebang(text: &str) -> Option<Shebang> {
    let rest = text.strip_prefix("#!")?;
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let line = &rest[..line_end];
    let crlf = line.ends_with('\r');
    let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
    let body = &line[lead..];
    let interp_len = body.find([' ', '\t']).unwrap_or(body.len());
    let interpreter = body[..interp_len].to_string();
    if interpreter.is_empty() {
        return None;
    }
    let arg = body[interp_len..].trim_start_matches([' ', '\t']);
    let arg = if arg.is_empty() || arg == "\r" {
        None
    } else {
        Some(arg.trim_end_matches([' ', '\t']).to_string())
    };
    let start = 2 + lead;
    Some(Shebang {
        interpreter,
        arg,
        range: start..start + interp_len,
        crlf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The command names of a parsed script, in order.
    fn command_names(s: &Script) -> Vec<&str> {
        s.commands.iter().map(|c| c.name.text.as_str()).collect()
    }

    fn names(s: &str) -> Vec<String> {
        parse(s)
            .commands
            .iter()
            .map(|c| c.name.text.clone())
            .collect()
    }

    #[test]
    fn simple_lists() {
        assert_eq!(names("python app.py"), ["python"]);
        assert_eq!(
            names("FOO=1 BAR=2 exec gunicorn -b :8000 app:app"),
            ["gunicorn"]
        );
        assert_eq!(
            names("cd /app && ./run.sh || echo fail"),
            ["cd", "./run.sh", "echo"]
        );
        assert_eq!(names("a; b & c | d"), ["a", "b", "c", "d"]);
        assert_eq!(names("2>/dev/null curl -f localhost"), ["curl"]);
        assert_eq!(names(">/tmp/x echo hi"), ["echo"]);
        assert_eq!(names("env -i FOO=1 node server.js"), ["env", "node"]);
        assert_eq!(names("nohup java -jar a.jar"), ["nohup", "java"]);
    }

    #[test]
    fn quotes_and_expansions() {
        let s = parse("\"my app\" --x; 'py'thon -c 'print(1)'");
        assert_eq!(s.commands[0].name.text, "my app");
        assert_eq!(s.commands[1].name.text, "python");
        assert!(s.commands[1].name.literal);
        let s = parse("$CMD --flag");
        assert!(!s.commands[0].name.literal);
        assert!(s.unknown);
        let s = parse("exec \"$@\"");
        assert!(s.runs_args);
        assert!(!s.unknown);
        let s = parse("echo $(which python) `date`; x=$(curl -s http://a) ; java");
        assert_eq!(command_names(&s), ["echo", "java"]);
    }

    #[test]
    fn compound_commands() {
        let s = parse(
            "if command -v curl >/dev/null; then curl -f x; else wget -q y; fi\nwhile true; do sleep 1; done\nexec app",
        );
        let n: Vec<_> = s
            .commands
            .iter()
            .map(|c| (c.name.text.as_str(), c.flow))
            .collect();
        assert_eq!(
            n,
            [
                ("curl", Flow::Conditional),
                ("wget", Flow::Conditional),
                ("true", Flow::Conditional),
                ("sleep", Flow::Conditional),
                ("app", Flow::Plain)
            ]
        );
        assert!(s.is_probed("curl"));
        assert!(s.commands[4].exec && s.commands[4].last);
        let s = parse("mkdir -p /x && cd /x && run; other; curl a && exec app");
        let f: Vec<_> = s
            .commands
            .iter()
            .map(|c| (c.name.text.as_str(), c.fatal))
            .collect();
        assert_eq!(
            f,
            [
                ("mkdir", false),
                ("cd", false),
                ("run", false),
                ("other", false),
                ("curl", true),
                ("app", true)
            ]
        );
        let s = parse("case \"$1\" in\n  start) exec server ;;\n  *) echo usage ;;\nesac\nfinal");
        let n: Vec<_> = s
            .commands
            .iter()
            .map(|c| (c.name.text.as_str(), c.flow))
            .collect();
        assert_eq!(
            n,
            [
                ("server", Flow::Conditional),
                ("echo", Flow::Conditional),
                ("final", Flow::Plain)
            ]
        );
        let s = parse("f() {\n  helper x\n}\nfor i in 1 2; do work $i; done\nmain");
        let n: Vec<_> = s
            .commands
            .iter()
            .map(|c| (c.name.text.as_str(), c.flow))
            .collect();
        assert_eq!(
            n,
            [
                ("helper", Flow::Conditional),
                ("work", Flow::Conditional),
                ("main", Flow::Plain)
            ]
        );
    }

    #[test]
    fn heredocs_and_comments() {
        let s = parse("cat <<EOF > /x\nnotacommand here\nEOF\n# comment\nrun # trailing\n");
        assert_eq!(command_names(&s), ["cat", "run"]);
        let s = parse("cat <<-'END'\n\tfoo\n\tEND\nbar");
        assert_eq!(command_names(&s), ["cat", "bar"]);
    }

    #[test]
    fn bashisms() {
        let kinds = |s: &str| parse(s).bashisms.iter().map(|b| b.kind).collect::<Vec<_>>();
        assert_eq!(kinds("source /etc/profile"), [BashismKind::Source]);
        assert_eq!(
            kinds("if [[ -f x ]]; then :; fi"),
            [BashismKind::DoubleBracket]
        );
        assert_eq!(
            kinds("function f {\n echo\n}"),
            [BashismKind::FunctionKeyword]
        );
        assert_eq!(kinds("arr=(a b c)\necho"), [BashismKind::Array]);
        assert_eq!(kinds("read x <<< \"$y\""), [BashismKind::HereString]);
        assert_eq!(
            kinds("echo ${x//a/b} ${y:0:3}"),
            [BashismKind::Substitution, BashismKind::Substitution]
        );
        assert_eq!(
            kinds("diff <(a) <(b)"),
            [
                BashismKind::ProcessSubstitution,
                BashismKind::ProcessSubstitution
            ]
        );
        assert!(
            kinds(". /etc/profile; [ -f x ] && echo \"[[ source ]]\"; echo ${x:-d} ${y%%.*}")
                .is_empty()
        );
        assert!(kinds("cat <<EOF\nsource x\n[[ y ]]\nEOF").is_empty());
    }

    #[test]
    fn functions_path_and_args() {
        let s = parse("log() { echo \"$@\"; }\nfunction die { exit 1; }\nexport PATH=/opt/bin:$PATH\nset -- app \"$@\"\nexec \"$@\"");
        assert!(s.functions.contains("log") && s.functions.contains("die"));
        assert!(s.changes_path && s.rewrites_args && s.runs_args);
        let s = parse(". /venv/bin/activate; exec gunicorn");
        assert!(s.changes_path && !s.rewrites_args);
        let s = parse("exec \"$@\"");
        assert!(!s.changes_path && !s.rewrites_args);
        let c = &s.commands[0];
        assert!(c.exec && !c.name.literal && c.flow == Flow::Plain);
    }

    #[test]
    fn ranges_point_into_input() {
        let src = "set -e; exec  /app/server --port 8080";
        let s = parse(src);
        assert!(s.errexit);
        let c = &s.commands[1];
        assert_eq!(&src[c.name.range.clone()], "/app/server");
    }

    #[test]
    fn never_panics_on_garbage() {
        for s in [
            "'",
            "\"",
            "$(",
            "${",
            "`",
            "\\",
            "a=(",
            "<<",
            "<<<",
            "((",
            "))",
            ")",
            "case",
            "esac",
            "fi",
            "}",
            "for",
            "function",
            "[[",
            "$'",
            "ä$(ö",
            "2>",
            "&>x",
            "\"$(\"\")",
        ] {
            let _ = parse(s);
            let _ = shebang(s);
        }
        let deep = "$(".repeat(500);
        let s = parse(&deep);
        assert!(s.unknown);
    }

    #[test]
    fn pseudo_random_inputs_never_panic() {
        let alphabet: Vec<char> = "ab $(){}[]'\"`\\|&;<>#=\n\t*?~!äö€😀-0123456789eE"
            .chars()
            .collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let len = (seed >> 58) as usize + 1;
            let mut text = String::new();
            let mut x = seed;
            for _ in 0..len * 3 {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push(alphabet[(x >> 33) as usize % alphabet.len()]);
            }
            let script = parse(&text);
            for c in &script.commands {
                assert!(text.get(c.name.range.clone()).is_some(), "{text:?}");
            }
            for b in &script.bashisms {
                assert!(text.get(b.range.clone()).is_some(), "{text:?}");
            }
            let _ = shebang(&text);
        }
    }

    #[test]
    fn shebangs() {
        let s = shebang("#!/bin/sh\r\necho").unwrap_or_else(|| unreachable!());
        assert_eq!(s.interpreter, "/bin/sh\r");
        assert!(s.crlf);
        let s = shebang("#! /usr/bin/env python3\n").unwrap_or_else(|| unreachable!());
        assert_eq!(s.program(), "python3");
        assert!(s.via_env());
        assert_eq!(s.range, 3..15);
        assert!(shebang("\u{feff}#!/bin/sh").is_none());
        assert!(shebang("echo").is_none());
    }
}
