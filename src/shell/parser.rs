//! The parser: walks the tokens with a stack of open compound commands, records every simple
//! command (name, arguments, assignments, redirections, how its status is used), the top-level
//! items of the list, traps, and the syntax only bash accepts.

use super::lexer::{is_name, Tok};
use super::{
    Bashism, BashismKind, Command, Flow, Heredoc, Item, ItemKind, Redirect, Script, Trap, Word,
    MAX_DEPTH,
};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Frame {
    /// `if`/`while`/`until` condition (until `then`/`do`).
    Cond,
    /// A body that runs conditionally (then/else/do/case branch/function).
    Body,
    /// `{ … }` or `( … )` that runs when reached.
    Group,
    /// `case … in` waiting for a pattern.
    CasePattern,
}

pub(super) struct Parser<'t> {
    pub(super) src: &'t str,
    pub(super) toks: &'t [Tok],
    pub(super) heredocs: &'t [Heredoc],
    /// The top-level compound command being read (an index into `script.items`).
    pub(super) open_item: Option<usize>,
    /// The last list operator seen (`&&`, `||`, `|`, `;`, newline …).
    pub(super) last_op: Option<&'static str>,
    /// A `!` precedes the next command.
    pub(super) negate: bool,
    pub(super) i: usize,
    pub(super) frames: Vec<Frame>,
    /// Where the open top-level compound command's current body starts.
    pub(super) branch_at: Option<usize>,
    /// The `case` pattern being read has a bare `*`.
    pub(super) catch_all: bool,
    pub(super) script: Script,
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

    /// A top-level item starts here (when no compound command is open).
    fn open(&mut self, kind: ItemKind, range: Range<usize>) {
        if !self.frames.is_empty() {
            return;
        }
        if kind != ItemKind::Simple {
            self.open_item = Some(self.script.items.len());
        }
        self.script.items.push(Item {
            kind,
            range,
            before: self.last_op,
            command: None,
            end_keyword: None,
            branches: Vec::new(),
            exhaustive: matches!(
                kind,
                ItemKind::Group | ItemKind::Subshell | ItemKind::Function
            ),
            name: None,
        });
    }

    /// A body of the open top-level compound command starts at byte `at` (when `depth` frames,
    /// the compound's own, are open).
    fn branch_start(&mut self, depth: usize, at: usize) {
        if self.frames.len() == depth && self.open_item.is_some() {
            self.branch_at = Some(at);
        }
    }

    /// The current body of the open top-level compound command ends at byte `at`.
    fn branch_end(&mut self, depth: usize, at: usize) {
        if self.frames.len() != depth {
            return;
        }
        let Some(start) = self.branch_at.take() else {
            return;
        };
        if let Some(item) = self.open_item.and_then(|k| self.script.items.get_mut(k)) {
            item.branches.push(start..at.max(start));
        }
    }

    fn mark_exhaustive(&mut self) {
        if let Some(item) = self.open_item.and_then(|k| self.script.items.get_mut(k)) {
            item.exhaustive = true;
        }
    }

    /// After a closing keyword or `)`: the open top-level compound command ends at `end`.
    fn close(&mut self, end: Range<usize>) {
        if !self.frames.is_empty() {
            return;
        }
        if let Some(item) = self
            .open_item
            .take()
            .and_then(|k| self.script.items.get_mut(k))
        {
            item.range.end = end.end.max(item.range.start);
            item.end_keyword = Some(end);
        }
    }

    pub(super) fn run(mut self) -> Script {
        let mut guard = 0usize;
        while self.i < self.toks.len() {
            guard += 1;
            if guard > self.toks.len() * 4 + 16 {
                self.script.unknown = true;
                self.script.incomplete = true;
                break;
            }
            if self.frames.len() > MAX_DEPTH {
                self.script.unknown = true;
                self.script.incomplete = true;
                break;
            }
            if self.frames.last() == Some(&Frame::CasePattern) {
                self.case_pattern();
                continue;
            }
            match &self.toks[self.i] {
                Tok::Op(op, r) => {
                    // A newline right after an operator (`a &&` NL `b`, `a &` NL) or another
                    // newline does not separate anything new.
                    let after_op = self.i.checked_sub(1).is_some_and(|k| {
                        matches!(
                            self.toks.get(k),
                            Some(Tok::Op("&&" | "||" | "|" | "&" | ";" | "\n", _))
                        )
                    });
                    if !(*op == "\n" && after_op) {
                        self.last_op = Some(op);
                    }
                    match *op {
                        "(" if matches!(self.toks.get(self.i + 1), Some(Tok::Op("(", r2)) if r2.start == r.end) =>
                        {
                            self.open(ItemKind::Arithmetic, r.clone());
                            self.arithmetic();
                            continue;
                        }
                        "(" => {
                            self.open(ItemKind::Subshell, r.clone());
                            self.frames.push(Frame::Group);
                            self.branch_start(1, r.end);
                        }
                        ")" => {
                            let r = r.clone();
                            self.branch_end(1, r.start);
                            if self.frames.pop().is_some() {
                                self.close(r);
                            }
                        }
                        // End of a case branch: back to patterns.
                        ";;" if self.frames.last() == Some(&Frame::Body) => {
                            let at = r.start;
                            self.branch_end(2, at);
                            self.frames.pop();
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
                Tok::Redir(..) => {
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
        if !self.frames.is_empty() {
            self.script.incomplete = true;
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
                    self.catch_all = false;
                    self.close(w.range.clone());
                    return;
                }
                Tok::Word(w) if !w.quoted && w.text == "*" => {
                    self.catch_all = true;
                    self.i += 1;
                }
                Tok::Op(")", r) => {
                    let at = r.end;
                    self.frames.push(Frame::Body);
                    self.i += 1;
                    if std::mem::take(&mut self.catch_all) && self.frames.len() == 2 {
                        self.mark_exhaustive();
                    }
                    self.branch_start(2, at);
                    return;
                }
                _ => self.i += 1,
            }
        }
    }

    fn keyword(&mut self, kw: &str) {
        let at = self.i;
        let kr = self.word_at(at).map_or(0..0, |w| w.range.clone());
        self.i += 1;
        let opens = match kw {
            "if" => Some(ItemKind::If),
            "while" | "until" | "for" | "select" => Some(ItemKind::Loop),
            "case" => Some(ItemKind::Case),
            "{" => Some(ItemKind::Group),
            "function" => Some(ItemKind::Function),
            "[[" => Some(ItemKind::Test),
            _ => None,
        };
        if let Some(kind) = opens {
            self.open(kind, kr.clone());
        }
        match kw {
            "if" | "while" | "until" => self.frames.push(Frame::Cond),
            "elif" => {
                self.branch_end(1, kr.start);
                self.frames.pop();
                self.frames.push(Frame::Cond);
            }
            "then" | "do" | "else" => {
                self.branch_end(1, kr.start);
                if kw == "else" && self.frames.len() == 1 {
                    self.mark_exhaustive();
                }
                self.frames.pop();
                self.frames.push(Frame::Body);
                self.branch_start(1, kr.end);
            }
            "fi" | "done" | "}" => {
                self.branch_end(1, kr.start);
                if self.frames.pop().is_some() {
                    self.close(kr);
                }
            }
            "esac" => {
                self.branch_end(2, kr.start);
                self.catch_all = false;
                let mut popped = false;
                while let Some(f) = self.frames.pop() {
                    popped = true;
                    if f == Frame::CasePattern {
                        break;
                    }
                }
                if popped {
                    self.close(kr);
                }
            }
            "{" => {
                self.frames.push(Frame::Group);
                self.branch_start(1, kr.end);
            }
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
                    self.name_open_function(&w.text);
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
                            if self.frames.is_empty() {
                                if let Some(item) = self.script.items.last_mut() {
                                    item.range.end = w.range.end;
                                }
                                self.open_item = None;
                            }
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
                Tok::Op(")", r) => {
                    level = level.saturating_sub(1);
                    if level == 0 {
                        self.i += 1;
                        if self.frames.is_empty() && self.open_item.take().is_some() {
                            if let Some(item) = self.script.items.last_mut() {
                                item.range.end = r.end.max(item.range.start);
                            }
                        }
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

    /// The open top-level item is the definition of function `name`.
    fn name_open_function(&mut self, name: &str) {
        if !self.frames.is_empty() {
            return;
        }
        if let Some(item) = self
            .open_item
            .and_then(|k| self.script.items.get_mut(k))
            .filter(|i| i.kind == ItemKind::Function)
        {
            item.name = Some(name.to_string());
        }
    }

    /// After a function header: the body runs only when called.
    fn function_body(&mut self) {
        match self.toks.get(self.i) {
            Some(Tok::Word(w)) if w.text == "{" && !w.quoted => {
                let at = w.range.end;
                self.i += 1;
                self.frames.push(Frame::Body);
                self.branch_start(1, at);
            }
            Some(Tok::Op("(", r)) => {
                let at = r.end;
                self.i += 1;
                self.frames.push(Frame::Body);
                self.branch_start(1, at);
            }
            _ => self.frames.push(Frame::Body),
        }
    }

    fn simple_command(&mut self) {
        // Function definition `name() …`
        if self.op_at(self.i + 1) == Some("(") && self.op_at(self.i + 2) == Some(")") {
            if let Some(w) = self.word_at(self.i) {
                self.script.functions.insert(w.text.clone());
                self.open(ItemKind::Function, w.range.clone());
                self.name_open_function(&w.text);
            }
            self.i += 3;
            self.skip_newlines();
            self.function_body();
            return;
        }
        let mut words: Vec<&'t Word> = Vec::new();
        let mut assignments: Vec<Word> = Vec::new();
        let mut redirects: Vec<Redirect> = Vec::new();
        let mut seen_name = false;
        let mut range: Option<Range<usize>> = None;
        let mut extend = |r: &Range<usize>| {
            range = Some(
                range
                    .as_ref()
                    .map_or(r.clone(), |a| a.start..r.end.max(a.end)),
            );
        };
        while self.i < self.toks.len() {
            match &self.toks[self.i] {
                Tok::Word(w) => {
                    extend(&w.range);
                    self.i += 1;
                    if !seen_name && is_assignment(w, self.src) {
                        if w.text.starts_with("PATH=") || w.text.starts_with("PATH+=") {
                            self.script.changes_path = true;
                        }
                        assignments.push(w.clone());
                        continue;
                    }
                    seen_name = true;
                    words.push(w);
                }
                Tok::Redir(r, heredoc) => {
                    let target = match heredoc {
                        None => self.word_at(self.i + 1).cloned(),
                        Some(_) => None,
                    };
                    let end = target.as_ref().map_or(r.end, |t| t.range.end.max(r.end));
                    extend(&(r.start..end));
                    redirects.push(Redirect {
                        op: self.src.get(r.clone()).unwrap_or("").to_string(),
                        range: r.start..end,
                        target,
                        heredoc: heredoc.and_then(|k| self.heredocs.get(k)).cloned(),
                    });
                    self.i += 2;
                }
                Tok::Op(..) => break,
            }
        }
        let range = range.unwrap_or(0..0);
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
        self.open(ItemKind::Simple, range.clone());
        self.command_words(&words, flow, 0);
        let produced = self.script.commands.len() > before;
        for c in &mut self.script.commands[before..] {
            c.next_op = next;
            c.range = range.clone();
            c.assignments.clone_from(&assignments);
            c.redirects.clone_from(&redirects);
        }
        if self.frames.is_empty() && produced {
            if let Some(item) = self.script.items.last_mut() {
                item.command = Some(before);
            }
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
            "trap" => {
                let end = rest.last().map_or(first.range.end, |w| w.range.end);
                let (action, signals) = match rest.split_first() {
                    Some((a, s)) if !a.text.starts_with('-') || a.text == "-" => {
                        (Some((*a).clone()), s)
                    }
                    _ => (None, rest),
                };
                self.script.traps.push(Trap {
                    range: first.range.start..end,
                    action,
                    signals: signals.iter().map(|w| w.text.clone()).collect(),
                });
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
            range: name.range.clone(),
            assignments: Vec::new(),
            redirects: Vec::new(),
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

pub(super) fn is_assignment(w: &Word, src: &str) -> bool {
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
