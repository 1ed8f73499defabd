//! Build information read at project load: which Dockerfile builds which image (config
//! `image_links`, skaffold.yaml artifacts, compose `build:`, the directory-name convention) and
//! the build contexts, the files a Dockerfile's COPY/ADD can read (listed, small scripts read).
//! Below the model: it knows image references and workloads, not images.

use crate::source::norm_path;
use crate::source::FileId;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

mod index;

/// One file or directory of a build context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtxEntry {
    pub is_dir: bool,
    /// Unix mode bits (`0o755`), when known.
    pub mode: Option<u32>,
    /// The file's text in `Project::files` (scripts and small text files only).
    pub file: Option<FileId>,
}

/// A build context directory.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The directory, as a path reachable from the working directory.
    pub dir: String,
    /// Relative path (no leading `./`, `/`-separated) → entry.
    pub entries: BTreeMap<String, CtxEntry>,
    /// Whether the listing is complete (not cut by the entry cap).
    pub complete: bool,
}

/// Why an image repository was linked to a Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkReason {
    /// `image_links` in the config.
    Config,
    /// `skaffold.yaml` `build.artifacts[]` (file path).
    Skaffold(String),
    /// `docker-compose.yml` / `compose.yaml` `services.<name>` (file path, service).
    Compose(String, String),
    /// Last repository path component equals the Dockerfile's directory name.
    Convention,
}

/// An image repository linked to a Dockerfile in the linted tree.
#[derive(Debug, Clone)]
pub struct Link {
    /// Image repository (no tag, no digest).
    pub repository: String,
    /// Index into `Project::dockerfiles`.
    pub dockerfile: usize,
    /// Build context directory (file-system path as reached from the arguments).
    pub context: Option<String>,
    /// Target stage (None: the last stage).
    pub target: Option<String>,
    pub reason: LinkReason,
}

/// Build information computed at project load: links, and the build-context files read.
#[derive(Debug, Clone, Default)]
pub struct BuildInfo {
    pub links: Vec<Link>,
    /// Repositories that matched more than one Dockerfile by convention (not linked).
    pub ambiguous: Vec<(String, Vec<usize>)>,
    /// Per Dockerfile index: its build context listing (absent when it could not be read),
    /// shared by every Dockerfile with the same canonical context root.
    pub contexts: HashMap<usize, Arc<Context>>,
    /// Dockerfiles whose image other builds of the tree start from (a skaffold artifact's
    /// `requires`, or a FROM naming the image): base images, not run by themselves.
    pub bases: HashSet<usize>,
}

/// Normalise an image reference to its repository (no tag, no digest, no `docker.io/library/`).
pub fn repository(reference: &str) -> &str {
    let r = reference.split('@').next().unwrap_or(reference);
    // A tag is after the last ':' that follows the last '/'.
    let slash = r.rfind('/').map_or(0, |i| i + 1);
    let r = match r[slash..].find(':') {
        Some(i) => &r[..slash + i],
        None => r,
    };
    // Docker Hub's names for the same repository: `docker.io/`, `index.docker.io/`,
    // `registry-1.docker.io/` hosts, and the `library/` namespace of official images
    // (`library/postgres` is `postgres`).
    let r = ["docker.io/", "index.docker.io/", "registry-1.docker.io/"]
        .iter()
        .find_map(|h| r.strip_prefix(h))
        .unwrap_or(r);
    r.strip_prefix("library/").unwrap_or(r)
}

use crate::config::Config;
use crate::docker::Dockerfile;
use crate::k8s::{Object, Workload};
use crate::source::SourceFile;
use crate::yaml::Node;
use crate::yaml::YamlFile;
use std::path::{Path, PathBuf};

/// Most entries listed per build context.
const MAX_ENTRIES: usize = 5000;
/// Most files read per build context, and the size cap of each.
const MAX_READS: usize = 400;
const MAX_READ_SIZE: u64 = 256 * 1024;
const MAX_DEPTH: usize = 12;

