//! One service of a compose file as kexit models it: every value interpolated, with the span of
//! the YAML node it came from; and the merge Compose applies for override files and `extends`.

use super::interp::{EnvLine, Vars};
use super::merged::{Keyed, Merged, Part};
use super::words;
use crate::source::{FileId, Span};
use crate::yaml::{Node, Style, Value};
use std::cell::Cell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A value with the span of the node it was read from. `value` is None when interpolation left
/// it unknown (a variable the file does not set).
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub value: Option<T>,
    pub span: Span,
}

/// One word of a command: its text (None = unknown) and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: Option<String>,
    pub span: Span,
}

/// How a command was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A YAML list: exec form, each item one argv word.
    List,
    /// A YAML string, split into words as Compose splits it (no shell).
    Split,
}

/// `command:` or `entrypoint:` (or a `healthcheck.test` `CMD` list).
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub form: Form,
    pub words: Vec<Word>,
    /// The whole value.
    pub span: Span,
    /// A string whose unquoted `;`/`&`/`|`/`<`/`>` made Compose drop the rest: the dropped part.
    pub dropped: Option<Span>,
    /// Compose rejects the string ("invalid command line string").
    pub invalid: bool,
}

impl Command {
    /// The words' texts, None when any is unknown.
    pub fn texts(&self) -> Option<Vec<&str>> {
        self.words.iter().map(|w| w.text.as_deref()).collect()
    }
}

/// `healthcheck.test`.
#[derive(Debug, Clone, PartialEq)]
pub enum HealthTest {
    /// `["CMD", argv…]`: exec form.
    Exec(Command),
    /// `["CMD-SHELL", "string"]` or a plain string: run as `/bin/sh -c string`.
    Shell(Word),
    /// `["NONE"]` or `disable: true`: the image's HEALTHCHECK is turned off.
    None(Span),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountKind {
    Bind,
    Volume,
    Tmpfs,
    /// Any other long-syntax type (npipe, cluster, image).
    Other,
}

/// One entry of `volumes:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    pub kind: MountKind,
    /// Host path (bind, resolved against the file's directory) or volume name; None for an
    /// anonymous volume or unknown text.
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    pub span: Span,
}

impl Keyed for Mount {
    fn key(&self) -> &str {
        &self.target
    }
}

/// One `environment:` entry (or a line of an `env_file`).
#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    pub name: String,
    /// None: unknown (interpolation, or a name without a value: taken from the shell).
    pub value: Option<String>,
    pub span: Span,
}

impl Keyed for EnvVar {
    fn key(&self) -> &str {
        &self.name
    }
}

/// `build:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Build {
    /// The build context directory, resolved against the compose file's directory.
    pub context: Option<PathBuf>,
    /// The Dockerfile path, resolved against the context.
    pub dockerfile: Option<PathBuf>,
    pub target: Option<Sp<String>>,
    pub args: Vec<EnvVar>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Service {
    pub name: String,
    /// The service's key in the file that defines it last.
    pub key: Span,
    pub image: Option<Sp<String>>,
    pub build: Option<Build>,
    pub command: Option<Command>,
    pub entrypoint: Option<Command>,
    pub healthcheck: Option<HealthTest>,
    /// `environment:` entries, merged by name across override files and `extends`: each
    /// definition's entries are one part shared with every service that merges it (2,000
    /// services extending one base of 2,000 entries held 4 million copies: 1.8 GB; copying
    /// the base only for services that set an entry of their own still held 1.3 GB).
    pub environment: Merged<EnvVar>,
    /// `env_file:` files in order (a later file's variable wins over an earlier one's;
    /// `environment` wins over all of them, as compose-go resolves them after merging).
    pub env_files: Vec<Arc<EnvFile>>,
    pub user: Option<Sp<String>>,
    pub working_dir: Option<Sp<String>>,
    /// `volumes:` (and `tmpfs:`), merged by target; shared like [`Service::environment`].
    pub volumes: Merged<Mount>,
    /// `mem_limit` or `deploy.resources.limits.memory`, in bytes.
    pub mem_limit: Option<Sp<u64>>,
    pub init: Option<Sp<bool>>,
    pub stop_signal: Option<Sp<String>>,
    /// `stop_grace_period` in milliseconds (Compose's default is 10 s).
    pub stop_grace_ms: Option<Sp<u64>>,
    pub profiles: Vec<String>,
    /// `depends_on:` entries: the service named and the `condition` it waits for (None for the
    /// short list form, which means `service_started`).
    pub depends_on: Vec<(String, Option<String>)>,
    /// `extends:` (service, file), resolved by the loader.
    pub extends: Option<(String, Option<String>, Span)>,
}

