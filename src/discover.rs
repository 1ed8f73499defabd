//! File discovery: walk paths with the `ignore` crate (.gitignore, .kexitignore, --exclude),
//! classify manifests and Dockerfiles, sort for deterministic output.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Manifest,
    /// A `.json` file: linted only if it holds a Kubernetes object.
    Json,
    Dockerfile,
}

/// Extensions of template engines: a file named with one of them last (`x.yaml.tmpl`,
/// `Dockerfile.j2`) or as an infix (`x.tmpl.yaml`, `Dockerfile.template.debian`) is a template
/// that something renders first, not a manifest or a Dockerfile.
const TEMPLATE_EXTENSIONS: &[&str] = &[
    "erb", "j2", "jinja", "jinja2", "tpl", "tmpl", "template", "gotmpl", "mustache", "hbs",
];

/// Whether the file name marks a template (see [`TEMPLATE_EXTENSIONS`]).
pub fn is_template_name(name: &str) -> bool {
    name.split('.').skip(1).any(|part| {
        TEMPLATE_EXTENSIONS
            .iter()
            .any(|t| part.eq_ignore_ascii_case(t))
    })
}

/// What a file name says it is.
pub fn classify(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    // Templates, and BuildKit's per-Dockerfile ignore file (`Dockerfile.dockerignore`).
    if is_template_name(name) || lower.ends_with(".dockerignore") {
        return None;
    }
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return Some(Kind::Manifest);
    }
    if lower.ends_with(".json") {
        return Some(Kind::Json);
    }
    if name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
        || lower.ends_with(".dockerfile")
    {
        return Some(Kind::Dockerfile);
    }
    None
}

#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    pub kind: Kind,
    /// Named explicitly on the command line.
    pub explicit: bool,
    /// Read only as repository context (what the linted files reference): never reported.
    pub context: bool,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Found>,
    /// Explicitly named paths that do not exist or cannot be read (exit 2).
    pub missing: Vec<(PathBuf, String)>,
    /// Paths inside a walked directory that could not be walked or named (an unreadable
    /// directory, a path too long for the system, a file name that is not UTF-8): each one a
    /// located KX004 finding, never a silent skip.
    pub errors: Vec<(PathBuf, String)>,
    /// Ignore files that could not be used (a FIFO, a device, too large, a link outside the
    /// tree), or whose patterns ran past the budget: a located warning each.
    pub ignore_problems: Vec<crate::ignore_files::Problem>,
}

pub fn build_excludes(globs: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).map_err(|e| format!("--exclude {g}: {e}"))?);
        // `vendor` should also exclude everything below it.
        if !g.ends_with("/**") {
            if let Ok(sub) = Glob::new(&format!("{}/**", g.trim_end_matches('/'))) {
                b.add(sub);
            }
        }
    }
    b.build().map_err(|e| e.to_string())
}

/// The order of `Path`'s `Ord` (component by component) for the paths a walk or git's index
/// gives (no `.` or empty components), by bytes with `/` taken as the lowest byte: an order of
/// tens of thousands of paths without parsing components.
pub(crate) fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let key = |c: &u8| if *c == b'/' { 0 } else { u16::from(*c) + 1 };
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    a.iter().map(key).cmp(b.iter().map(key))
}

pub(crate) fn excluded(excludes: &GlobSet, path: &Path) -> bool {
    if excludes.is_empty() {
        return false;
    }
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    excludes.is_match(s)
        || path
            .file_name()
            .is_some_and(|n| excludes.is_match(Path::new(n)))
}

/// Walk `paths` (files or directories). Explicit files are always linted, whatever their name,
/// but for templates (a template extension, [`is_template_name`]).
pub fn discover(paths: &[PathBuf], excludes: &GlobSet) -> Discovery {
    let (d, exhausted) = discover_with(paths, excludes, Order::Parallel);
    if !exhausted {
        return d;
    }
    // The ignore patterns ran past the run's budget: which file met it first depended on the
    // walker threads. Walked again in one thread, in name order, the same files fall past it
    // on every run (only on such hostile trees: real ones hold a few KB of patterns).
    discover_with(paths, excludes, Order::Sorted).0
}