/// Dockerfiles by path: the normalised path as written, else the canonical path (computed
/// once for all Dockerfiles, on the first lookup that needs it). Was a scan of all Dockerfiles,
/// canonicalising both sides, per lookup: O(links × Dockerfiles) system calls.
struct DockerfileIndex {
    by_norm: HashMap<PathBuf, usize>,
    paths: Vec<PathBuf>,
    by_canon: Option<HashMap<PathBuf, usize>>,
    /// Paths not found by their normalised form, with what their canonical form found: one
    /// system call per distinct path (4,000 builds naming one missing Dockerfile made 4,000).
    by_miss: HashMap<PathBuf, Option<usize>>,
}

impl DockerfileIndex {
    fn new(files: &[SourceFile], dockerfiles: &[Dockerfile]) -> DockerfileIndex {
        let paths: Vec<PathBuf> = dockerfiles
            .iter()
            .map(|d| {
                files
                    .get(d.file)
                    .map_or_else(PathBuf::new, |f| PathBuf::from(&f.path))
            })
            .collect();
        let mut by_norm = HashMap::new();
        for (i, p) in paths.iter().enumerate() {
            by_norm.entry(norm_path(p)).or_insert(i);
        }
        DockerfileIndex {
            by_norm,
            paths,
            by_canon: None,
            by_miss: HashMap::new(),
        }
    }

    fn find(&mut self, path: &Path) -> Option<usize> {
        if let Some(i) = self.by_norm.get(&norm_path(path)) {
            return Some(*i);
        }
        if let Some(found) = self.by_miss.get(path) {
            return *found;
        }
        let found = self.find_canonical(path);
        self.by_miss.insert(path.to_path_buf(), found);
        found
    }

    fn find_canonical(&mut self, path: &Path) -> Option<usize> {
        let canon = std::fs::canonicalize(path).ok()?;
        let paths = &self.paths;
        let by_canon = self.by_canon.get_or_insert_with(|| {
            use rayon::prelude::*;
            let canons: Vec<Option<PathBuf>> = paths
                .par_iter()
                .map(|p| std::fs::canonicalize(p).ok())
                .collect();
            let mut m = HashMap::new();
            for (i, c) in canons.into_iter().enumerate() {
                if let Some(c) = c {
                    m.entry(c).or_insert(i);
                }
            }
            m
        });
        by_canon.get(&canon).copied()
    }
}

