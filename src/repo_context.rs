//! Lazy repository context for runs on a few files (pre-commit): walk the repository, but read
//! and parse only the context files that can change a finding on the given files.
//!
//! What a finding on a given file can depend on, and how it is found without parsing the tree:
//! - files in the same directory as a given file (keys of ConfigMaps/Secrets are trusted only
//!   there, KX305 looks for sibling definitions, kustomizations apply per directory): always read;
//! - `skaffold.yaml`, compose files and kustomizations (by file name): always read;
//! - an object named by a given workload (ConfigMap/Secret/ServiceAccount anywhere, or anything
//!   producing that name), a workload referring to an object of a given file, or running a given
//!   Dockerfile's image (its directory name, or the image a skaffold/compose/config link gives
//!   it): the file mentions one of the names, found with one byte scan ([`aho_corasick`]) of
//!   each context manifest;
//! - LimitRanges (apply to a whole namespace) and Kustomizations: the byte scan for the kind;
//! - Dockerfiles: only those linkable to an image of a given file (directory name = last image
//!   path component, skaffold/compose/config links).
//!
//! The scan runs on the walker threads as files are found. A manifest it keeps is read and parsed
//! by `Project::load` as before; the others are opened once for the scan and never parsed; other
//! Dockerfiles are never opened.
//! `KEXIT_DEBUG_CONTEXT=1` prints the walk and scan time, the counts and the byte-scan patterns to stderr.

use crate::build_context::{declared_builds, is_compose, is_skaffold};
use crate::config::Config;
use crate::discover::{self, Found, Kind};
use crate::k8s::{Object, Workload};
use crate::model::env;
use crate::source::norm_path;
use crate::yaml::{self, Node};
use globset::GlobSet;
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Kinds whose objects apply without a by-name reference: always kept when mentioned.
const KIND_NEEDLES: [&str; 2] = ["LimitRange", "Kustomization"];

/// A given input that is not a file on disk (stdin), for its references.
pub struct GivenText<'a> {
    /// The name it is shown under (`--stdin-filename`).
    pub name: &'a str,
    pub kind: Kind,
    pub text: &'a str,
}

/// Where the context files come from.
#[derive(Clone, Copy, Debug, Default)]
pub struct Source {
    /// `--staged-context`: git's index (the files as the next commit holds them) instead of a
    /// walk of the working tree, where the root is a git work tree.
    pub staged: bool,
    /// The context cache ([`crate::context_cache`]) of staged runs (off with `--no-cache`).
    pub cache: bool,
}

/// The ignore files of a work tree (as the walk honours them: `.kexitignore`, `.ignore`,
/// `.gitignore` in each directory, deepest first, and `.git/info/exclude`), for the paths git's
/// index lists.
struct Ignores {
    by_dir: std::collections::HashMap<String, Vec<ignore::gitignore::Gitignore>>,
}

impl Ignores {
    fn new(root_abs: &Path, index: &crate::git_index::Index) -> Ignores {
        let mut files: Vec<(&str, u8, PathBuf)> = Vec::new();
        for e in &index.entries {
            let (dir, name) = e.path.rsplit_once('/').unwrap_or(("", e.path.as_str()));
            let rank = match name {
                ".kexitignore" => 0,
                ".ignore" => 1,
                ".gitignore" => 2,
                _ => continue,
            };
            files.push((dir, rank, root_abs.join(&e.path)));
        }
        files.sort_by_key(|(d, r, _)| (*d, *r));
        let mut by_dir: std::collections::HashMap<String, Vec<_>> = Default::default();
        // Read bounded, regular files only, within the pattern budget (src/ignore_files.rs).
        let roots = [root_abs.to_path_buf()];
        let budget = crate::ignore_files::Budget::default();
        for (dir, _, file) in files {
            if let Some(gi) =
                crate::ignore_files::read_one(&root_abs.join(dir), &file, &roots, &budget)
            {
                by_dir.entry(dir.to_string()).or_default().push(gi);
            }
        }
        if let Some(gd) = crate::git_index::git_dir(root_abs) {
            let exclude = gd.join("info").join("exclude");
            let mut roots = roots.to_vec();
            roots.extend(std::fs::canonicalize(&gd).ok());
            if let Some(gi) = crate::ignore_files::read_one(root_abs, &exclude, &roots, &budget) {
                by_dir.entry(String::new()).or_default().push(gi);
            }
        }
        Ignores { by_dir }
    }