/// [`discover`] in one walk order; true when the ignore patterns ran past their budget.
fn discover_with(paths: &[PathBuf], excludes: &GlobSet, order: Order) -> (Discovery, bool) {
    let mut d = Discovery::default();
    // One pattern budget for the run: every walk's ignore files share it.
    let budget = std::sync::Arc::new(crate::ignore_files::Budget::default());
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                d.missing.push((p.clone(), e.to_string()));
                continue;
            }
        };
        if !meta.is_dir() {
            // A template is not linted even when named (pre-commit names every changed
            // `.yaml`): kexit cannot know what it renders to.
            if p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_template_name)
            {
                continue;
            }
            let kind = classify(p).unwrap_or(Kind::Manifest);
            d.files.push(Found {
                path: p.clone(),
                kind,
                explicit: true,
                context: false,
            });
            continue;
        }
        // Parallel walk (same filters); sorted below, so the order does not depend on threads.
        let (files, errors, problems) = walk(p, excludes, &budget, order, |_, _, _| true);
        d.files.extend(files);
        d.ignore_problems.extend(problems);
        for (path, e) in errors {
            // The named directory itself cannot be read: a usage error, like a missing path.
            if path == *p {
                d.missing.push((path, e));
            } else {
                d.errors.push((path, e));
            }
        }
    }
    d.errors.sort();
    d.errors.dedup_by(|a, b| a.0 == b.0);
    d.ignore_problems.sort();
    d.ignore_problems
        .dedup_by(|a, b| a.path == b.path && a.line == b.line);
    d.files.sort_by(|a, b| path_order(&a.path, &b.path));
    d.files.dedup_by(|a, b| a.path == b.path);
    (d, budget.exhausted())
}

/// Walk one directory tree in parallel (the repository context of a pre-commit run): the same
/// filters as [`discover`] (.gitignore, .kexitignore, `--exclude`, no `.git`), classified files
/// only, sorted. `keep` runs on the walker threads (with a reusable per-thread buffer), so work
/// such as a byte scan of the file overlaps the walk; nothing else is read or canonicalised.
pub fn walk_parallel<F>(root: &Path, excludes: &GlobSet, keep: F) -> Vec<Found>
where
    F: Fn(&Path, Kind, &mut Vec<u8>) -> bool + Sync,
{
    let budget = std::sync::Arc::new(crate::ignore_files::Budget::default());
    let walked = walk(root, excludes, &budget, Order::Parallel, &keep).0;
    if !budget.exhausted() {
        return walked;
    }
    // As in `discover`: past the pattern budget, one deterministic walk decides.
    let budget = std::sync::Arc::new(crate::ignore_files::Budget::default());
    walk(root, excludes, &budget, Order::Sorted, &keep).0
}

/// How a tree is walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// By the walker's threads, in no set order (the result is sorted afterwards).
    Parallel,
    /// In one thread, each directory's entries by name: ignore files are read (and spend the
    /// pattern budget) in the same order on every run.
    Sorted,
}

/// The path a walk error is about (the directory that could not be read, …), else `root`.
fn error_path(e: &ignore::Error, root: &Path) -> PathBuf {
    match e {
        ignore::Error::WithPath { path, .. } => path.clone(),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err, root)
        }
        ignore::Error::Loop { child, .. } => child.clone(),
        ignore::Error::Partial(errs) => errs
            .first()
            .map_or_else(|| root.to_path_buf(), |e| error_path(e, root)),
        _ => root.to_path_buf(),
    }
}

/// What [`walk`] returns: the files, the walk errors ((path, message), sorted) and the ignore
/// files that could not be used.
type Walked = (
    Vec<Found>,
    Vec<(PathBuf, String)>,
    Vec<crate::ignore_files::Problem>,
);

