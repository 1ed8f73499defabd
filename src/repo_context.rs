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

fn file_name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

fn is_kustomization(name: &str) -> bool {
    matches!(
        name,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
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
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    buf.clear();
    if buf.capacity() < 64 * 1024 {
        buf.reserve(64 * 1024);
    }
    f.take(cap).read_to_end(buf).is_ok() && ac.is_match(buf.as_slice())
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
    let matched: std::sync::Mutex<HashSet<PathBuf>> = Default::default();
    let walked: Vec<(Found, PathBuf, bool)> = {
        let scan_one = |path: &Path, kind: Kind, buf: &mut Vec<u8>| {
            let hit =
                kind != Kind::Dockerfile && ac.as_ref().is_some_and(|ac| scan(path, cap, buf, ac));
            if hit {
                if let Ok(mut m) = matched.lock() {
                    m.insert(path.to_path_buf());
                }
            }
            true
        };
        let found = discover::walk_parallel(root, excludes, scan_one);
        let matched = matched.into_inner().unwrap_or_default();
        found
            .into_iter()
            .filter_map(|f| {
                let rel = f.path.strip_prefix(root).ok()?.to_path_buf();
                let abs = root_abs.join(&rel);
                if given_abs.contains(&abs) {
                    return None;
                }
                let hit = matched.contains(&f.path);
                let shown = Found {
                    path: shown_root.join(&rel),
                    kind: f.kind,
                    explicit: false,
                    context: true,
                };
                Some((shown, abs, hit))
            })
            .collect()
    };

    let t_walk = t0.elapsed();
    let mut keep: Vec<bool> = walked.iter().map(|(_, _, hit)| *hit).collect();
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
    for (i, (f, abs, _)) in walked.iter().enumerate() {
        if f.kind != Kind::Dockerfile || keep[i] {
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
            .filter(|(i, (f, _, _))| !keep[*i] && f.kind != Kind::Dockerfile)
            .map_init(Vec::new, |buf, (i, (_, abs, _))| {
                scan(abs, cap, buf, &ac).then_some(i)
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
            "context: walk and scan {t_walk:?}, total {:?}, {} walked, {} kept, patterns {:?}",
            t0.elapsed(),
            walked.len(),
            keep.iter().filter(|k| **k).count(),
            patterns
        );
    }
    walked
        .into_iter()
        .zip(keep)
        .filter_map(|((f, _, _), k)| k.then_some(f))
        .collect()
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
    walked: &[(Found, PathBuf, bool)],
    keep: &mut [bool],
    given_dirs: &HashSet<PathBuf>,
    config: &Config,
) -> Vec<(String, PathBuf)> {
    let cap = config.max_file_size;
    let mut declared: Vec<(String, PathBuf)> = Vec::new();
    for (i, (f, abs, _)) in walked.iter().enumerate() {
        let name = file_name(abs);
        let sibling = abs.parent().is_some_and(|d| given_dirs.contains(d));
        let linker = f.kind != Kind::Dockerfile && (is_skaffold(name) || is_compose(name));
        if sibling || linker || is_kustomization(name) {
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