    fn ignored(&self, root_abs: &Path, rel: &str) -> bool {
        if self.by_dir.is_empty() {
            return false;
        }
        let abs = root_abs.join(rel);
        let mut dir = rel;
        loop {
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
            for gi in self.by_dir.get(dir).into_iter().flatten() {
                match gi.matched_path_or_any_parents(&abs, false) {
                    ignore::Match::Ignore(_) => return true,
                    ignore::Match::Whitelist(_) => return false,
                    ignore::Match::None => {}
                }
            }
            if dir.is_empty() {
                return false;
            }
        }
    }
}

/// The context files git's index lists under `root` (a work tree root), with the manifests
/// holding one of `patterns`; `None` where the index cannot be read exactly (the caller walks).
/// With `use_cache`, a manifest whose staged blob the cache knows is read only if its filter
/// ([`crate::context_cache::Grams`]) may hold a pattern; the others are read, scanned, and their
/// filters cached when the file is the staged blob (its size and mtime are git's, and not
/// racily so).
fn from_index(
    root: &Path,
    root_abs: &Path,
    excludes: &GlobSet,
    ac: Option<&aho_corasick::AhoCorasick>,
    patterns: &[String],
    cap: u64,
    use_cache: bool,
) -> Option<Vec<Ctx>> {
    use crate::context_cache::{Cache, Grams, Needle};
    use std::os::unix::fs::MetadataExt;
    let index = crate::git_index::read(root_abs)?;
    let ignores = Ignores::new(root_abs, &index);
    let cache = if use_cache {
        Cache::load(root_abs)
    } else {
        Cache::default()
    };
    let needles: Vec<Needle> = patterns.iter().map(|p| Needle::new(p.as_bytes())).collect();
    struct One<'e> {
        kind: Kind,
        entry: &'e crate::git_index::Entry,
        /// To read and scan: not cached, or its filter may hold a name.
        read: bool,
        /// May be cached (a regular file with content staged).
        cacheable: bool,
        hit: bool,
        /// A blob whose filter is known (cached, or `fresh`).
        oid: Option<crate::git_index::Oid>,
        /// Read now, and the staged blob: its filter, for the cache.
        fresh: Option<Grams>,
    }
    // First, without reading anything (serially: per entry this is too little work to share
    // between threads), which files are context and which of them must be read.
    let mut files: Vec<One> = index
        .entries
        .iter()
        .filter_map(|e| {
            if e.skip_worktree {
                return None;
            }
            let rel = Path::new(&e.path);
            let kind = discover::classify(rel)?;
            if (!excludes.is_empty() && discover::excluded(excludes, &root.join(rel)))
                || ignores.ignored(root_abs, &e.path)
            {
                return None;
            }
            let mut one = One {
                kind,
                entry: e,
                read: false,
                cacheable: false,
                hit: false,
                oid: None,
                fresh: None,
            };
            if !e.is_file() {
                // As the walk: links to regular files, never opened when they lead outside
                // the tree.
                let abs = root_abs.join(rel);
                if !std::fs::metadata(&abs).is_ok_and(|m| m.is_file()) {
                    return None;
                }
                let outside = !crate::source::resolves_within(&abs, &[root_abs.to_path_buf()]);
                one.read = ac.is_some() && kind != Kind::Dockerfile && !outside;
                return Some(one);
            }
            if ac.is_none() || kind == Kind::Dockerfile {
                return Some(one);
            }
            one.cacheable = use_cache && !e.intent_to_add;
            match one.cacheable.then(|| cache.get(&e.oid)).flatten() {
                Some(g) => {
                    one.oid = Some(e.oid);
                    one.read = needles.iter().any(|n| n.may_be_in(g));
                }
                None => one.read = true,
            }
            Some(one)
        })
        .collect();
    // Then the reads, in parallel: a cached file is scanned (as the walk does); another is read,
    // scanned, and its filter computed when the file is the staged blob (git's size and mtime,
    // and not racily so).
    let index_mtime = index.mtime;
    if let Some(ac) = ac {
        files
            .par_iter_mut()
            .filter(|o| o.read)
            .for_each_init(Vec::new, |buf, o| {
                let abs = root_abs.join(&o.entry.path);
                if o.oid.is_some() || !o.cacheable {
                    o.hit = scan(&abs, cap, buf, ac);
                    return;
                }
                let Some(f) = read_into(&abs, cap, buf) else {
                    return;
                };
                o.hit = ac.is_match(buf.as_slice());
                let e = o.entry;
                let staged = f.metadata().is_ok_and(|m| {
                    m.len() == u64::from(e.size)
                        && m.len() == buf.len() as u64
                        && m.mtime() == i64::from(e.mtime.0)
                        && m.mtime_nsec() == i64::from(e.mtime.1)
                        && m.modified().is_ok_and(|t| t < index_mtime)
                });
                if staged {
                    o.oid = Some(e.oid);
                    o.fresh = Some(Grams::of(buf));
                }
            });
    }
    if use_cache {
        // Rewritten when a filter was computed, or when blobs the index no longer lists are
        // in it (every other blob listed was found in it).
        let mut live: Vec<_> = files.iter().filter_map(|o| o.oid).collect();
        live.sort_unstable();
        live.dedup();
        if live.len() != cache.len() || files.iter().any(|o| o.fresh.is_some()) {
            let entries = files
                .iter()
                .filter_map(|o| match &o.fresh {
                    Some(g) => Some((o.oid?, g.0.as_slice())),
                    None => Some((o.oid?, cache.get(&o.oid?)?)),
                })
                .collect();
            crate::context_cache::save(root_abs, entries);
        }
    }
    let mut found: Vec<Ctx> = files
        .into_iter()
        .map(|o| Ctx {
            kind: o.kind,
            abs: root_abs.join(&o.entry.path),
            hit: o.hit,
        })
        .collect();
    found.sort_by(|a, b| discover::path_order(&a.abs, &b.abs));
    Some(found)
}

