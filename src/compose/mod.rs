//! Compose front end: compose files → projects of [`Service`]s, as `docker compose` loads them
//! (compose-go): the first of `compose.yaml`, `compose.yml`, `docker-compose.yml`,
//! `docker-compose.yaml` in a directory is the project's file, the first of the matching
//! `*.override.y(a)ml` names is merged onto it; `extends` and `include` are followed (bounded);
//! variables are interpolated from the `.env` beside the file ([`interp`]). Other compose files
//! (`docker-compose.prod.yml`, a compose file on stdin) are read on their own.
//!
//! Every value keeps the span of the YAML node it came from; files read only because something
//! references them (an `env_file`, an `extends` file outside the linted tree) are added to the
//! project as context files.

pub mod interp;
pub mod merged;
pub mod service;
pub mod words;

pub use merged::{Merged, Part};
pub use service::{
    Build, Command, EnvFile, EnvVar, Form, HealthTest, Mount, MountKind, Service, Sp, Word,
};

use crate::source::{FileId, FileKind, SourceFile, Span};
use crate::yaml::{Node, YamlFile};
use interp::Vars;
use service::note_overrun;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// One Compose project: the files merged into it and its services.
#[derive(Debug, Clone)]
pub struct ComposeProject {
    /// The project's files in merge order (the main file first).
    pub files: Vec<FileId>,
    /// The project directory (the main file's directory).
    pub dir: PathBuf,
    pub services: Vec<Service>,
    /// The first value whose interpolation ran out of the project's expansion budget
    /// ([`crate::budget`]; KX011): values from there on are unknown.
    pub budget_overrun: Option<Span>,
    /// `extends` and `include` references that lead back to themselves: Compose refuses to
    /// load the project ("Circular reference", "include cycle detected").
    pub cycles: Vec<Cycle>,
}

/// An `extends` or `include` entry that closes a cycle.
#[derive(Debug, Clone)]
pub struct Cycle {
    pub kind: CycleKind,
    /// The entry that leads back.
    pub span: Span,
    /// The chain it closes, in words (`` `a` extends `b` extends `a` ``).
    pub chain: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CycleKind {
    Extends,
    Include,
}

/// Compose's default file names, in its order of preference.
const MAIN_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];
const OVERRIDE_NAMES: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];
/// `extends`/`include` chains deeper than this are not followed.
const MAX_DEPTH: usize = 8;

/// What a file name says about a compose file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Main(usize),
    Override(usize),
    /// Another compose file (`docker-compose.prod.yml`, stdin): read on its own.
    Other,
}

/// Whether a file name is a compose file's (`compose.yaml`, `docker-compose.test.yml`, …).
pub fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    yaml && (lower.starts_with("docker-compose")
        || lower.starts_with("compose.")
        || lower.contains(".compose."))
}

fn role(name: &str) -> Option<Role> {
    if let Some(i) = MAIN_NAMES.iter().position(|n| *n == name) {
        return Some(Role::Main(i));
    }
    if let Some(i) = OVERRIDE_NAMES.iter().position(|n| *n == name) {
        return Some(Role::Override(i));
    }
    (is_compose_name(name) || name == "<stdin>").then_some(Role::Other)
}

/// Whether a YAML root is a compose file: a `services` (or `include`) mapping/list at the top and
/// no `apiVersion`/`kind` (a Kubernetes object).
pub fn looks_like_compose(root: &Node) -> bool {
    root.get("apiVersion").is_none()
        && root.get("kind").is_none()
        && (root.get("services").is_some_and(Node::is_map) || root.get("include").is_some())
}

pub use crate::source::norm_path;

