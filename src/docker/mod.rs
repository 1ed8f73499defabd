//! Dockerfile front end: an owned model of stages and instructions (byte spans into the file),
//! built on `parse-dockerfile`. The parser stops at the first error; [`parse`] reports it, blanks
//! the offending instruction and parses again (bounded), so one bad line does not hide the rest.

mod buildkit;
pub mod expand;
mod instructions;
mod parse;

pub use instructions::{parse_env, words};
pub use parse::parse;

use crate::source::FileId;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub struct DockerError {
    pub span: Range<usize>,
    pub message: String,
}

/// A string with its byte range in the file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Str {
    pub value: String,
    pub span: Range<usize>,
}

/// A `--name=value` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub span: Range<usize>,
}

/// ENTRYPOINT / CMD / RUN / HEALTHCHECK CMD arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandArgs {
    /// Valid JSON array of strings.
    Exec(Vec<Str>),
    /// Shell form (also heredoc RUN), as written (escapes preserved).
    Shell(Str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub args: CommandArgs,
    /// Span of the whole argument part.
    pub span: Range<usize>,
    /// Written as `[...]` but not valid JSON: BuildKit runs it as shell form.
    pub invalid_json: bool,
    /// A valid JSON array with a non-string element: BuildKit fails the build.
    pub non_string_json: bool,
}

impl Command {
    pub fn is_shell(&self) -> bool {
        matches!(self.args, CommandArgs::Shell(_))
    }
}

/// A COPY/ADD source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopySource {
    Path(Str),
    /// `COPY <<EOF /dest` body (span of the body text).
    Heredoc {
        body: String,
        span: Range<usize>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDef {
    pub name: String,
    pub default: Option<String>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstKind {
    Run {
        flags: Vec<Flag>,
        command: Command,
        /// Heredoc bodies (`RUN <<EOF`), with spans.
        heredocs: Vec<Str>,
    },
    Cmd(Command),
    Entrypoint(Command),
    /// `None` for `HEALTHCHECK NONE`.
    Healthcheck(Option<Command>),
    Copy {
        /// true for ADD.
        add: bool,
        flags: Vec<Flag>,
        sources: Vec<CopySource>,
        dest: Str,
    },
    /// `ENV K=V …` pairs (values unexpanded, quotes removed).
    Env(Vec<(String, String)>),
    Arg(Vec<ArgDef>),
    Workdir(Str),
    User(Str),
    Shell(Vec<Str>),
    Stopsignal(Str),
    /// EXPOSE, LABEL, VOLUME, MAINTAINER, ONBUILD.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-case keyword (`COPY`).
    pub keyword: &'static str,
    /// From the keyword to the end of the instruction (continuation lines included).
    pub span: Range<usize>,
    pub kind: InstKind,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        match &self.kind {
            InstKind::Run { flags, .. } | InstKind::Copy { flags, .. } => {
                flags.iter().find(|f| f.name.eq_ignore_ascii_case(name))
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct From {
    /// Image reference as written (unexpanded).
    pub image: Str,
    pub platform: Option<Str>,
    /// `AS name` (lower-cased as BuildKit compares it).
    pub name: Option<Str>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    pub from: From,
    /// Instructions after FROM.
    pub instructions: Vec<Instruction>,
}

impl Stage {
    pub fn name(&self) -> Option<&str> {
        self.from.name.as_ref().map(|n| n.value.as_str())
    }
    /// "`app`" or "#2".
    pub fn label(&self) -> String {
        match self.name() {
            Some(n) => format!("`{n}`"),
            None => format!("#{}", self.index),
        }
    }
}

/// The parsed, owned model of one Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    pub file: FileId,
    pub errors: Vec<DockerError>,
    /// Escape character (parser directive `# escape=`), `\` by default.
    pub escape: char,
    /// ARGs before the first FROM.
    pub global_args: Vec<ArgDef>,
    /// At most [`crate::budget::MAX_STAGES`]: see [`Dockerfile::stages_over`].
    pub stages: Vec<Stage>,
    /// The first stage of each `AS` name (lower-cased): stage lookups are one hash lookup, not
    /// a scan of the stages before (a Dockerfile of many stages was quadratic).
    names: HashMap<String, usize>,
    /// [`Dockerfile::leaf_stages`], computed once.
    leaves: OnceLock<Vec<usize>>,
    /// The span of the first `FROM` past [`crate::budget::MAX_STAGES`] stages: it and all after
    /// it are not modelled (KX011 reports it).
    pub stages_over: Option<Range<usize>>,
    /// A template, not linted (set at loading, `project.rs`): the template markup next to its
    /// first syntax error, and what it is.
    pub template: Option<(Range<usize>, &'static str)>,
}

impl Dockerfile {
    /// Mark this Dockerfile a template (markup span, what it is) and drop what was parsed of
    /// it: no stage, no error, nothing linted.
    pub fn set_template(&mut self, t: (Range<usize>, &'static str)) {
        *self = Dockerfile {
            file: self.file,
            escape: self.escape,
            template: Some(t),
            ..Dockerfile::default()
        };
    }

    /// Stage by `AS` name (case-insensitive) or by index (`--from=0`), among the stages
    /// before `before`: the first stage of that name.
    pub fn stage_by_ref(&self, r: &str, before: usize) -> Option<&Stage> {
        let before = before.min(self.stages.len());
        let named = if r.bytes().any(|b| b.is_ascii_uppercase()) {
            self.names.get(&r.to_ascii_lowercase())
        } else {
            self.names.get(r)
        };
        if let Some(&i) = named.filter(|&&i| i < before) {
            return self.stages.get(i);
        }
        let i: usize = r.parse().ok()?;
        if i < before {
            self.stages.get(i)
        } else {
            None
        }
    }
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        self.stage_by_ref(name, self.stages.len())
    }

    /// Adds a stage (its index is the next one), recording the first stage of its name.
    pub(crate) fn push_stage(&mut self, from: From) {
        let index = self.stages.len();
        if let Some(n) = &from.name {
            self.names.entry(n.value.clone()).or_insert(index);
        }
        self.stages.push(Stage {
            index,
            from,
            instructions: Vec::new(),
        });
        self.leaves = OnceLock::new();
    }

    /// Indexes (ascending) of stages no later stage builds on (`FROM <stage>`) or copies from
    /// (`COPY --from=<stage>`): the candidates for a final image. Computed once.
    pub fn leaf_stages(&self) -> &[usize] {
        self.leaves.get_or_init(|| {
            let mut used = vec![false; self.stages.len()];
            for s in &self.stages {
                if let Some(b) = self.stage_by_ref(&s.from.image.value, s.index) {
                    used[b.index] = true;
                }
                for i in &s.instructions {
                    if let Some(f) = i.flag("from").and_then(|f| f.value.as_deref()) {
                        if let Some(b) = self.stage_by_ref(f, s.index) {
                            used[b.index] = true;
                        }
                    }
                }
            }
            (0..self.stages.len()).filter(|i| !used[*i]).collect()
        })
    }

    /// Whether stage `si` is one of the [`Dockerfile::leaf_stages`].
    pub fn is_leaf(&self, si: usize) -> bool {
        self.leaf_stages().binary_search(&si).is_ok()
    }
}

#[cfg(test)]
mod tests;