fn file_name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// The last path component of an image's repository (`registry/x/api:1.2` → `api`).
fn image_last(image: &str) -> &str {
    let r = crate::image::repository(image);
    r.rsplit('/').next().unwrap_or(r)
}

#[derive(Default)]
struct Needles {
    /// Strings whose presence makes a context manifest relevant.
    strings: HashSet<String>,
    /// Last components of the images used by the given files (Dockerfile directory names).
    images: HashSet<String>,
}

impl Needles {
    fn add(&mut self, s: &str) {
        let s = s.trim();
        if !s.is_empty() {
            self.strings.insert(s.to_string());
        }
    }

    /// An image of a given file: its Dockerfile directory name (no byte needle: other workloads
    /// running the same image do not change this file's findings).
    fn add_image(&mut self, image: &str) {
        let last = image_last(image);
        if !last.is_empty() {
            self.images.insert(last.to_string());
        }
    }

    /// Names a manifest defines or refers to, and the images it runs. True when it holds a
    /// workload.
    fn add_manifest(&mut self, text: &str) -> bool {
        let mut workloads = false;
        let y = yaml::parse(text);
        for d in &y.docs {
            let mut objects = Vec::new();
            Object::collect(0, &d.root, "default", &mut objects);
            for o in &objects {
                self.add(o.name);
                let Some(w) = Workload::from_object(o) else {
                    continue;
                };
                workloads = true;
                for c in &w.containers {
                    if let Some(i) = c.image() {
                        self.add_image(i);
                    }
                }
                for u in env::object_uses(&w) {
                    self.add(u.name);
                }
                for key in ["serviceAccountName", "serviceAccount"] {
                    if let Some(sa) = w.pod_spec.get(key).and_then(Node::as_str) {
                        self.add(sa);
                    }
                }
                for s in w
                    .pod_spec
                    .get("imagePullSecrets")
                    .map(Node::items)
                    .unwrap_or(&[])
                {
                    if let Some(n) = s.get("name").and_then(Node::as_str) {
                        self.add(n);
                    }
                }
            }
        }
        workloads
    }