fn dir_of(path: &str) -> PathBuf {
    Path::new(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Links made so far; the first link of a repository wins.
struct Linker {
    info: BuildInfo,
    contexts: Vec<Option<PathBuf>>,
    linked: std::collections::HashSet<String>,
}

impl Linker {
    fn add(
        &mut self,
        repo: &str,
        df: usize,
        ctx: Option<PathBuf>,
        target: Option<String>,
        reason: LinkReason,
    ) {
        let repo = repository(repo).to_string();
        if repo.is_empty() || !self.linked.insert(repo.clone()) {
            return;
        }
        if let (Some(c), Some(slot)) = (&ctx, self.contexts.get_mut(df)) {
            if slot.is_none() {
                *slot = Some(c.clone());
            }
        }
        self.info.links.push(Link {
            repository: repo,
            dockerfile: df,
            context: ctx.map(|c| c.to_string_lossy().into_owned()),
            target,
            reason,
        });
    }
}

/// A parsed manifest of the project being loaded.
pub struct ManifestRef<'a> {
    pub file: FileId,
    pub yaml: &'a YamlFile,
}

/// Compute image links and read build contexts (called at the end of `Project::load`): the
/// scripts read from build contexts are appended to `files` as context files.
pub fn load(
    files: &mut Vec<SourceFile>,
    manifests: &[ManifestRef<'_>],
    dockerfiles: &[Dockerfile],
    config: &Config,
) -> BuildInfo {
    if dockerfiles.is_empty() {
        return BuildInfo::default();
    }
    let mut dfi = DockerfileIndex::new(files, dockerfiles);
    // File names the images may run (command words of containers and compose services).
    let mut words: HashSet<String> = HashSet::new();
    let mut lk = Linker {
        info: BuildInfo::default(),
        contexts: vec![None; dockerfiles.len()],
        linked: HashSet::new(),
    };
    link_declared(&mut lk, &mut dfi, (files, manifests), config, &mut words);
    link_by_convention(&mut lk, (files, manifests), dockerfiles, &mut words);
    // Build contexts: the linked context, else the Dockerfile's directory; one index per
    // canonical context root, shared by the Dockerfiles built from it.
    let Linker {
        mut info, contexts, ..
    } = lk;
    let dirs = context_dirs(&contexts, dockerfiles, files);
    read_contexts(&mut info, files, dockerfiles, &dirs, (config, &words));
    info.bases = base_images(&info.links, &mut dfi, (files, manifests), dockerfiles);
    info
}

/// The Dockerfiles of images that other builds of the tree start from: a skaffold artifact
/// that another artifact of the same file `requires`, or a linked image a FROM names (as
/// written, without variables, and not a stage of the same Dockerfile).
fn base_images(
    links: &[Link],
    dfi: &mut DockerfileIndex,
    (files, manifests): (&[SourceFile], &[ManifestRef<'_>]),
    dockerfiles: &[Dockerfile],
) -> HashSet<usize> {
    let mut out = HashSet::new();
    // Per skaffold file: its directory, its artifacts' builds, the images they require, and
    // the files of the configs it requires (`requires: - path: ../base`).
    struct Sk<'a> {
        builds: Vec<DeclaredBuild<'a>>,
        required: HashSet<&'a str>,
        configs: Vec<PathBuf>,
    }
    let mut sks: Vec<(PathBuf, Sk<'_>)> = Vec::new();
    for m in manifests {
        let Some(f) = files.get(m.file) else {
            continue;
        };
        let name = Path::new(&f.path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("");
        if !is_skaffold(name) {
            continue;
        }
        let base = dir_of(&f.path);
        let mut sk = Sk {
            builds: Vec::new(),
            required: HashSet::new(),
            configs: Vec::new(),
        };
        for d in &m.yaml.docs {
            let artifacts = d
                .root
                .path(&["build", "artifacts"])
                .map_or(&[][..], Node::items);
            sk.required.extend(
                artifacts
                    .iter()
                    .flat_map(|a| a.get("requires").map_or(&[][..], Node::items))
                    .filter_map(|r| r.get("image").and_then(Node::as_str)),
            );
            for r in d.root.get("requires").map_or(&[][..], Node::items) {
                if let Some(p) = r.get("path").and_then(Node::as_str) {
                    let p = norm_path(&base.join(p));
                    sk.configs.push(if p.extension().is_some() {
                        p
                    } else {
                        p.join("skaffold.yaml")
                    });
                }
            }
            sk.builds.extend(declared_builds(&f.path, &base, &d.root));
        }
        sks.push((norm_path(Path::new(&f.path)), sk));
    }
    let by_path: HashMap<&Path, usize> = sks
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (p.as_path(), i))
        .collect();
    for (p, sk) in &sks {
        if sk.required.is_empty() {
            continue;
        }
        // Each required config once, and not the file itself again: 4,000 `requires: - path: .`
        // walked its 4,000 builds 4,000 times (8.5 s).
        let mut seen: HashSet<usize> = by_path.get(p.as_path()).copied().into_iter().collect();
        let configs = sk.configs.iter().filter_map(|c| by_path.get(c.as_path()));
        let configs = configs.filter(|i| seen.insert(**i));
        let required_configs = configs.filter_map(|i| sks.get(*i)).map(|(_, s)| s);
        for g in std::iter::once(sk).chain(required_configs) {
            for b in &g.builds {
                if b.target.is_none() && sk.required.contains(b.image) {
                    out.extend(dfi.find(&b.context.join(b.dockerfile)));
                }
            }
        }
    }
    if links.is_empty() {
        return out;
    }
    let mut named: HashSet<&str> = HashSet::new();
    for d in dockerfiles {
        let mut stages: HashSet<&str> = HashSet::new();
        for s in &d.stages {
            let v = s.from.image.value.as_str();
            if !v.contains('$') && !stages.contains(v.to_ascii_lowercase().as_str()) {
                named.insert(repository(v));
            }
            if let Some(n) = s.name() {
                stages.insert(n);
            }
        }
    }
    out.extend(
        links
            .iter()
            .filter(|l| l.target.is_none() && named.contains(l.repository.as_str()))
            .map(|l| l.dockerfile),
    );
    out
}

/// Links declared by the user: `image_links` in the config (1), then skaffold builds (2) and
/// Compose services with a `build` (3). Compose files also add the command words they name.
fn link_declared(
    lk: &mut Linker,
    dfi: &mut DockerfileIndex,
    (files, manifests): (&[SourceFile], &[ManifestRef<'_>]),
    config: &Config,
    words: &mut HashSet<String>,
) {
    // 1. Config.
    for l in &config.image_links {
        if let Some(df) = dfi.find(Path::new(&l.dockerfile)) {
            lk.add(
                &l.image,
                df,
                l.context.as_ref().map(PathBuf::from),
                l.target.clone(),
                LinkReason::Config,
            );
        }
    }
    // 2. skaffold.yaml, 3. compose files.
    for m in manifests {
        let Some(f) = files.get(m.file) else {
            continue;
        };
        let base = dir_of(&f.path);
        if is_compose(
            Path::new(&f.path)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(""),
        ) {
            index::add_words(&f.text, words);
        }
        for d in &m.yaml.docs {
            for b in declared_builds(&f.path, &base, &d.root) {
                let ctx = norm_path(&b.context);
                if let Some(df) = dfi.find(&b.context.join(b.dockerfile)) {
                    let reason = match b.service {
                        None => LinkReason::Skaffold(f.path.clone()),
                        Some(svc) => LinkReason::Compose(f.path.clone(), svc),
                    };
                    lk.add(b.image, df, Some(ctx), b.target, reason);
                }
            }
        }
    }
}

/// Links by convention (4): the last component of an image's repository names the directory
/// of exactly one Dockerfile. Adds the command words of every container to `words`.
fn link_by_convention(
    lk: &mut Linker,
    (files, manifests): (&[SourceFile], &[ManifestRef<'_>]),
    dockerfiles: &[Dockerfile],
    words: &mut HashSet<String>,
) {
    use rayon::prelude::*;
    // 4. Convention: the last repository component names the Dockerfile's directory.
    // Repositories of every container image, in order of first appearance.
    let per_manifest: Vec<(Vec<&str>, HashSet<String>)> = manifests
        .par_iter()
        .map(|m| {
            let mut out = Vec::new();
            let mut words = HashSet::new();
            for d in &m.yaml.docs {
                let mut objects = Vec::new();
                Object::collect(m.file, &d.root, "default", &mut objects);
                for o in &objects {
                    if let Some(w) = Workload::from_object(o) {
                        out.extend(w.containers.iter().filter_map(|c| c.image()));
                        for c in &w.containers {
                            index::add_node_words(c.node, &mut words);
                        }
                    }
                }
            }
            (out, words)
        })
        .collect();
    let mut seen_repos: HashSet<&str> = HashSet::new();
    let mut repos: Vec<String> = Vec::new();
    for (_, w) in &per_manifest {
        words.extend(w.iter().cloned());
    }
    for i in per_manifest.iter().flat_map(|(i, _)| i) {
        let r = repository(i);
        if seen_repos.insert(r) {
            repos.push(r.to_string());
        }
    }
    let dirs: Vec<(usize, String)> = dockerfiles
        .par_iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let f = files.get(d.file)?;
            // Only the default Dockerfile name counts for the convention.
            let name = Path::new(&f.path).file_name()?.to_str()?;
            if name != "Dockerfile" && name != "Containerfile" {
                return None;
            }
            let dir = std::fs::canonicalize(dir_of(&f.path))
                .ok()
                .or_else(|| Some(dir_of(&f.path)))?;
            Some((i, dir.file_name()?.to_str()?.to_string()))
        })
        .collect();
    // Directory name → Dockerfiles in it (in Dockerfile order).
    let mut by_dir: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, n) in &dirs {
        by_dir.entry(n.as_str()).or_default().push(*i);
    }
    for r in repos {
        if lk.linked.contains(&r) {
            continue;
        }
        let last = r.rsplit('/').next().unwrap_or(&r);
        let matches: &[usize] = by_dir.get(last).map_or(&[], Vec::as_slice);
        match matches {
            [one] => lk.add(&r, *one, None, None, LinkReason::Convention),
            [] => {}
            many => lk.info.ambiguous.push((r.clone(), many.to_vec())),
        }
    }
}

/// The build context directory of each Dockerfile: its linked context, else its own directory
/// (None for stdin).
fn context_dirs(
    contexts: &[Option<PathBuf>],
    dockerfiles: &[Dockerfile],
    files: &[SourceFile],
) -> Vec<Option<PathBuf>> {
    contexts
        .iter()
        .enumerate()
        .map(|(di, linked_ctx)| {
            let f = dockerfiles.get(di).and_then(|d| files.get(d.file))?;
            if f.path.starts_with('<') || f.path == "-" {
                return None;
            }
            let dir = linked_ctx.clone().unwrap_or_else(|| dir_of(&f.path));
            Some(if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            })
        })
        .collect()
}

/// Read the build contexts inside the linted tree, one index per canonical root; the scripts
/// read are appended to `files` as context files.
fn read_contexts(
    info: &mut BuildInfo,
    files: &mut Vec<SourceFile>,
    dockerfiles: &[Dockerfile],
    dirs: &[Option<PathBuf>],
    (config, words): (&Config, &HashSet<String>),
) {
    use rayon::prelude::*;
    let roots = crate::source::default_roots(&config.roots);
    // Each distinct directory canonicalised once. A build context is read only inside the
    // linted tree (a compose file's `context: /` must not make kexit read the machine's files).
    let distinct: Vec<&PathBuf> = {
        let mut seen = HashSet::new();
        dirs.iter().flatten().filter(|d| seen.insert(*d)).collect()
    };
    let canon: HashMap<&PathBuf, PathBuf> = distinct
        .par_iter()
        .filter_map(|d| {
            let c = std::fs::canonicalize(d).ok()?;
            (c.is_dir() && crate::source::within(&c, &roots)).then_some((*d, c))
        })
        .collect();
    // Groups by canonical root, in order of their first Dockerfile.
    let mut groups: Vec<(PathBuf, &PathBuf, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<&PathBuf, usize> = HashMap::new();
    for (di, dir) in dirs.iter().enumerate() {
        let Some((dir, c)) = dir.as_ref().and_then(|d| Some((d, canon.get(d)?))) else {
            continue;
        };
        let g = *group_of.entry(c).or_insert_with(|| {
            groups.push((c.clone(), dir, Vec::new()));
            groups.len() - 1
        });
        if let Some(g) = groups.get_mut(g) {
            g.2.push(di);
        }
    }
    let indexed: Vec<(Context, Vec<(String, SourceFile)>)> = groups
        .par_iter()
        .map(|(canon, dir, dis)| {
            let mut needs = index::Needs::default();
            let mut run_words = index::RunWords::default();
            for &di in dis {
                if let Some(d) = dockerfiles.get(di) {
                    let text = files.get(d.file).map_or("", |f| f.text.as_str());
                    index::add_needs(d, text, &mut needs, &mut run_words);
                }
            }
            index::index(dir, canon, &needs, |n| {
                words.contains(n) || run_words.contains(n)
            })
        })
        .collect();
    for ((_, _, dis), (mut ctx, scripts)) in groups.iter().zip(indexed) {
        for (rel, sf) in scripts {
            let id = files.len();
            files.push(sf);
            if let Some(e) = ctx.entries.get_mut(&rel) {
                e.file = Some(id);
            }
        }
        let ctx = Arc::new(ctx);
        for &di in dis {
            info.contexts.insert(di, Arc::clone(&ctx));
        }
    }
}

fn scriptish(name: &str) -> bool {
    // A Dockerfile is built, never run (and is linted as itself where it is linted at all).
    if crate::discover::classify(Path::new(name)) == Some(crate::discover::Kind::Dockerfile) {
        return false;
    }
    // pip requirement files: what `pip install -r` installs (image::installs).
    if name.ends_with(".txt") && name.contains("requirements") {
        return true;
    }
    // A Python project's metadata: what `pip install .` installs (image::installs).
    if name == "pyproject.toml" {
        return true;
    }
    match name.rsplit_once('.') {
        None => true,
        Some((_, ext)) => matches!(
            ext,
            "sh" | "bash" | "ash" | "zsh" | "py" | "rb" | "pl" | "js" | "mjs" | "cjs" | "ksh"
        ),
    }
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode_of(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}

/// A build a `skaffold.yaml` artifact or a compose service declares.
pub(crate) struct DeclaredBuild<'a> {
    /// The image it produces (`image:`).
    pub image: &'a str,
    /// Build context, joined to the declaring file's directory (not normalised).
    pub context: PathBuf,
    /// Dockerfile path relative to the context.
    pub dockerfile: &'a str,
    pub target: Option<String>,
    /// The compose service's name (None for a skaffold artifact).
    pub service: Option<String>,
}

/// Whether a file name is a skaffold configuration.
pub(crate) fn is_skaffold(name: &str) -> bool {
    name == "skaffold.yaml" || name == "skaffold.yml"
}

/// Whether a file name is a compose file.
pub(crate) fn is_compose(name: &str) -> bool {
    matches!(
        name,
        "docker-compose.yml" | "docker-compose.yaml" | "compose.yml" | "compose.yaml"
    ) || name.starts_with("docker-compose.")
}

/// The builds one document of a skaffold.yaml or compose file declares (the one reader of both
/// formats' build declarations; `path` names the file, `base` is its directory). Other files
/// declare nothing.
pub(crate) fn declared_builds<'a>(
    path: &str,
    base: &Path,
    root: &'a Node,
) -> Vec<DeclaredBuild<'a>> {
    let name = Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let mut out = Vec::new();
    if is_skaffold(name) {
        for a in root
            .path(&["build", "artifacts"])
            .map(Node::items)
            .unwrap_or(&[])
        {
            let Some(image) = a.get("image").and_then(Node::as_str) else {
                continue;
            };
            out.push(DeclaredBuild {
                image,
                context: base.join(a.get("context").and_then(Node::as_str).unwrap_or(".")),
                dockerfile: a
                    .path(&["docker", "dockerfile"])
                    .and_then(Node::as_str)
                    .unwrap_or("Dockerfile"),
                target: a
                    .path(&["docker", "target"])
                    .and_then(Node::as_str)
                    .map(str::to_string),
                service: None,
            });
        }
    } else if is_compose(name) {
        let Some(services) = root.get("services") else {
            return out;
        };
        for (k, svc) in services.entries() {
            let (Some(image), Some(build)) =
                (svc.get("image").and_then(Node::as_str), svc.get("build"))
            else {
                continue;
            };
            let (ctx, dockerfile, target) = match build.as_str() {
                Some(c) => (c, "Dockerfile", None),
                None => (
                    build.get("context").and_then(Node::as_str).unwrap_or("."),
                    build
                        .get("dockerfile")
                        .and_then(Node::as_str)
                        .unwrap_or("Dockerfile"),
                    build
                        .get("target")
                        .and_then(Node::as_str)
                        .map(str::to_string),
                ),
            };
            out.push(DeclaredBuild {
                image,
                context: base.join(ctx),
                dockerfile,
                target,
                service: Some(k.scalar_text().unwrap_or_default()),
            });
        }
    }
    out
}