fn dir_of(path: &str) -> PathBuf {
    Path::new(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Files the loader reads: the project's own (by path) and context files it adds.
struct Files<'a> {
    existing: &'a [SourceFile],
    by_path: HashMap<PathBuf, FileId>,
    yaml_of: HashMap<FileId, &'a YamlFile>,
    added: RefCell<Vec<SourceFile>>,
    added_yaml: RefCell<Vec<(FileId, std::rc::Rc<YamlFile>)>>,
    added_by_path: RefCell<HashMap<PathBuf, FileId>>,
    /// Texts handed out (each file copied once, however many services read it).
    texts: RefCell<HashMap<FileId, Rc<str>>>,
    /// Parsed `env_file`s (each parsed once, however many services name it).
    env_lines: RefCell<HashMap<FileId, std::sync::Arc<service::EnvFile>>>,
    /// Each compose file's services by name (first of a name), for `extends`.
    service_index: RefCell<HashMap<FileId, Rc<HashMap<String, usize>>>>,
    cap: u64,
    /// The linted tree (canonical): a file outside it (`env_file: /etc/…`, a `.env` linking out)
    /// is never read, so it can never be printed.
    roots: &'a [PathBuf],
}

impl<'a> Files<'a> {
    fn text(&self, id: FileId) -> Option<Rc<str>> {
        if let Some(t) = self.texts.borrow().get(&id) {
            return Some(t.clone());
        }
        let t: Rc<str> = match self.existing.get(id) {
            Some(f) => Rc::from(f.text.as_str()),
            None => Rc::from(
                self.added
                    .borrow()
                    .get(id.checked_sub(self.existing.len())?)?
                    .text
                    .as_str(),
            ),
        };
        self.texts.borrow_mut().insert(id, t.clone());
        Some(t)
    }

    /// A file by path: the project's copy when it has one, else read from disk (capped) and
    /// added as a context file.
    fn read(&self, path: &Path) -> Option<(FileId, Rc<str>)> {
        let key = norm_path(path);
        if let Some(&id) = self.by_path.get(&key) {
            return Some((id, self.text(id)?));
        }
        if let Some(&id) = self.added_by_path.borrow().get(&key) {
            return Some((id, self.text(id)?));
        }
        if !crate::source::resolves_within(&key, self.roots) {
            return None;
        }
        // Bounded by the bytes read (not by what stat says), never a FIFO or procfs file.
        let text = crate::source::read_text_bounded(&key, self.cap)?;
        let mut f = SourceFile::new(key.to_string_lossy(), FileKind::Other, text);
        f.report = false;
        let id = self.existing.len() + self.added.borrow().len();
        self.added.borrow_mut().push(f);
        self.added_by_path.borrow_mut().insert(key, id);
        Some((id, self.text(id)?))
    }

    /// Whether findings in file `id` are reported (a file the user named, not context).
    fn reported(&self, id: FileId) -> bool {
        match self.existing.get(id) {
            Some(f) => f.report,
            None => id
                .checked_sub(self.existing.len())
                .and_then(|i| self.added.borrow().get(i).map(|f| f.report))
                .unwrap_or(false),
        }
    }

    /// File `id`, added from disk, is reported when compose file `of` is: a finding whose cause
    /// is one of its lines (a heap flag, PATH, a budget overrun) points there. A compose file
    /// read only as repository context reports nothing.
    fn report_with(&self, of: FileId, id: FileId) {
        if !self.reported(of) {
            return;
        }
        if let Some(i) = id.checked_sub(self.existing.len()) {
            if let Some(f) = self.added.borrow_mut().get_mut(i) {
                f.report = true;
            }
        }
    }

    /// An `env_file` of compose file `of`, by path, as [`Self::read`] and [`Self::report_with`],
    /// parsed once (with `vars`' budget) however many services name it.
    fn read_env_file(
        &self,
        of: FileId,
        path: &Path,
        vars: &Vars,
    ) -> Option<std::sync::Arc<service::EnvFile>> {
        let (id, text) = self.read(path)?;
        self.report_with(of, id);
        if let Some(f) = self.env_lines.borrow().get(&id) {
            return Some(f.clone());
        }
        let f = std::sync::Arc::new(service::EnvFile::new(id, interp::parse_dotenv(&text, vars)));
        self.env_lines.borrow_mut().insert(id, f.clone());
        Some(f)
    }

    /// The services of compose file `id` by name (the first of a name), built once.
    fn service_index(&self, id: FileId, root: &Node) -> Rc<HashMap<String, usize>> {
        if let Some(ix) = self.service_index.borrow().get(&id) {
            return ix.clone();
        }
        let mut ix = HashMap::new();
        for (i, (k, _)) in root
            .get("services")
            .map(Node::entries)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(k) = k.as_str() {
                ix.entry(k.to_string()).or_insert(i);
            }
        }
        let ix = Rc::new(ix);
        self.service_index.borrow_mut().insert(id, ix.clone());
        ix
    }

    /// The YAML of a compose file by path.
    fn yaml(&self, path: &Path) -> Option<(FileId, YamlRef<'a>)> {
        let (id, text) = self.read(path)?;
        if let Some(y) = self.yaml_of.get(&id) {
            return Some((id, YamlRef::Borrowed(y)));
        }
        if let Some((_, y)) = self.added_yaml.borrow().iter().find(|(i, _)| *i == id) {
            return Some((id, YamlRef::Owned(y.clone())));
        }
        let y = std::rc::Rc::new(crate::yaml::parse(&text));
        self.added_yaml.borrow_mut().push((id, y.clone()));
        Some((id, YamlRef::Owned(y)))
    }

    fn path_of(&self, id: FileId) -> String {
        match self.existing.get(id) {
            Some(f) => f.path.clone(),
            None => self
                .added
                .borrow()
                .get(id - self.existing.len())
                .map(|f| f.path.clone())
                .unwrap_or_default(),
        }
    }
}