    /// True when the input holds a workload.
    fn add_input(&mut self, kind: Kind, text: &str, abs: Option<&Path>) -> bool {
        match kind {
            Kind::Manifest | Kind::Json => self.add_manifest(text),
            Kind::Dockerfile => {
                // Workloads running this Dockerfile's image name its directory (convention).
                if let Some(dir) = abs.and_then(Path::parent) {
                    self.add(file_name(dir));
                }
                false
            }
        }
    }
}

/// `(image, Dockerfile path)` declared by a skaffold.yaml or compose file (`abs`: its path).
fn declared_links(abs: &Path, text: &str) -> Vec<(String, PathBuf)> {
    let name = file_name(abs);
    if !is_skaffold(name) && !is_compose(name) {
        return Vec::new();
    }
    let base = abs.parent().unwrap_or(Path::new(""));
    let path = abs.to_string_lossy();
    let mut out = Vec::new();
    for d in &yaml::parse(text).docs {
        for b in declared_builds(&path, base, &d.root) {
            out.push((
                b.image.to_string(),
                norm_path(&b.context.join(b.dockerfile)),
            ));
        }
    }
    out
}

/// Whether the file (at most `cap` bytes of it) contains a pattern; `buf` is reused.
fn scan(path: &Path, cap: u64, buf: &mut Vec<u8>, ac: &aho_corasick::AhoCorasick) -> bool {
    read_into(path, cap, buf).is_some() && ac.is_match(buf.as_slice())
}

/// Read at most `cap` bytes of `path` into `buf` (cleared first); the file, still open, when the
/// read succeeded (its metadata costs a call only to callers that ask for it).
fn read_into(path: &Path, cap: u64, buf: &mut Vec<u8>) -> Option<std::fs::File> {
    let f = std::fs::File::open(path).ok()?;
    buf.clear();
    if buf.capacity() < 64 * 1024 {
        buf.reserve(64 * 1024);
    }
    (&f).take(cap).read_to_end(buf).ok()?;
    Some(f)
}

fn read_capped(path: &Path, cap: u64) -> Option<Vec<u8>> {
    // Never a FIFO, device or procfs file; a file over the cap is not read at all.
    crate::source::read_bounded(path, cap).ok()
}