/// [`walk_parallel`], with the walk errors and the ignore files' problems.
///
/// The walker's own ignore-file handling is off: it opens them with no size cap and no file-type
/// check (a `.gitignore` FIFO hung the walk, a link to `/dev/zero` exhausted memory).
/// [`crate::ignore_files::Tree`] reads them, bounded, with the same semantics.
fn walk<F>(
    root: &Path,
    excludes: &GlobSet,
    budget: &std::sync::Arc<crate::ignore_files::Budget>,
    order: Order,
    keep: F,
) -> Walked
where
    F: Fn(&Path, Kind, &mut Vec<u8>) -> bool + Sync,
{
    let out = std::sync::Mutex::new(Vec::new());
    let errors = std::sync::Mutex::new(Vec::new());
    let tree: Vec<PathBuf> = std::fs::canonicalize(root).ok().into_iter().collect();
    let ignores = std::sync::Arc::new(crate::ignore_files::Tree::new(root, budget.clone()));
    let filter = ignores.clone();
    let mut builder = ignore::WalkBuilder::new(root);
    builder.standard_filters(false).filter_entry(move |e| {
        e.file_name() != ".git"
            && !filter.ignored(e.path(), e.file_type().is_some_and(|t| t.is_dir()))
    });
    let visit = Visit {
        root,
        excludes,
        tree: &tree,
        keep: &keep,
        out: &out,
        errors: &errors,
    };
    match order {
        Order::Parallel => builder
            .threads(std::thread::available_parallelism().map_or(2, |n| n.get().min(8)))
            .build_parallel()
            .run(|| {
                let visit = &visit;
                let mut buf = Vec::new();
                Box::new(move |entry| {
                    visit.entry(entry, &mut buf);
                    ignore::WalkState::Continue
                })
            }),
        Order::Sorted => {
            let mut buf = Vec::new();
            for entry in builder.sort_by_file_name(|a, b| a.cmp(b)).build() {
                visit.entry(entry, &mut buf);
            }
        }
    }
    let mut files = out.into_inner().unwrap_or_default();
    files.sort_by(|a, b| path_order(&a.path, &b.path));
    files.dedup_by(|a, b| a.path == b.path);
    let mut errors = errors.into_inner().unwrap_or_default();
    errors.sort();
    (files, errors, ignores.problems())
}

/// What [`walk`] does with each entry the walker yields (on any thread).
struct Visit<'a, F> {
    root: &'a Path,
    excludes: &'a GlobSet,
    /// The walked tree, canonical (where a symbolic link may lead).
    tree: &'a [PathBuf],
    keep: &'a F,
    out: &'a std::sync::Mutex<Vec<Found>>,
    errors: &'a std::sync::Mutex<Vec<(PathBuf, String)>>,
}

impl<F> Visit<'_, F>
where
    F: Fn(&Path, Kind, &mut Vec<u8>) -> bool + Sync,
{
    fn entry(&self, entry: Result<ignore::DirEntry, ignore::Error>, buf: &mut Vec<u8>) {
        let (root, excludes, tree, out, errors) =
            (self.root, self.excludes, self.tree, self.out, self.errors);
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                // Only what cannot be walked: an ignore file kexit cannot parse is the
                // walker's business, not a file of the tree left unlinted.
                let path = error_path(&e, root);
                let io = e.io_error().map(std::string::ToString::to_string);
                if let (Some(msg), Ok(mut v)) = (io, errors.lock()) {
                    v.push((path, format!("could not be walked: {msg}")));
                }
                return;
            }
        };
        let path = entry.path();
        // A file name that is not UTF-8 but would be linted by its name: reported,
        // not silently skipped.
        if let Some(name) = path.file_name().filter(|n| n.to_str().is_none()) {
            let lossy = name.to_string_lossy();
            if classify(Path::new(lossy.as_ref())).is_some() && !excluded(excludes, path) {
                if let Ok(mut v) = errors.lock() {
                    v.push((
                        path.to_path_buf(),
                        "its name is not valid UTF-8 (not read)".to_string(),
                    ));
                }
            }
            return;
        }
        // Regular files, and symlinks to regular files (a link to a directory is not
        // followed, so link loops cannot trap the walk; a link to a FIFO or device, or a
        // dangling or looping link, is skipped).
        let regular = match entry.file_type() {
            Some(t) if t.is_file() => true,
            Some(t) if t.is_symlink() => {
                classify(path).is_some() && std::fs::metadata(path).is_ok_and(|m| m.is_file())
            }
            _ => false,
        };
        if !regular {
            return;
        }
        if excluded(excludes, path) {
            return;
        }
        if let Some(kind) = classify(path) {
            // A link leading outside the walked tree is never opened here; loading
            // refuses it with a finding unless it stays inside the linted tree.
            let outside = entry.path_is_symlink() && !crate::source::resolves_within(path, tree);
            if !outside && !(self.keep)(path, kind, buf) {
                return;
            }
            let found = Found {
                path: entry.into_path(),
                kind,
                explicit: false,
                context: false,
            };
            if let Ok(mut v) = out.lock() {
                v.push(found);
            }
        }
    }
}