enum YamlRef<'a> {
    Borrowed(&'a YamlFile),
    Owned(std::rc::Rc<YamlFile>),
}

impl YamlRef<'_> {
    fn root(&self) -> Option<&Node> {
        match self {
            YamlRef::Borrowed(y) => y.docs.first().map(|d| &d.root),
            YamlRef::Owned(y) => y.docs.first().map(|d| &d.root),
        }
    }
}

/// The `.env` of a project directory (reported with the project's first file `of` when one of
/// its lines runs out of budget: KX011 points there).
fn dotenv(files: &Files<'_>, of: FileId, dir: &Path, overrun: &Cell<Option<Span>>) -> Vars {
    let Some((id, text)) = files.read(&dir.join(".env")) else {
        return Vars::default();
    };
    let (vars, over) = Vars::from_dotenv(&text);
    if let Some(range) = over {
        files.report_with(of, id);
        overrun.set(overrun.get().or(Some(Span::new(id, range))));
    }
    vars
}

/// The entry of service `i` of a compose file's root.
fn service_entry(root: &Node, i: usize) -> Option<(&Node, &Node)> {
    match &root.get("services")?.value {
        crate::yaml::Value::Map(e) => e.get(i).map(|(k, v)| (k, v)),
        _ => None,
    }
}

