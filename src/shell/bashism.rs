//! Syntax only bash (and partly busybox ash) accepts, and what dash and busybox do with it.

use std::ops::Range;

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