/// An `env_file` as read and parsed once, shared (not copied) by every service that names it:
/// 200 services naming one 100,000-line file hold one copy of it.
#[derive(Debug, PartialEq)]
pub struct EnvFile {
    pub file: FileId,
    /// The lines, and for each name its last line (the one Compose keeps: later lines
    /// overwrite earlier ones).
    pub lines: Part<EnvLine>,
    /// The first line whose interpolation ran out of the project's budget (KX011).
    pub over_budget: Option<Span>,
}

impl EnvFile {
    pub fn new(file: FileId, lines: Vec<EnvLine>) -> EnvFile {
        let over_budget = lines
            .iter()
            .find(|l| l.over_budget)
            .map(|l| Span::new(file, l.range.clone()));
        EnvFile {
            file,
            lines: Part::new(lines),
            over_budget,
        }
    }

    /// The line that sets `name` (the last one that does).
    pub fn get(&self, name: &str) -> Option<&EnvLine> {
        self.lines.get(name)
    }

    /// Where line `l` of this file is.
    pub fn span(&self, l: &EnvLine) -> Span {
        Span::new(self.file, l.range.clone())
    }
}

/// Reading context of one compose file.
pub struct Ctx<'a> {
    pub file: FileId,
    /// The file's text (for word spans inside scalars).
    pub text: &'a str,
    /// Directory relative paths resolve against.
    pub dir: &'a Path,
    pub vars: &'a Vars,
    /// Reads and parses an `env_file` (path → lines); None when it cannot be read.
    pub read: &'a dyn Fn(&Path) -> Option<Arc<EnvFile>>,
    /// The project's first value whose interpolation ran out of budget (KX011).
    pub overrun: &'a Cell<Option<Span>>,
}

/// Notes `at` as the project's budget overrun when `vars` ran out since the last look (the
/// first one is kept).
pub fn note_overrun(vars: &Vars, overrun: &Cell<Option<Span>>, at: Span) {
    if vars.take_overrun() && overrun.get().is_none() {
        overrun.set(Some(at));
    }
}