/// One compose file as the loader reads it: its context and its root, for `f`.
fn with_file<R>(
    files: &Files<'_>,
    id: FileId,
    vars: &Vars,
    overrun: &Cell<Option<Span>>,
    f: impl FnOnce(&service::Ctx<'_>, &Node) -> R,
) -> Option<R> {
    let path = files.path_of(id);
    let dir = dir_of(&path);
    let (_, y) = files.yaml(Path::new(&path))?;
    let root = y.root()?;
    let text = files.text(id)?;
    let read = |p: &Path| files.read_env_file(id, p, vars);
    let ctx = service::Ctx {
        file: id,
        text: &text,
        dir: &dir,
        vars,
        read: &read,
        overrun,
    };
    Some(f(&ctx, root))
}

/// The services of one compose file (extends resolved), in file order.
fn file_services(
    files: &Files<'_>,
    id: FileId,
    vars: &Vars,
    overrun: &Cell<Option<Span>>,
    (out, cycles, memo): (&mut Vec<Service>, &mut Vec<Cycle>, &mut Bases),
) {
    with_file(files, id, vars, overrun, |ctx, root| {
        for (k, v) in root
            .get("services")
            .map(Node::entries)
            .into_iter()
            .flatten()
        {
            let s = ctx.service(k, v);
            let mut chain = Vec::new();
            out.push(resolve_extends(
                files,
                ctx,
                root,
                s,
                (&mut chain, cycles, memo),
            ));
        }
    });
}

/// A service in an `extends` chain: its file and name.
type Link = (FileId, String);

/// The `extends` bases of one project resolved so far, by file and name, each resolved once
/// (2,000 services extending one base re-read and merged it 2,000 times). Only a base whose
/// resolution met no cycle and no [`MAX_DEPTH`] cut is kept: that one is the same whatever
/// chain reaches it. A copy shares the base's `environment` and `volumes`.
#[derive(Default)]
struct Bases {
    done: HashMap<Link, Service>,
    /// Chains cut at [`MAX_DEPTH`] so far.
    cuts: usize,
}

/// `extends`: the base service (same file, or `file:`) merged under the service. Each hop is
/// one lookup by name and the chain is at most [`MAX_DEPTH`] long, so a file's services
/// resolve in linear time. A base already in the chain is a cycle (recorded in `cycles`, as
/// Compose's loader refuses it), not followed.
fn resolve_extends(
    files: &Files<'_>,
    ctx: &service::Ctx<'_>,
    root: &Node,
    s: Service,
    (chain, cycles, memo): (&mut Vec<Link>, &mut Vec<Cycle>, &mut Bases),
) -> Service {
    let Some((base_name, file, at)) = s.extends.clone() else {
        return s;
    };
    if chain.len() >= MAX_DEPTH {
        memo.cuts += 1;
        return s;
    }
    chain.push((ctx.file, s.name.clone()));
    let mut named = |ctx: &service::Ctx<'_>, root: &Node| {
        if chain.iter().any(|(f, n)| *f == ctx.file && *n == base_name) {
            // Names alone in one file; with their files when the chain crosses files.
            let one_file = chain.iter().all(|(f, _)| *f == ctx.file);
            let show = |f: FileId, n: &str| match one_file {
                true => format!("`{n}`"),
                false => format!("`{n}` in {}", files.path_of(f)),
            };
            let mut path: Vec<String> = chain.iter().map(|(f, n)| show(*f, n)).collect();
            path.push(show(ctx.file, &base_name));
            cycles.push(Cycle {
                kind: CycleKind::Extends,
                span: at,
                chain: path.join(" extends "),
            });
            return None;
        }
        let key = (ctx.file, base_name.clone());
        if let Some(b) = memo.done.get(&key) {
            return Some(b.clone());
        }
        let i = *files.service_index(ctx.file, root).get(&base_name)?;
        let (k, v) = service_entry(root, i)?;
        let before = (cycles.len(), memo.cuts);
        let b = resolve_extends(
            files,
            ctx,
            root,
            ctx.service(k, v),
            (&mut *chain, &mut *cycles, &mut *memo),
        );
        if (cycles.len(), memo.cuts) == before {
            memo.done.insert(key, b.clone());
        }
        Some(b)
    };
    let base = match file {
        None => named(ctx, root),
        Some(f) => {
            let path = norm_path(&ctx.dir.join(&f));
            files
                .yaml(&path)
                .and_then(|(fid, _)| with_file(files, fid, ctx.vars, ctx.overrun, named))
                .flatten()
        }
    };
    chain.pop();
    match base {
        Some(mut b) => {
            b.name = s.name.clone();
            b.extends = None;
            service::merge(b, s)
        }
        None => s,
    }
}

/// Each cycle once (a service reached from several others reports its `extends` once).
fn dedup_cycles(mut v: Vec<Cycle>) -> Vec<Cycle> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|c| seen.insert((c.span.file, c.span.start, c.span.end)));
    v
}

