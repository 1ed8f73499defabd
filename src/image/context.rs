//! Build contexts: the files a Dockerfile's COPY/ADD can read, listed (and small scripts read)
//! once at project load.

use crate::source::FileId;
use std::collections::BTreeMap;

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

use super::link::{BuildInfo, Link, LinkReason};
use crate::k8s::{Object, Workload};
use crate::project::Project;
use crate::source::{FileKind, SourceFile};
use crate::yaml::Node;
use std::path::{Path, PathBuf};

/// Most entries listed per build context.
const MAX_ENTRIES: usize = 5000;
/// Most files read per build context, and the size cap of each.
const MAX_READS: usize = 400;
const MAX_READ_SIZE: u64 = 256 * 1024;
const MAX_DEPTH: usize = 12;

fn norm_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn same_file(a: &Path, b: &Path) -> bool {
    if norm_path(a) == norm_path(b) {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn dockerfile_index(project: &Project, path: &Path) -> Option<usize> {
    project.dockerfiles.iter().position(|d| {
        project
            .files
            .get(d.file)
            .is_some_and(|f| same_file(Path::new(&f.path), path))
    })
}

fn dir_of(path: &str) -> PathBuf {
    Path::new(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Compute image links and read build contexts (called at the end of `Project::load`).
pub fn load(project: &mut Project) {
    if project.dockerfiles.is_empty() {
        return;
    }
    let mut info = BuildInfo::default();
    let mut contexts: Vec<Option<PathBuf>> = vec![None; project.dockerfiles.len()];
    let add = |info: &mut BuildInfo,
               contexts: &mut Vec<Option<PathBuf>>,
               repo: &str,
               df: usize,
               ctx: Option<PathBuf>,
               target: Option<String>,
               reason: LinkReason| {
        let repo = super::repository(repo).to_string();
        if repo.is_empty() || info.links.iter().any(|l| l.repository == repo) {
            return;
        }
        if let (Some(c), Some(slot)) = (&ctx, contexts.get_mut(df)) {
            if slot.is_none() {
                *slot = Some(c.clone());
            }
        }
        info.links.push(Link {
            repository: repo,
            dockerfile: df,
            context: ctx.map(|c| c.to_string_lossy().into_owned()),
            target,
            reason,
        });
    };
    // 1. Config.
    for l in &project.config.image_links {
        if let Some(df) = dockerfile_index(project, Path::new(&l.dockerfile)) {
            add(
                &mut info,
                &mut contexts,
                &l.image,
                df,
                l.context.as_ref().map(PathBuf::from),
                l.target.clone(),
                LinkReason::Config,
            );
        }
    }
    // 2. skaffold.yaml, 3. compose files.
    for m in &project.manifests {
        let Some(f) = project.files.get(m.file) else {
            continue;
        };
        let name = Path::new(&f.path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("");
        let base = dir_of(&f.path);
        let skaffold = name == "skaffold.yaml" || name == "skaffold.yml";
        let compose = matches!(
            name,
            "docker-compose.yml" | "docker-compose.yaml" | "compose.yml" | "compose.yaml"
        ) || name.starts_with("docker-compose.");
        if !skaffold && !compose {
            continue;
        }
        for d in &m.yaml.docs {
            if skaffold {
                let arts = d
                    .root
                    .path(&["build", "artifacts"])
                    .map(Node::items)
                    .unwrap_or(&[]);
                for a in arts {
                    let Some(image) = a.get("image").and_then(Node::as_str) else {
                        continue;
                    };
                    let ctx = base.join(a.get("context").and_then(Node::as_str).unwrap_or("."));
                    let dfile = a
                        .path(&["docker", "dockerfile"])
                        .and_then(Node::as_str)
                        .unwrap_or("Dockerfile");
                    let target = a
                        .path(&["docker", "target"])
                        .and_then(Node::as_str)
                        .map(str::to_string);
                    if let Some(df) = dockerfile_index(project, &ctx.join(dfile)) {
                        add(
                            &mut info,
                            &mut contexts,
                            image,
                            df,
                            Some(norm_path(&ctx)),
                            target,
                            LinkReason::Skaffold(f.path.clone()),
                        );
                    }
                }
            } else {
                for (k, svc) in d
                    .root
                    .get("services")
                    .map(|s| s.entries().collect::<Vec<_>>())
                    .unwrap_or_default()
                {
                    let (Some(image), Some(build)) =
                        (svc.get("image").and_then(Node::as_str), svc.get("build"))
                    else {
                        continue;
                    };
                    let (ctx, dfile, target) = match build.as_str() {
                        Some(c) => (c.to_string(), "Dockerfile".to_string(), None),
                        None => (
                            build
                                .get("context")
                                .and_then(Node::as_str)
                                .unwrap_or(".")
                                .to_string(),
                            build
                                .get("dockerfile")
                                .and_then(Node::as_str)
                                .unwrap_or("Dockerfile")
                                .to_string(),
                            build
                                .get("target")
                                .and_then(Node::as_str)
                                .map(str::to_string),
                        ),
                    };
                    let ctx = base.join(ctx);
                    if let Some(df) = dockerfile_index(project, &ctx.join(&dfile)) {
                        add(
                            &mut info,
                            &mut contexts,
                            image,
                            df,
                            Some(norm_path(&ctx)),
                            target,
                            LinkReason::Compose(
                                f.path.clone(),
                                k.scalar_text().unwrap_or_default(),
                            ),
                        );
                    }
                }
            }
        }
    }
    // 4. Convention: the last repository component names the Dockerfile's directory.
    let mut repos: Vec<String> = Vec::new();
    for m in &project.manifests {
        for d in &m.yaml.docs {
            let mut objects = Vec::new();
            Object::collect(m.file, &d.root, "default", &mut objects);
            for o in &objects {
                if let Some(w) = Workload::from_object(o) {
                    for c in &w.containers {
                        if let Some(i) = c.image() {
                            let r = super::repository(i).to_string();
                            if !repos.contains(&r) {
                                repos.push(r);
                            }
                        }
                    }
                }
            }
        }
    }
    let dirs: Vec<(usize, String)> = project
        .dockerfiles
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let f = project.files.get(d.file)?;
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
    for r in repos {
        if info.links.iter().any(|l| l.repository == r) {
            continue;
        }
        let last = r.rsplit('/').next().unwrap_or(&r);
        let matches: Vec<usize> = dirs
            .iter()
            .filter(|(_, n)| n == last)
            .map(|(i, _)| *i)
            .collect();
        match matches.as_slice() {
            [one] => add(
                &mut info,
                &mut contexts,
                &r,
                *one,
                None,
                None,
                LinkReason::Convention,
            ),
            [] => {}
            many => info.ambiguous.push((r.clone(), many.to_vec())),
        }
    }
    // Build contexts: the linked context, else the Dockerfile's directory.
    for (di, linked_ctx) in contexts.iter().enumerate() {
        let Some(f) = project
            .dockerfiles
            .get(di)
            .and_then(|d| project.files.get(d.file))
        else {
            continue;
        };
        if f.path.starts_with('<') || f.path == "-" {
            continue;
        }
        let dir = linked_ctx.clone().unwrap_or_else(|| dir_of(&f.path));
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        if !dir.is_dir() {
            continue;
        }
        let ctx = read_context(project, &dir);
        info.contexts.insert(di, ctx);
    }
    project.build = info;
}

fn scriptish(name: &str) -> bool {
    match name.rsplit_once('.') {
        None => true,
        Some((_, ext)) => matches!(
            ext,
            "sh" | "bash" | "ash" | "zsh" | "py" | "rb" | "pl" | "js" | "mjs" | "cjs" | "ksh"
        ),
    }
}

fn read_context(project: &mut Project, dir: &Path) -> Context {
    let mut ctx = Context {
        dir: dir.to_string_lossy().into_owned(),
        complete: true,
        ..Context::default()
    };
    let mut reads = 0;
    let mut stack: Vec<(PathBuf, String, usize)> = vec![(dir.to_path_buf(), String::new(), 0)];
    while let Some((path, rel, depth)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&path) else {
            ctx.complete = false;
            continue;
        };
        let mut items: Vec<_> = rd.filter_map(Result::ok).collect();
        items.sort_by_key(|e| e.file_name());
        for e in items {
            if ctx.entries.len() >= MAX_ENTRIES {
                ctx.complete = false;
                return ctx;
            }
            let name = e.file_name().to_string_lossy().into_owned();
            if name == ".git" {
                continue;
            }
            let r = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let Ok(meta) = std::fs::metadata(e.path()) else {
                ctx.complete = false;
                continue;
            };
            let mode = mode_of(&meta);
            if meta.is_dir() {
                ctx.entries.insert(
                    r.clone(),
                    CtxEntry {
                        is_dir: true,
                        mode,
                        file: None,
                    },
                );
                if depth + 1 < MAX_DEPTH && name != "node_modules" {
                    stack.push((e.path(), r, depth + 1));
                } else {
                    ctx.complete = false;
                }
                continue;
            }
            let mut file = None;
            if meta.is_file()
                && meta.len() <= MAX_READ_SIZE
                && reads < MAX_READS
                && scriptish(&name)
            {
                if let Ok(bytes) = std::fs::read(e.path()) {
                    if !bytes.contains(&0) {
                        if let Ok(text) = String::from_utf8(bytes) {
                            reads += 1;
                            let id = project.files.len();
                            let sf = SourceFile::new(
                                e.path().to_string_lossy().into_owned(),
                                FileKind::Other,
                                text,
                            );
                            project.files.push(sf);
                            file = Some(id);
                        }
                    }
                }
            }
            ctx.entries.insert(
                r,
                CtxEntry {
                    is_dir: false,
                    mode,
                    file,
                },
            );
        }
    }
    ctx
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