impl Ctx<'_> {
    /// Notes `at` as the project's budget overrun (the first one is kept).
    fn note(&self, at: Span) {
        if self.overrun.get().is_none() {
            self.overrun.set(Some(at));
        }
    }

    /// `raw` interpolated; an overrun of the budget is noted at `at`.
    fn interp(&self, raw: &str, at: Span) -> Option<String> {
        let v = self.vars.interpolate(raw);
        note_overrun(self.vars, self.overrun, at);
        v
    }

    fn span(&self, n: &Node) -> Span {
        Span::new(self.file, n.span())
    }

    /// A scalar's text, interpolated.
    fn text(&self, n: &Node) -> Option<String> {
        let raw = n.scalar_text()?;
        self.interp(&raw, self.span(n))
    }

    fn sp(&self, n: &Node) -> Sp<String> {
        Sp {
            value: self.text(n),
            span: self.span(n),
        }
    }

    fn resolve(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            super::norm_path(&self.dir.join(p))
        }
    }

    /// Offset in the file of byte `i` of a scalar's value, when the value is written literally
    /// on one line (plain, or quoted without escapes): word spans then point at the word.
    fn value_offset(&self, n: &Node, value: &str) -> Option<usize> {
        let src = self.text.get(n.span())?;
        let inner = match n.style() {
            Style::Plain => src,
            Style::SingleQuoted | Style::DoubleQuoted => src.get(1..src.len().checked_sub(1)?)?,
            _ => return None,
        };
        (inner == value).then_some(n.span().start + (src.len() - inner.len()).min(1))
    }

    fn command(&self, n: &Node) -> Option<Command> {
        let span = self.span(n);
        match &n.value {
            Value::Seq(items) => Some(Command {
                form: Form::List,
                words: items
                    .iter()
                    .map(|i| Word {
                        text: self.text(i),
                        span: self.span(i),
                    })
                    .collect(),
                span,
                dropped: None,
                invalid: false,
            }),
            Value::Null => None,
            _ => {
                let raw = n.scalar_text()?;
                let Some(text) = self.interp(&raw, span) else {
                    // Unknown: one unknown word (the argv cannot be known).
                    return Some(Command {
                        form: Form::Split,
                        words: vec![Word { text: None, span }],
                        span,
                        dropped: None,
                        invalid: false,
                    });
                };
                let s = words::split(&text);
                let base = self.value_offset(n, &text);
                let at = |r: std::ops::Range<usize>| match base {
                    Some(b) => Span::new(self.file, b + r.start..b + r.end),
                    None => span,
                };
                Some(Command {
                    form: Form::Split,
                    words: s
                        .words
                        .into_iter()
                        .map(|w| Word {
                            text: Some(w.text),
                            span: at(w.range),
                        })
                        .collect(),
                    span,
                    dropped: s.dropped.map(at),
                    invalid: s.invalid,
                })
            }
        }
    }

    fn healthcheck(&self, n: &Node) -> Option<HealthTest> {
        if n.get("disable").and_then(bool_of) == Some(true) {
            return Some(HealthTest::None(self.span(n)));
        }
        let t = n.get("test")?;
        match &t.value {
            Value::Seq(items) => {
                let first = items.first()?;
                match first.as_str()? {
                    "NONE" => Some(HealthTest::None(self.span(t))),
                    "CMD" => {
                        let mut c = self.command(t)?;
                        c.words.remove(0);
                        Some(HealthTest::Exec(c))
                    }
                    "CMD-SHELL" => {
                        let s = items.get(1)?;
                        Some(HealthTest::Shell(Word {
                            text: self.text(s),
                            span: self.span(s),
                        }))
                    }
                    _ => None,
                }
            }
            Value::Str(_) => Some(HealthTest::Shell(Word {
                text: self.text(t),
                span: self.span(t),
            })),
            _ => None,
        }
    }

    fn environment(&self, n: &Node, out: &mut Vec<EnvVar>) {
        let mut found = Vec::new();
        match &n.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    let Some(name) = k.scalar_text() else {
                        continue;
                    };
                    let value = match &v.value {
                        Value::Null => None,
                        _ => self.text(v),
                    };
                    found.push(EnvVar {
                        name,
                        value,
                        span: Span::new(self.file, k.span().start..v.span().end.max(k.span().end)),
                    });
                }
            }
            Value::Seq(items) => {
                for i in items {
                    let Some(raw) = i.scalar_text() else { continue };
                    let (name, value) = match raw.split_once('=') {
                        Some((k, _)) => (
                            k.to_string(),
                            self.text(i)
                                .and_then(|t| t.split_once('=').map(|(_, v)| v.to_string())),
                        ),
                        None => (raw.clone(), None),
                    };
                    found.push(EnvVar {
                        name,
                        value,
                        span: self.span(i),
                    });
                }
            }
            _ => {}
        }
        upsert(out, found, |e| &e.name);
    }

    fn env_files(&self, n: &Node, out: &mut Vec<Arc<EnvFile>>) {
        let items: Vec<&Node> = match &n.value {
            Value::Seq(items) => items.iter().collect(),
            _ => vec![n],
        };
        for i in items {
            let (path_node, required) = match i.get("path") {
                Some(p) => (p, i.get("required").and_then(bool_of).unwrap_or(true)),
                None => (i, true),
            };
            let Some(path) = self.text(path_node) else {
                continue;
            };
            let _ = required;
            let Some(file) = (self.read)(&self.resolve(&path)) else {
                continue;
            };
            if let Some(at) = &file.over_budget {
                self.note(*at);
            }
            add_env_files(out, [file]);
        }
    }

    fn volumes(&self, n: &Node) -> Vec<Mount> {
        let mut out = Vec::new();
        for i in n.items() {
            let span = self.span(i);
            let m = if let Some(s) = i.scalar_text() {
                let Some(s) = self.interp(&s, span) else {
                    continue;
                };
                self.short_volume(&s, span)
            } else {
                let kind = match i.get("type").and_then(Node::as_str) {
                    Some("bind") => MountKind::Bind,
                    Some("volume") => MountKind::Volume,
                    Some("tmpfs") => MountKind::Tmpfs,
                    _ => MountKind::Other,
                };
                let Some(target) = i.get("target").and_then(|t| self.text(t)) else {
                    continue;
                };
                let source = i.get("source").and_then(|s| self.text(s)).map(|s| {
                    if kind == MountKind::Bind {
                        self.resolve(&s).to_string_lossy().into_owned()
                    } else {
                        s
                    }
                });
                Some(Mount {
                    kind,
                    source,
                    target,
                    read_only: i.get("read_only").and_then(bool_of).unwrap_or(false),
                    span,
                })
            };
            if let Some(m) = m {
                out.push(m);
            }
        }
        out
    }

    /// `[SOURCE:]TARGET[:MODE]`: a source starting with `.`, `/` or `~` is a bind mount.
    fn short_volume(&self, s: &str, span: Span) -> Option<Mount> {
        let parts: Vec<&str> = s.split(':').collect();
        let (source, target, mode) = match parts.as_slice() {
            [t] => (None, *t, None),
            [s, t] => (Some(*s), *t, None),
            [s, t, m] => (Some(*s), *t, Some(*m)),
            _ => return None,
        };
        if !target.starts_with('/') {
            return None;
        }
        let bind = source.is_some_and(|s| s.starts_with(['.', '/', '~']));
        let read_only = mode.is_some_and(|m| m.split(',').any(|o| o == "ro"));
        Some(Mount {
            kind: if bind {
                MountKind::Bind
            } else {
                MountKind::Volume
            },
            source: source.map(|s| {
                if bind && !s.starts_with('~') {
                    self.resolve(s).to_string_lossy().into_owned()
                } else {
                    s.to_string()
                }
            }),
            target: target.to_string(),
            read_only,
            span,
        })
    }

    fn build(&self, n: &Node) -> Build {
        let span = self.span(n);
        let (ctx, dfile, target, args) = match n.scalar_text() {
            Some(_) => (
                self.text(n),
                Some("Dockerfile".to_string()),
                None,
                Vec::new(),
            ),
            None => {
                let mut args = Vec::new();
                if let Some(a) = n.get("args") {
                    self.environment(a, &mut args);
                }
                (
                    n.get("context")
                        .map_or(Some(".".to_string()), |c| self.text(c)),
                    n.get("dockerfile")
                        .map_or(Some("Dockerfile".to_string()), |d| self.text(d)),
                    n.get("target").map(|t| self.sp(t)),
                    args,
                )
            }
        };
        let context = ctx
            .filter(|c| !c.contains("://") && !c.starts_with("git@"))
            .map(|c| self.resolve(&c));
        let dockerfile = match (&context, dfile) {
            (Some(c), Some(d)) => Some(super::norm_path(&c.join(d))),
            _ => None,
        };
        Build {
            context,
            dockerfile,
            target,
            args,
            span,
        }
    }

    /// A service from its node. `name` is its key's text.
    pub fn service(&self, key: &Node, n: &Node) -> Service {
        let name = key.scalar_text().unwrap_or_default();
        let mut s = Service {
            name,
            key: self.span(key),
            image: None,
            build: None,
            command: None,
            entrypoint: None,
            healthcheck: None,
            environment: Merged::default(),
            env_files: Vec::new(),
            user: None,
            working_dir: None,
            volumes: Merged::default(),
            mem_limit: None,
            init: None,
            stop_signal: None,
            stop_grace_ms: None,
            profiles: Vec::new(),
            depends_on: Vec::new(),
            extends: None,
        };
        let Value::Map(entries) = &n.value else {
            return s;
        };
        if let Some(e) = n.get("env_file") {
            self.env_files(e, &mut s.env_files);
        }
        // Read into lists, then made the service's one part each (a `tmpfs:` mount comes
        // after the `volumes:` ones, in whichever order the keys are written).
        let (mut environment, mut volumes, mut tmpfs) = (Vec::new(), Vec::new(), Vec::new());
        for (k, v) in entries {
            let Some(k) = k.as_str() else { continue };
            match k {
                "image" => s.image = Some(self.sp(v)),
                "build" => s.build = Some(self.build(v)),
                "command" => s.command = self.command(v),
                "entrypoint" => s.entrypoint = self.command(v),
                "healthcheck" => s.healthcheck = self.healthcheck(v),
                "environment" => self.environment(v, &mut environment),
                "user" => s.user = Some(self.sp(v)),
                "working_dir" => s.working_dir = Some(self.sp(v)),
                "volumes" => volumes = self.volumes(v),
                // `tmpfs: /app` or a list of `path[:options]`: an empty directory over the path.
                "tmpfs" => {
                    let items: Vec<&Node> = match &v.value {
                        Value::Seq(items) => items.iter().collect(),
                        _ => vec![v],
                    };
                    for i in items {
                        let Some(t) = self.text(i) else { continue };
                        let target = t.split(':').next().unwrap_or("").trim().to_string();
                        if target.starts_with('/') {
                            tmpfs.push(Mount {
                                kind: MountKind::Tmpfs,
                                source: None,
                                target,
                                read_only: false,
                                span: self.span(i),
                            });
                        }
                    }
                }
                "mem_limit" => {
                    s.mem_limit = Some(self.bytes(v));
                }
                "deploy" => {
                    if let Some(m) = v.path(&["resources", "limits", "memory"]) {
                        if s.mem_limit.is_none() {
                            s.mem_limit = Some(self.bytes(m));
                        }
                    }
                }
                "init" => {
                    s.init = Some(Sp {
                        value: bool_of(v),
                        span: self.span(v),
                    })
                }
                "stop_signal" => s.stop_signal = Some(self.sp(v)),
                "stop_grace_period" => {
                    s.stop_grace_ms = Some(Sp {
                        value: self.text(v).and_then(|t| duration_ms(&t)),
                        span: self.span(v),
                    })
                }
                "profiles" => {
                    s.profiles = v.items().iter().filter_map(|p| self.text(p)).collect();
                }
                "depends_on" => {
                    s.depends_on = match &v.value {
                        Value::Map(entries) => entries
                            .iter()
                            .filter_map(|(k, c)| {
                                let cond = c.get("condition").and_then(|c| self.text(c));
                                Some((self.text(k)?, cond))
                            })
                            .collect(),
                        _ => v
                            .items()
                            .iter()
                            .filter_map(|d| Some((self.text(d)?, None)))
                            .collect(),
                    };
                }
                "extends" => {
                    s.extends = match v.scalar_text() {
                        Some(_) => self.text(v).map(|t| (t, None, self.span(v))),
                        None => v
                            .get("service")
                            .and_then(|sv| self.text(sv))
                            .map(|t| (t, v.get("file").and_then(|f| self.text(f)), self.span(v))),
                    }
                }
                _ => {}
            }
        }
        s.environment = Merged::one(environment);
        volumes.append(&mut tmpfs);
        s.volumes = Merged::one(volumes);
        s
    }

    fn bytes(&self, n: &Node) -> Sp<u64> {
        Sp {
            value: self.text(n).and_then(|t| ram_bytes(&t)),
            span: self.span(n),
        }
    }
}