/// The context files of a run on `given` (and `texts` from stdin) under `root`: paths as shown
/// to the user (relative to `cwd` when below it), never one of the given files.
pub fn select(
    root: &Path,
    given: &[Found],
    texts: &[GivenText<'_>],
    excludes: &GlobSet,
    config: &Config,
    cwd: Option<&Path>,
    source: Source,
) -> Vec<Found> {
    let Ok(root_abs) = std::fs::canonicalize(root) else {
        return Vec::new();
    };
    let shown_root = cwd
        .and_then(|c| root_abs.strip_prefix(c).ok())
        .map_or_else(|| root_abs.clone(), Path::to_path_buf);
    let cap = config.max_file_size;

    // The given files: their absolute paths, directories and references.
    let (mut needles, given_abs, given_dirs) = read_given(given, texts, cap);

    let t0 = std::time::Instant::now();
    // Walk; the walker threads byte-scan every manifest for the names of the given files as
    // they find it (nothing is parsed yet).
    let patterns = |strings: &HashSet<String>| {
        let mut p: Vec<String> = strings.iter().cloned().collect();
        p.extend(KIND_NEEDLES.iter().map(|s| s.to_string()));
        p.sort();
        p
    };
    let first_patterns = patterns(&needles.strings);
    let ac = aho_corasick::AhoCorasick::new(&first_patterns).ok();
    let (found, how) = match source
        .staged
        .then(|| {
            from_index(
                root,
                &root_abs,
                excludes,
                ac.as_ref(),
                &first_patterns,
                cap,
                source.cache,
            )
        })
        .flatten()
    {
        Some(found) => (found, "git index"),
        None => {
            let matched: std::sync::Mutex<HashSet<PathBuf>> = Default::default();
            let scan_one = |path: &Path, kind: Kind, buf: &mut Vec<u8>| {
                let hit = kind != Kind::Dockerfile
                    && ac.as_ref().is_some_and(|ac| scan(path, cap, buf, ac));
                if hit {
                    if let Ok(mut m) = matched.lock() {
                        m.insert(path.to_path_buf());
                    }
                }
                true
            };
            let found = discover::walk_parallel(root, excludes, scan_one);
            let matched = matched.into_inner().unwrap_or_default();
            let found = found
                .into_iter()
                .filter_map(|f| {
                    Some(Ctx {
                        kind: f.kind,
                        abs: root_abs.join(f.path.strip_prefix(root).ok()?),
                        hit: matched.contains(&f.path),
                    })
                })
                .collect();
            (found, "walk")
        }
    };
    // The given files are not their own context.
    let given_bytes: HashSet<&[u8]> = given_abs.iter().map(|p| bytes_of(p)).collect();
    let walked: Vec<Ctx> = found
        .into_iter()
        .filter(|c| !given_bytes.contains(bytes_of(&c.abs)))
        .collect();

    let t_walk = t0.elapsed();
    let mut keep: Vec<bool> = walked.iter().map(|c| c.hit).collect();
    // Always: siblings of the given workloads, skaffold/compose files, kustomizations.
    let declared = always_kept(&walked, &mut keep, &given_dirs, config);
    // Declared links to a given Dockerfile: workloads name that image.
    let mut later: HashSet<String> = HashSet::new();
    let mut declared_dfs: HashSet<PathBuf> = HashSet::new();
    for (image, df) in &declared {
        if given_abs.contains(df) {
            needles.add_image(image);
            let last = image_last(image);
            if !last.is_empty() && !needles.strings.contains(last) {
                later.insert(last.to_string());
            }
        }
    }
    for (image, df) in &declared {
        if needles.images.contains(image_last(image)) {
            declared_dfs.insert(df.clone());
        }
    }
    // Dockerfiles linkable to an image of the given files.
    for (i, Ctx { kind, abs, .. }) in walked.iter().enumerate() {
        if *kind != Kind::Dockerfile || keep[i] {
            continue;
        }
        let name = file_name(abs);
        let by_convention = (name == "Dockerfile" || name == "Containerfile")
            && abs
                .parent()
                .is_some_and(|d| needles.images.contains(file_name(d)));
        keep[i] = by_convention || declared_dfs.contains(abs);
    }
    // Names learnt from the links (rare): a second scan of the manifests not kept yet.
    let later: Vec<String> = later.into_iter().collect();
    if let (false, Ok(ac)) = (later.is_empty(), aho_corasick::AhoCorasick::new(&later)) {
        let hits: Vec<usize> = walked
            .par_iter()
            .enumerate()
            .filter(|(i, c)| !keep[*i] && c.kind != Kind::Dockerfile)
            .map_init(Vec::new, |buf, (i, c)| {
                scan(&c.abs, cap, buf, &ac).then_some(i)
            })
            .flatten()
            .collect();
        for i in hits {
            keep[i] = true;
        }
    }
    let patterns = [first_patterns, later].concat();
    if std::env::var_os("KEXIT_DEBUG_CONTEXT").is_some() {
        eprintln!(
            "context: {how} and scan {t_walk:?}, total {:?}, {} walked, {} kept, patterns {:?}",
            t0.elapsed(),
            walked.len(),
            keep.iter().filter(|k| **k).count(),
            patterns
        );
    }
    walked
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .filter_map(|(c, _)| {
            Some(Found {
                path: shown_root.join(c.abs.strip_prefix(&root_abs).ok()?),
                kind: c.kind,
                explicit: false,
                context: true,
            })
        })
        .collect()
}

/// A context candidate: a file of the tree (absolute, under the canonical root) and whether it
/// holds one of the names looked for.
struct Ctx {
    kind: Kind,
    abs: PathBuf,
    hit: bool,
}

fn bytes_of(p: &Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

/// The given files (on disk and on stdin): their references (what to look for in the
/// repository), their absolute paths, and the directories of the given workloads.
fn read_given(
    given: &[Found],
    texts: &[GivenText<'_>],
    cap: u64,
) -> (Needles, HashSet<PathBuf>, HashSet<PathBuf>) {
    let mut needles = Needles::default();
    let mut given_abs: HashSet<PathBuf> = HashSet::new();
    let mut given_dirs: HashSet<PathBuf> = HashSet::new();
    for g in given {
        let abs = std::fs::canonicalize(&g.path).ok();
        if let Some(a) = &abs {
            given_abs.insert(a.clone());
        }
        let text = read_capped(&g.path, cap).and_then(|b| String::from_utf8(b).ok());
        let workloads = text
            .as_deref()
            .is_some_and(|t| needles.add_input(g.kind, t, abs.as_deref()));
        // KX305 looks for ConfigMaps/Secrets next to a workload.
        if let Some(d) = abs.as_deref().and_then(Path::parent).filter(|_| workloads) {
            given_dirs.insert(d.to_path_buf());
        }
    }
    for t in texts {
        let dir = Path::new(t.name).parent().and_then(|d| {
            std::fs::canonicalize(if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            })
            .ok()
        });
        if needles.add_input(t.kind, t.text, None) {
            given_dirs.extend(dir);
        }
    }
    (needles, given_abs, given_dirs)
}

/// Marks what is always kept (siblings of the given workloads, skaffold/compose files,
/// kustomizations) and returns the image links declared by skaffold/compose files and the
/// config: (image, Dockerfile).
fn always_kept(
    walked: &[Ctx],
    keep: &mut [bool],
    given_dirs: &HashSet<PathBuf>,
    config: &Config,
) -> Vec<(String, PathBuf)> {
    let cap = config.max_file_size;
    let mut declared: Vec<(String, PathBuf)> = Vec::new();
    let dirs: HashSet<&[u8]> = given_dirs.iter().map(|d| bytes_of(d)).collect();
    for (i, Ctx { kind, abs, .. }) in walked.iter().enumerate() {
        let name = file_name(abs);
        // The parent directory, as bytes (the paths are joined from a canonical root).
        let b = bytes_of(abs);
        let sibling = b
            .iter()
            .rposition(|c| *c == b'/')
            .is_some_and(|at| dirs.contains(&b[..at.max(1)]));
        let linker = *kind != Kind::Dockerfile && (is_skaffold(name) || is_compose(name));
        if sibling || linker || crate::k8s::is_kustomization_file(name) {
            keep[i] = true;
        }
        if linker {
            if let Some(text) = read_capped(abs, cap).and_then(|b| String::from_utf8(b).ok()) {
                declared.extend(declared_links(abs, &text));
            }
        }
    }
    for l in &config.image_links {
        if let Ok(df) = std::fs::canonicalize(&l.dockerfile) {
            declared.push((l.image.clone(), df));
        }
    }
    declared
}