/// Load one project from its files (main first), following `include`.
/// `included` holds the files already included into the top-level project: each is included
/// once (a file included by many is read once: linear). `ancestors` are the main files of the
/// projects that include this one: including one of them again (or this project's own main
/// file) is a cycle Compose refuses, recorded in `cycles`, not followed.
fn project(
    files: &Files<'_>,
    ids: &[FileId],
    ancestors: &[FileId],
    included: &mut std::collections::HashSet<FileId>,
) -> ComposeProject {
    let depth = ancestors.len();
    let chain: Vec<FileId> = ancestors
        .iter()
        .copied()
        .chain(ids.first().copied())
        .collect();
    let mut cycles: Vec<Cycle> = Vec::new();
    let dir = ids
        .first()
        .map(|&i| dir_of(&files.path_of(i)))
        .unwrap_or_default();
    let overrun = Cell::new(None);
    let vars = match ids.first() {
        Some(&first) => dotenv(files, first, &dir, &overrun),
        None => Vars::default(),
    };
    let mut services: Vec<Service> = Vec::new();
    let mut bases = Bases::default();
    // Services by name: merging an override file's services is linear.
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for &id in ids {
        let mut these = Vec::new();
        file_services(
            files,
            id,
            &vars,
            &overrun,
            (&mut these, &mut cycles, &mut bases),
        );
        for s in these {
            match by_name.get(&s.name) {
                Some(&i) => {
                    let b = std::mem::take(&mut services[i]);
                    services[i] = service::merge(b, s);
                }
                None => {
                    by_name.insert(s.name.clone(), services.len());
                    services.push(s);
                }
            }
        }
        // include: each included file is a project of its own whose services join this one.
        let path = files.path_of(id);
        let Some((_, y)) = files.yaml(Path::new(&path)) else {
            continue;
        };
        if depth >= MAX_DEPTH {
            continue;
        }
        let Some(root) = y.root() else { continue };
        for inc in root.get("include").map(Node::items).unwrap_or(&[]) {
            let nodes: Vec<&Node> = match inc.get("path") {
                Some(p) if p.is_map() => Vec::new(),
                Some(p) if p.scalar_text().is_some() => vec![p],
                Some(p) => p.items().iter().collect(),
                None => vec![inc],
            };
            let mut inc_ids = Vec::new();
            for (i, n) in nodes.into_iter().enumerate() {
                let Some(p) = n.scalar_text() else { continue };
                let p = vars.interpolate(&p);
                note_overrun(&vars, &overrun, Span::new(id, n.span()));
                let Some(p) = p else {
                    continue;
                };
                let full = norm_path(&dir_of(&path).join(p));
                // The included project's main file (its first path) may not be one that
                // includes it: Compose stops with "include cycle detected".
                if i == 0 {
                    let back = chain
                        .iter()
                        .position(|&a| norm_path(Path::new(&files.path_of(a))) == full);
                    if let Some(at) = back {
                        let mut names: Vec<String> = chain[at..]
                            .iter()
                            .map(|&a| format!("`{}`", files.path_of(a)))
                            .collect();
                        names.push(format!("`{}`", files.path_of(chain[at])));
                        cycles.push(Cycle {
                            kind: CycleKind::Include,
                            span: Span::new(id, n.span()),
                            chain: names.join(" includes "),
                        });
                        continue;
                    }
                }
                // A file linted as a project of its own is not added again.
                if files
                    .by_path
                    .get(&full)
                    .is_some_and(|i| files.yaml_of.contains_key(i))
                    && role(full.file_name().and_then(|n| n.to_str()).unwrap_or(""))
                        .is_some_and(|r| matches!(r, Role::Main(_)))
                {
                    continue;
                }
                if let Some((fid, _)) = files.yaml(&full) {
                    if included.insert(fid) {
                        inc_ids.push(fid);
                    }
                }
            }
            if !inc_ids.is_empty() {
                let sub = project(files, &inc_ids, &chain, included);
                if overrun.get().is_none() {
                    overrun.set(sub.budget_overrun);
                }
                cycles.extend(sub.cycles);
                for s in sub.services {
                    if !by_name.contains_key(&s.name) {
                        by_name.insert(s.name.clone(), services.len());
                        services.push(s);
                    }
                }
            }
        }
    }
    ComposeProject {
        files: ids.to_vec(),
        dir,
        services,
        budget_overrun: overrun.get(),
        cycles: dedup_cycles(cycles),
    }
}