fn bool_of(n: &Node) -> Option<bool> {
    match &n.value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) if s == "true" => Some(true),
        Value::Str(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// Compose's merge of keyed lists (environment, build args, volumes by target, profiles): an
/// item of `over` replaces `base`'s item with the same key in its place, the others are appended.
/// Linear: one map from key to index (a service with 50,000 variables merges in milliseconds).
fn upsert<T>(base: &mut Vec<T>, over: impl IntoIterator<Item = T>, key: impl Fn(&T) -> &str) {
    let mut at: HashMap<String, usize> = HashMap::with_capacity(base.len());
    for (i, b) in base.iter().enumerate() {
        at.entry(key(b).to_string()).or_insert(i);
    }
    for o in over {
        match at.get(key(&o)) {
            Some(&i) => base[i] = o,
            None => {
                at.insert(key(&o).to_string(), base.len());
                base.push(o);
            }
        }
    }
}

/// `env_file` lists merge as sequences with one entry per file (compose-go's `EnforceUnicity`):
/// a file named again stays where it was first named.
fn add_env_files(base: &mut Vec<Arc<EnvFile>>, over: impl IntoIterator<Item = Arc<EnvFile>>) {
    let mut seen: std::collections::HashSet<FileId> = base.iter().map(|b| b.file).collect();
    for o in over {
        if seen.insert(o.file) {
            base.push(o);
        }
    }
}

/// Compose's byte sizes (docker/go-units `RAMInBytes`): a plain integer is bytes; otherwise a
/// number (decimals allowed) and a unit `b`, `k`, `m`, `g`, `t`, `p` (any case, optional `b` or
/// `ib` after it), all powers of 1024: `512m` and `512MB` are both 512 MiB.
pub fn ram_bytes(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<i64>() {
        return u64::try_from(n).ok();
    }
    let num_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(num_end);
    let num: f64 = num.parse().ok()?;
    let unit = unit.trim_start_matches(' ').to_ascii_lowercase();
    let unit = unit
        .strip_suffix("ib")
        .or_else(|| unit.strip_suffix('b'))
        .unwrap_or(&unit);
    let mult: f64 = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024f64.powi(4),
        "p" => 1024f64.powi(5),
        _ => return None,
    };
    let v = num * mult;
    (v.is_finite() && (0.0..1.8e19).contains(&v)).then_some(v as u64)
}