/// Dockerfile instructions (BuildKit's keywords, matched case-insensitively).
const INSTRUCTIONS: &[&str] = &[
    "FROM",
    "ARG",
    "RUN",
    "CMD",
    "ENTRYPOINT",
    "COPY",
    "ADD",
    "ENV",
    "EXPOSE",
    "LABEL",
    "USER",
    "WORKDIR",
    "VOLUME",
    "SHELL",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "ONBUILD",
    "MAINTAINER",
];

/// Whether `text` starts (after blank and comment lines) with a Dockerfile instruction. A file
/// named `Dockerfile.<suffix>` that does not (`Dockerfile.md`, a jq or shell generator) is
/// something else named after the Dockerfile it goes with; BuildKit never reads it.
pub fn starts_like_dockerfile(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .map(str::trim)
        .find(|t| !t.is_empty() && !t.starts_with('#'))
        .is_some_and(|t| {
            let word = t.split(|c: char| c.is_whitespace()).next().unwrap_or("");
            INSTRUCTIONS.iter().any(|k| word.eq_ignore_ascii_case(k))
        })
}

/// Whether a Dockerfile's name is a bare `Dockerfile` or `Containerfile` (no suffix).
pub fn is_plain_dockerfile_name(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n == "Dockerfile" || n == "Containerfile")
}

/// What unnamed text (stdin without `--stdin-filename`) is, from its content: a Dockerfile when
/// its first instruction (after parser directives, comments and blank lines) is `FROM` or `ARG`,
/// as BuildKit requires; YAML otherwise (a Compose file is recognised later by its top-level
/// `services:` mapping).
pub fn sniff(text: &str) -> Kind {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let word = t
            .split(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        // `FROM image` / `ARG NAME`: a YAML line cannot start this way unless it is a plain
        // scalar document, which no manifest or Compose file is.
        let has_arg = t.len() > word.len();
        if (word == "FROM" || word == "ARG") && has_arg {
            return Kind::Dockerfile;
        }
        return Kind::Manifest;
    }
    Kind::Manifest
}

#[cfg(test)]
mod sniff_tests {
    use super::*;

    #[test]
    fn templates_are_not_linted_by_name() {
        for n in [
            "a.tmpl.yaml",
            "a.tpl.yml",
            "a.yaml.tmpl",
            "Dockerfile.template",
            "Dockerfile.j2",
            "Dockerfile.erb",
            "deployment.template.yaml",
            "values.yaml.gotmpl",
            "Dockerfile.dockerignore",
        ] {
            assert_eq!(classify(Path::new(n)), None, "{n}");
        }
        assert_eq!(classify(Path::new("templates.yaml")), Some(Kind::Manifest));
        assert_eq!(
            classify(Path::new("Dockerfile.dev")),
            Some(Kind::Dockerfile)
        );
        assert_eq!(classify(Path::new("app.tmplx.yaml")), Some(Kind::Manifest));
    }

    #[test]
    fn dockerfile_by_first_instruction() {
        assert_eq!(sniff("FROM alpine\nCMD [\"sh\"]\n"), Kind::Dockerfile);
        assert_eq!(
            sniff("# syntax=docker/dockerfile:1\n# escape=`\n\narg V=1\nFROM x:$V\n"),
            Kind::Dockerfile
        );
        assert_eq!(sniff("\u{feff}FROM\tscratch\n"), Kind::Dockerfile);
        assert_eq!(sniff("apiVersion: v1\nkind: Pod\n"), Kind::Manifest);
        assert_eq!(sniff("services:\n  web:\n    image: x\n"), Kind::Manifest);
        assert_eq!(sniff("FROM: x\n"), Kind::Manifest);
        assert!(starts_like_dockerfile("# c\n\nrun x\n"));
        assert!(!starts_like_dockerfile("{{ def x }}\nFROM a\n"));
        assert!(!starts_like_dockerfile("# only a comment\n"));
        assert_eq!(sniff(""), Kind::Manifest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_order_is_paths_order() {
        let names = [
            "a", "a/b", "a-c", "a.d", "a/b/c", "ab", "a/b-c", "a/b/c-d", "./x/y", "./x-y",
            "./x.z/y", "/r/a", "/r/a b", "/r/a/0", "Z", "_", "é/a", "é-a",
        ];
        for x in names {
            for y in names {
                assert_eq!(
                    path_order(Path::new(x), Path::new(y)),
                    Path::new(x).cmp(Path::new(y)),
                    "{x} {y}"
                );
            }
        }
    }
}