/// Find the compose files among the loaded manifests (`existing[id]` with its parsed YAML) and
/// load their projects. Returns them with the files read on the way (`.env`, `env_file`,
/// extends/include targets outside the linted files): context files (not reported) whose ids
/// continue `existing`, for the caller to append. Files outside `roots` (the linted tree,
/// canonical) are never read.
pub fn load(
    existing: &[SourceFile],
    manifests: &[(FileId, &YamlFile)],
    cap: u64,
    roots: &[PathBuf],
) -> (Vec<ComposeProject>, Vec<SourceFile>) {
    let mut candidates: Vec<(FileId, Role)> = Vec::new();
    for &(file, yaml) in manifests {
        let Some(f) = existing.get(file) else {
            continue;
        };
        let name = Path::new(&f.path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("");
        let Some(r) = role(name) else { continue };
        if yaml
            .docs
            .first()
            .is_some_and(|d| looks_like_compose(&d.root))
        {
            candidates.push((file, r));
        }
    }
    if candidates.is_empty() {
        return (Vec::new(), Vec::new());
    }
    {
        let files = Files {
            existing,
            by_path: existing
                .iter()
                .enumerate()
                .map(|(i, f)| (norm_path(Path::new(&f.path)), i))
                .collect(),
            yaml_of: manifests.iter().copied().collect(),
            added: RefCell::new(Vec::new()),
            added_yaml: RefCell::new(Vec::new()),
            added_by_path: RefCell::new(HashMap::new()),
            texts: RefCell::new(HashMap::new()),
            env_lines: RefCell::new(HashMap::new()),
            service_index: RefCell::new(HashMap::new()),
            cap,
            roots,
        };
        // Per directory: the preferred main file and the preferred override.
        type Ranked = Vec<(usize, FileId)>;
        let mut by_dir: HashMap<PathBuf, (Ranked, Ranked)> = HashMap::new();
        let mut alone: Vec<FileId> = Vec::new();
        for &(id, r) in &candidates {
            let dir = dir_of(&files.path_of(id));
            let e = by_dir.entry(dir).or_default();
            match r {
                Role::Main(rank) => e.0.push((rank, id)),
                Role::Override(rank) => e.1.push((rank, id)),
                Role::Other => alone.push(id),
            }
        }
        let mut groups: Vec<Vec<FileId>> = Vec::new();
        for (_, (mut mains, mut overs)) in by_dir {
            mains.sort();
            overs.sort();
            let Some(&(_, main)) = mains.first() else {
                continue;
            };
            // Compose ignores the other default-named files; a user runs them with `-f`.
            alone.extend(mains.iter().skip(1).map(|(_, i)| *i));
            groups.push(
                std::iter::once(main)
                    .chain(overs.first().map(|(_, o)| *o))
                    .collect(),
            );
        }
        groups.extend(alone.into_iter().map(|i| vec![i]));
        groups.sort();
        let projects: Vec<ComposeProject> = groups
            .iter()
            .map(|g| project(&files, g, &[], &mut g.iter().copied().collect()))
            .collect();
        let added = files.added.into_inner();
        (projects, added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(role("compose.yaml"), Some(Role::Main(0)));
        assert_eq!(role("docker-compose.yml"), Some(Role::Main(2)));
        assert_eq!(role("docker-compose.override.yml"), Some(Role::Override(2)));
        assert_eq!(role("docker-compose.test.yml"), Some(Role::Other));
        assert_eq!(role("app.compose.yaml"), Some(Role::Other));
        assert_eq!(role("deployment.yaml"), None);
        assert_eq!(role("composer.json"), None);
    }
}

#[cfg(test)]
mod load_tests {
    use crate::source::{FileKind, SourceFile};
    use crate::yaml::YamlFile;

    /// What `load` gives a project: its compose projects and all files (the added ones last).
    struct Loaded {
        compose: Vec<super::ComposeProject>,
        files: Vec<SourceFile>,
    }

    fn load(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
        let dir = tempfile::tempdir().unwrap();
        let mut sources = Vec::new();
        let mut yamls: Vec<YamlFile> = Vec::new();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                let path = p.to_string_lossy().into_owned();
                sources.push(SourceFile::new(path, FileKind::Manifest, text.to_string()));
                yamls.push(crate::yaml::parse(text));
            }
        }
        let manifests: Vec<_> = yamls.iter().enumerate().collect();
        let roots: Vec<std::path::PathBuf> =
            std::fs::canonicalize(dir.path()).into_iter().collect();
        let (compose, added) = super::load(&sources, &manifests, 10 << 20, &roots);
        sources.extend(added);
        let files = sources;
        (dir, Loaded { compose, files })
    }

    #[test]
    fn override_extends_env_and_interpolation() {
        let (_d, p) = load(&[
            (".env", "TAG=3.20\nCMD=python app.py\n"),
            ("web.env", "A=1\nB=2\n"),
            (
                "compose.yaml",
                "services:\n  base:\n    image: alpine:${TAG}\n    stop_grace_period: 1m\n  web:\n    extends: base\n    command: ${CMD} --port 80\n    env_file: web.env\n    environment:\n      B: three\n    mem_limit: 512m\n    volumes:\n      - ./src:/app\n      - data:/data:ro\n    healthcheck:\n      test: curl -f http://localhost\n    build:\n      context: ./web\n      target: prod\n",
            ),
            (
                "compose.override.yaml",
                "services:\n  web:\n    entrypoint: [\"/entry.sh\"]\n    environment:\n      - C=${NOPE}\n    volumes:\n      - type: bind\n        source: ./other\n        target: /app\n",
            ),
        ]);
        assert_eq!(p.compose.len(), 1);
        let c = &p.compose[0];
        assert_eq!(c.files.len(), 2);
        let web = c.services.iter().find(|s| s.name == "web").unwrap();
        assert_eq!(
            web.image.as_ref().unwrap().value.as_deref(),
            Some("alpine:3.20")
        );
        assert_eq!(web.stop_grace_ms.as_ref().unwrap().value, Some(60_000));
        let cmd = web.command.as_ref().unwrap();
        assert_eq!(cmd.texts().unwrap(), ["python", "app.py", "--port", "80"]);
        let ep = web.entrypoint.as_ref().unwrap();
        assert_eq!(ep.texts().unwrap(), ["/entry.sh"]);
        let env: Vec<(&str, Option<&str>)> = web
            .environment
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_deref()))
            .collect();
        assert_eq!(env, [("B", Some("three")), ("C", None)]);
        // The env_file is shared, not copied; `environment` wins over it.
        assert_eq!(web.env_files.len(), 1);
        let file = &web.env_files[0];
        assert_eq!(file.get("A").unwrap().value.as_deref(), Some("1"));
        assert_eq!(file.get("B").unwrap().value.as_deref(), Some("2"));
        assert_eq!(web.mem_limit.as_ref().unwrap().value, Some(512 << 20));
        // The override's `/app` wins over the file's; `/data` stays.
        let app = web.volumes.get("/app").unwrap();
        assert!(app.source.as_deref().unwrap().ends_with("other"));
        assert!(web.volumes.get("/data").unwrap().read_only);
        assert!(matches!(web.healthcheck, Some(super::HealthTest::Shell(_))));
        let b = web.build.as_ref().unwrap();
        assert!(b.dockerfile.as_ref().unwrap().ends_with("web/Dockerfile"));
        assert_eq!(b.target.as_ref().unwrap().value.as_deref(), Some("prod"));
        // Word spans point at the words in the file (not interpolated here: the healthcheck).
        let f = &p.files[c.files[0]];
        assert_eq!(f.slice(cmd.span), "${CMD} --port 80");
    }

    /// compose-go resolves `env_file`s after merging `extends`: the files of base and extending
    /// service in that order (a file named twice counts once, where first named), then the
    /// merged `environment` over all of them (see the model's `compose_env_files_under_environment`).
    #[test]
    fn env_files_merge_as_compose_go_resolves_them() {
        let (_d, p) = load(&[
            ("a.env", "X=from-a\nY=from-a\nZ=from-a\n"),
            ("b.env", "X=from-b\nY=from-b\nY=last-b\n"),
            (
                "compose.yaml",
                "services:\n  base:\n    image: alpine:3.20\n    env_file: a.env\n    environment:\n      X: base-env\n  web:\n    extends: base\n    env_file: [b.env, a.env]\n",
            ),
        ]);
        let web = p.compose[0]
            .services
            .iter()
            .find(|s| s.name == "web")
            .unwrap();
        let names: Vec<String> = web
            .env_files
            .iter()
            .map(|f| p.files[f.file].path.to_string())
            .collect();
        assert!(
            names[0].ends_with("a.env") && names[1].ends_with("b.env"),
            "{names:?}"
        );
        // Each file's last line of a name is the one kept (Env::compose reads them).
        assert_eq!(
            web.env_files[1].get("Y").unwrap().value.as_deref(),
            Some("last-b")
        );
        let env: Vec<&str> = web.environment.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(env, ["X"]);
    }

    /// A base is resolved once; services that change none of its lists share them.
    #[test]
    fn extends_shares_the_unchanged_lists_of_its_base() {
        let (_d, p) = load(&[(
            "compose.yaml",
            "services:\n  base:\n    image: alpine\n    environment: {A: 1}\n    volumes: [./a:/a]\n  one:\n    extends: base\n  two:\n    extends: base\n  three:\n    extends: base\n    environment: {A: 2}\n",
        )]);
        let sv = |n: &str| p.compose[0].services.iter().find(|s| s.name == n).unwrap();
        let (x, y, z) = (sv("one"), sv("two"), sv("three"));
        let parts = |m: &super::Merged<super::EnvVar>| m.parts().to_vec();
        fn shared<T>(a: &[std::sync::Arc<T>], b: &[std::sync::Arc<T>]) -> bool {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| std::sync::Arc::ptr_eq(a, b))
        }
        assert!(shared(&parts(&x.environment), &parts(&y.environment)));
        // `three` sets an entry of its own: one part of its own after the shared base.
        let (zp, xp) = (parts(&z.environment), parts(&x.environment));
        assert_eq!((xp.len(), zp.len()), (1, 2));
        assert!(std::sync::Arc::ptr_eq(&zp[0], &xp[0]));
        let vol = |m: &super::Merged<super::Mount>| m.parts().to_vec();
        assert!(shared(&vol(&x.volumes), &vol(&y.volumes)));
        assert!(shared(&vol(&x.volumes), &vol(&z.volumes)));
        assert_eq!(x.environment.get("A").unwrap().value.as_deref(), Some("1"));
        assert_eq!(z.environment.get("A").unwrap().value.as_deref(), Some("2"));
    }

    #[test]
    fn depends_on_short_and_long_forms() {
        let (_d, p) = load(&[(
            "compose.yaml",
            "services:\n  init:\n    image: alpine\n  db:\n    image: postgres\n  app:\n    image: nginx\n    depends_on:\n      init:\n        condition: service_completed_successfully\n      db: {condition: service_healthy}\n  web:\n    image: nginx\n    depends_on: [db]\n",
        )]);
        let sv = |n: &str| p.compose[0].services.iter().find(|s| s.name == n).unwrap();
        assert_eq!(
            sv("app").depends_on,
            [
                (
                    "init".to_string(),
                    Some("service_completed_successfully".to_string())
                ),
                ("db".to_string(), Some("service_healthy".to_string()))
            ]
        );
        assert_eq!(sv("web").depends_on, [("db".to_string(), None)]);
    }

    #[test]
    fn kubernetes_and_other_yaml_are_not_compose() {
        let (_d, p) = load(&[
            (
                "deploy.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n",
            ),
            (
                "docker-compose.ci.yml",
                "services:\n  t:\n    image: busybox\n    command: echo hi && false\n",
            ),
        ]);
        assert_eq!(p.compose.len(), 1);
        let t = &p.compose[0].services[0];
        let cmd = t.command.as_ref().unwrap();
        assert_eq!(cmd.texts().unwrap(), ["echo", "hi"]);
        let f = &p.files[p.compose[0].files[0]];
        assert_eq!(f.slice(cmd.dropped.unwrap()), "&& false");
        assert_eq!(f.slice(cmd.words[1].span), "hi");
    }
}