/// A Compose duration (`1m30s`, `10s`, `500ms`, `2h`, `1d`, `1w`; str2duration) in milliseconds.
pub fn duration_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    if s == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..n_end].parse().ok()?;
        rest = &rest[n_end..];
        let u_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let ms = match &rest[..u_end] {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 60e3,
            "h" => 3600e3,
            "d" => 86400e3,
            "w" => 7.0 * 86400e3,
            _ => return None,
        };
        total += n * ms;
        rest = &rest[u_end..];
    }
    (total.is_finite() && total < 1e15).then_some(total as u64)
}

/// Compose's merge of an override (or an extending service) onto a base: scalars and
/// `command`/`entrypoint`/`healthcheck.test` are replaced, `environment` is merged by name,
/// `volumes` by target, `build` key by key.
pub fn merge(mut base: Service, over: Service) -> Service {
    base.key = over.key;
    macro_rules! take {
        ($($f:ident),*) => { $( if over.$f.is_some() { base.$f = over.$f; } )* };
    }
    take!(
        image,
        command,
        entrypoint,
        healthcheck,
        user,
        working_dir,
        mem_limit,
        init,
        stop_signal,
        stop_grace_ms
    );
    base.environment.merge(over.environment);
    add_env_files(&mut base.env_files, over.env_files);
    base.volumes.merge(over.volumes);
    base.build = match (base.build, over.build) {
        (Some(mut b), Some(o)) => {
            // A build written as a mapping overrides key by key; context/dockerfile resolve
            // against the override's directory when it sets them.
            if o.context.is_some() {
                b.context = o.context;
                b.dockerfile = o.dockerfile;
            }
            if o.target.is_some() {
                b.target = o.target;
            }
            upsert(&mut b.args, o.args, |a| &a.name);
            b.span = o.span;
            Some(b)
        }
        (b, o) => o.or(b),
    };
    upsert(&mut base.profiles, over.profiles, |p| p);
    upsert(&mut base.depends_on, over.depends_on, |d| &d.0);
    base.extends = over.extends;
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_bytes_are_binary() {
        assert_eq!(ram_bytes("512m"), Some(512 << 20));
        assert_eq!(ram_bytes("512M"), Some(512 << 20));
        assert_eq!(ram_bytes("1g"), Some(1 << 30));
        assert_eq!(ram_bytes("1gb"), Some(1 << 30));
        assert_eq!(ram_bytes("1GiB"), Some(1 << 30));
        assert_eq!(ram_bytes("1.5g"), Some(3 << 29));
        assert_eq!(ram_bytes("104857600"), Some(104_857_600));
        assert_eq!(ram_bytes("100k"), Some(102_400));
        assert_eq!(ram_bytes("512Mi"), None);
        assert_eq!(ram_bytes("lots"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(duration_ms("10s"), Some(10_000));
        assert_eq!(duration_ms("1m30s"), Some(90_000));
        assert_eq!(duration_ms("500ms"), Some(500));
        assert_eq!(duration_ms("1.5s"), Some(1_500));
        assert_eq!(duration_ms("0"), Some(0));
        assert_eq!(duration_ms("10"), None);
        assert_eq!(duration_ms("x"), None);
    }
}
