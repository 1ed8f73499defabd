//! Lookups of a [`Process`]: what the container sees at a path (mounts first, then the image),
//! argv[0] resolution (the model's one PATH resolver), script texts, spans inside argv elements.

use super::{Bind, BindSource, PathFact, Process, Runtime, ScriptText};
use crate::image::{Resolved, ShellKind, Tri};
use crate::model::env;
use crate::model::volumes::PathState;
use crate::shell::ShellFlavor;
use crate::source::Span;
use crate::yaml::Style;
use std::ops::Range;

/// Result of resolving a command name for a process.
#[derive(Debug, Clone)]
pub enum Found {
    /// Resolves to a path; the fact about it.
    Yes(PathFact),
    /// Certainly absent (the fact describes the path looked at, or the PATH searched).
    No(PathFact),
    Unknown,
}

impl<'m, 'p> Process<'m, 'p> {
    /// PATH the process searches: the container's `env` PATH, else the image's.
    pub fn path_var(&self) -> Option<String> {
        if let Some(p) = self.env.path() {
            return Some(p.to_string());
        }
        match self.env.get("PATH") {
            env::Lookup::Undefined => self.image.map(|i| i.path_env().to_string()),
            _ => None,
        }
    }

    /// What the container sees at an absolute path.
    pub fn at(&self, abs: &str) -> PathFact {
        let path = crate::image::build::normalize("/", abs);
        if let Some(f) = self.at_bind(&path) {
            return f;
        }
        // Mounts exist only where a workload declares them.
        let workload = self.pod().map(|(w, _)| w);
        match self.mounts.at(&path) {
            PathState::File { file, mount } => {
                let exec = file
                    .mode
                    .map(|m| Tri::from_bool(m & 0o111 != 0))
                    .unwrap_or(Tri::Unknown);
                let what = match &file.object {
                    Some(o) => format!("{} `{}` key `{}`", o.kind, o.name, file.key),
                    None => format!("volume `{}`", mount.name),
                };
                PathFact {
                    exists: Tri::Yes,
                    is_dir: Tri::No,
                    executable: exec,
                    path,
                    origin: workload.map(|w| (w.span(mount.node), format!("mounted here from {what}"))),
                    mounted: Some(what),
                    denied: None,
                }
            }
            PathState::Directory { mount } => PathFact {
                exists: Tri::Yes,
                is_dir: Tri::Yes,
                executable: Tri::No,
                path,
                origin: workload.map(|w| {
                    (
                        mount.mount_path_span(w),
                        "a directory here comes from this mount".into(),
                    )
                }),
                mounted: Some(format!("volume `{}`", mount.name)),
                denied: None,
            },
            PathState::Hidden { mount } => PathFact {
                exists: Tri::No,
                is_dir: Tri::No,
                executable: Tri::No,
                path,
                origin: workload.map(|w| {
                    (
                        mount.mount_path_span(w),
                        format!(
                            "volume `{}` is mounted over this directory and hides the image's files",
                            mount.name
                        ),
                    )
                }),
                mounted: Some(format!("volume `{}`", mount.name)),
                denied: None,
            },
            PathState::Unknown { .. } => PathFact {
                exists: Tri::Unknown,
                is_dir: Tri::Unknown,
                executable: Tri::Unknown,
                path,
                origin: None,
                mounted: None,
                denied: None,
            },
            PathState::NotMounted => match self.image {
                Some(img) => {
                    let i = img.path(&path);
                    let origin = i
                        .origin
                        .span()
                        .map(|s| (s, "created by this instruction".to_string()));
                    let denied = self.denied(img, &i);
                    PathFact {
                        exists: i.exists,
                        is_dir: i.is_dir,
                        executable: if denied.is_some() {
                            Tri::No
                        } else {
                            i.executable
                        },
                        path,
                        origin,
                        mounted: None,
                        denied,
                    }
                }
                None => PathFact {
                    exists: Tri::Unknown,
                    is_dir: Tri::Unknown,
                    executable: Tri::Unknown,
                    path,
                    origin: None,
                    mounted: None,
                    denied: None,
                },
            },
        }
    }

    /// Why the user the process runs as may not execute this executable file of the image.
    fn denied(&self, img: &crate::image::Image, i: &crate::image::PathInfo) -> Option<String> {
        if i.exists != Tri::Yes || i.is_dir == Tri::Yes || i.executable != Tri::Yes {
            return None;
        }
        let user = self.group.user.as_deref()?;
        let uid = crate::image::perms::uid_of(Some(img), user)?;
        let outside_root = crate::image::perms::outside_root_group(img, user);
        if !crate::image::perms::denies(i.perm, uid, outside_root) {
            return None;
        }
        let (owner, mode) = (i.perm.uid?, i.perm.mode?);
        let mut who = if user.split(':').next() == Some(uid.to_string().as_str()) {
            format!("uid {uid}")
        } else {
            format!("`{user}` (uid {uid})")
        };
        if img.user.as_deref() != Some(user) {
            who.push_str(match self.runtime {
                Runtime::Kubernetes { .. } => " (its securityContext.runAsUser)",
                Runtime::Compose { .. } => " (the service's `user`)",
                Runtime::Docker { .. } => "",
            });
        }
        let group = if outside_root && mode & 0o010 != 0 {
            " (group 0, of which that user is not a member)"
        } else {
            ""
        };
        Some(format!(
            "it is owned by uid {owner} with mode {mode:04o}{group} and the process runs as {who}, which has no exec permission on it"
        ))
    }

    /// The Docker/Compose mount covering an absolute (normalised) path: the longest target
    /// wins, the later mount among equals.
    pub fn bind_at(&self, path: &str) -> Option<(&'m Bind, String)> {
        let mut best: Option<(&'m Bind, String)> = None;
        for b in self.group.binds.iter() {
            let rel = if path == b.target {
                Some(String::new())
            } else if b.target == "/" {
                Some(path.trim_start_matches('/').to_string())
            } else {
                path.strip_prefix(b.target.as_str())
                    .and_then(|r| r.strip_prefix('/'))
                    .map(str::to_string)
            };
            if let Some(rel) = rel {
                if best
                    .as_ref()
                    .is_none_or(|(o, _)| b.target.len() >= o.target.len())
                {
                    best = Some((b, rel));
                }
            }
        }
        best
    }

    /// What a Docker/Compose mount puts at `path`, when one covers it.
    fn at_bind(&self, path: &str) -> Option<PathFact> {
        let (b, rel) = self.bind_at(path)?;
        let unknown = PathFact {
            exists: Tri::Unknown,
            is_dir: Tri::Unknown,
            executable: Tri::Unknown,
            path: path.to_string(),
            origin: None,
            mounted: Some(b.describe.clone()),
            denied: None,
        };
        let hidden = |what: String| PathFact {
            exists: Tri::No,
            is_dir: Tri::No,
            executable: Tri::No,
            path: path.to_string(),
            origin: Some((b.span, what)),
            mounted: Some(b.describe.clone()),
            denied: None,
        };
        let dir = || PathFact {
            exists: Tri::Yes,
            is_dir: Tri::Yes,
            executable: Tri::No,
            path: path.to_string(),
            origin: Some((b.span, "a directory here comes from this mount".to_string())),
            mounted: Some(b.describe.clone()),
            denied: None,
        };
        Some(match &b.source {
            BindSource::Tmpfs if rel.is_empty() => dir(),
            BindSource::Tmpfs => hidden(format!(
                "{} is mounted over `{}` and hides the image's files",
                b.describe, b.target
            )),
            BindSource::Volume | BindSource::Unknown => unknown,
            BindSource::Host(src) => {
                let host = if rel.is_empty() {
                    src.clone()
                } else {
                    src.join(&rel)
                };
                if !src.is_dir() {
                    // A file bind, or a source Docker creates empty: not followed.
                    return Some(match std::fs::metadata(&host) {
                        Ok(m) if rel.is_empty() => PathFact {
                            exists: Tri::Yes,
                            is_dir: Tri::from_bool(m.is_dir()),
                            executable: Tri::Unknown,
                            path: path.to_string(),
                            origin: Some((b.span, "mounted here from the host".to_string())),
                            mounted: Some(b.describe.clone()),
                            denied: None,
                        },
                        _ => unknown,
                    });
                }
                match std::fs::metadata(&host) {
                    Ok(m) => PathFact {
                        exists: Tri::Yes,
                        is_dir: Tri::from_bool(m.is_dir()),
                        executable: Tri::Unknown,
                        path: path.to_string(),
                        origin: Some((b.span, "mounted here from the host".to_string())),
                        mounted: Some(b.describe.clone()),
                        denied: None,
                    },
                    Err(_) if super::compose::git_ignored(self.model, &host) => unknown,
                    Err(_) => hidden(format!(
                        "{} is mounted over `{}` and hides the image's files",
                        b.describe, b.target
                    )),
                }
            }
        })
    }

    /// Resolve a program name as execve/the shell would: a name with a slash is a path
    /// (relative ones against the working directory); a bare name is searched in PATH.
    pub fn find(&self, name: &str) -> Found {
        if name.is_empty() {
            return Found::Unknown;
        }
        if name.contains('/') {
            let abs = if name.starts_with('/') {
                name.to_string()
            } else {
                match &self.workdir.path {
                    Some(wd) => crate::image::build::normalize(wd, name),
                    None => return Found::Unknown,
                }
            };
            let f = self.at(&abs);
            return match f.exists {
                Tri::Yes => Found::Yes(f),
                Tri::No => Found::No(f),
                Tri::Unknown => Found::Unknown,
            };
        }
        let Some(path) = self.path_var() else {
            return self.nowhere(name).map_or(Found::Unknown, Found::No);
        };
        let search = self.model.path_search(self.image, &path);
        // Without mounts the answer is the image's alone: one search per image, PATH and name
        // for every process that asks (the process's own view is built for the hit only).
        if let Some(img) = self.image {
            if self.mounts.mounts.is_empty() && self.group.binds.is_empty() {
                return match search.image_hit(img, name, &path) {
                    Hit::At(p) => Found::Yes(self.at(&p)),
                    Hit::Unknown => Found::Unknown,
                    Hit::Absent => Found::No(PathFact::absent(path)),
                };
            }
        }
        match search.first(name, |p| {
            let f = self.at(&p);
            (f.exists, f.is_dir, f)
        }) {
            Ok(f) => Found::Yes(f),
            Err(true) => Found::Unknown,
            Err(false) => Found::No(PathFact::absent(path)),
        }
    }

    /// A bare name searched in a PATH kexit does not know (an `envFrom` Secret may set it): absent
    /// all the same when the image's whole file system is known (scratch, distroless, with every
    /// step followed), nothing is mounted, and no file of the image has that name.
    fn nowhere(&self, name: &str) -> Option<PathFact> {
        let img = self.image?;
        if !img.fully_known()
            || !self.mounts.mounts.is_empty()
            || !self.group.binds.is_empty()
            || img.has_name(name)
        {
            return None;
        }
        Some(PathFact::absent(name.to_string()))
    }

    /// Which shell `/bin/sh` is in this container.
    pub fn sh_kind(&self) -> ShellKind {
        match self.at("/bin/sh").exists {
            Tri::No => ShellKind::None,
            Tri::Unknown => ShellKind::Unknown,
            Tri::Yes => self.image.map_or(ShellKind::Unknown, |i| i.shell_kind),
        }
    }

    /// The shell flavour a program name runs as (`sh`/`/bin/sh` → the image's /bin/sh).
    pub fn flavor_of(&self, program: &str) -> Option<ShellFlavor> {
        let base = program.rsplit('/').next().unwrap_or(program);
        match base {
            "sh" => match self.sh_kind() {
                ShellKind::Dash => Some(ShellFlavor::Dash),
                ShellKind::BusyboxAsh => Some(ShellFlavor::Busybox),
                _ => None,
            },
            "dash" => Some(ShellFlavor::Dash),
            "ash" => Some(ShellFlavor::Busybox),
            _ => None,
        }
    }

    /// The text of the file at an absolute path, when kexit has it (a build-context file
    /// COPY'd into the image, a heredoc, or a ConfigMap/Secret key mounted there).
    pub fn script(&self, abs: &str) -> Option<ScriptText> {
        let path = crate::image::build::normalize("/", abs);
        if self.bind_at(&path).is_some() {
            return None;
        }
        match self.mounts.at(&path) {
            PathState::File { file, .. } => {
                let text = file.content.clone()?;
                let describe = match &file.object {
                    Some(o) => format!("{} `{}` key `{}`", o.kind, o.name, file.key),
                    None => format!("key `{}`", file.key),
                };
                Some(ScriptText {
                    text,
                    file: None,
                    span: file.source,
                    describe,
                })
            }
            PathState::NotMounted => {
                let img = self.image?;
                let s = img.script(self.model.project, &path)?;
                let describe = match s.file {
                    Some(f) => format!("`{}`", self.model.file(f).path),
                    None => "the heredoc".to_string(),
                };
                let whole = match (s.file, s.inline_span) {
                    (Some(f), _) => Span::new(f, 0..s.text.len()),
                    (None, Some(span)) => span,
                    (None, None) => Span::default(),
                };
                Some(ScriptText {
                    text: self.model.script_text(whole, s.text),
                    file: s.file,
                    span: s.file.map(|f| Span::new(f, 0..0)).or(s.inline_span),
                    describe,
                })
            }
            _ => None,
        }
    }

    /// Span of a byte range of argv element `i`'s value (for commands inside `sh -c` strings):
    /// exact when the text maps onto the file, else the whole element. Where the value lies in
    /// the file is worked out once per element ([`ArgPlace`]): asking for each of a long
    /// script's commands compared the whole value with the file each time.
    pub fn span_in(&self, i: usize, range: Range<usize>) -> Option<Span> {
        let a = self.argv.args.get(i)?;
        match &**a.place.get_or_init(|| Box::new(self.place(a))) {
            ArgPlace::Span(s) => *s,
            ArgPlace::Node(p) => {
                let (workload, _) = self.pod()?;
                let n = a.node?;
                Some(p.span(&self.model.file(workload.object.file).text, n, range))
            }
            ArgPlace::Text { file, start } => {
                if a.value.get(range.clone()).is_none() {
                    return a.text_span;
                }
                Some(Span::new(*file, start + range.start..start + range.end))
            }
        }
    }

    /// Where an argv element's value is in the file ([`Process::span_in`]).
    fn place(&self, a: &super::Arg<'_>) -> ArgPlace {
        if let Some(n) = a.node {
            // A value changed by `$(VAR)` expansion, or folded, is not the file's text.
            let same = match &n.value {
                crate::yaml::Value::Str(s) => s.as_str() == a.value,
                _ => n.scalar_text().is_some_and(|t| t == a.value),
            };
            if !same || n.style() == Style::Folded {
                return ArgPlace::Span(a.span);
            }
            let Some((workload, _)) = self.pod() else {
                return ArgPlace::Span(None);
            };
            let file = workload.object.file;
            return ArgPlace::Node(env::Placement::of_node(
                file,
                &self.model.file(file).text,
                n,
            ));
        }
        if let Some(ts) = a.text_span {
            if self.model.file(ts.file).slice(ts) == a.value {
                return ArgPlace::Text {
                    file: ts.file,
                    start: ts.start,
                };
            }
            return ArgPlace::Span(Some(ts));
        }
        ArgPlace::Span(a.span)
    }

    /// The span for argv[0]-level findings: the first manifest element when the manifest sets
    /// `command`, else the image instruction, else the container's `image`.
    pub fn primary_span(&self, i: usize) -> Span {
        if let Some(s) = self.argv.args.get(i).and_then(|a| a.span) {
            return s;
        }
        self.fallback_span()
    }

    /// A relative argv[0] (`./bin/x`) that a manifest `workingDir` moved away from the file:
    /// the image has it under its own WORKDIR, not under `workingDir` (KX111's case, even when
    /// a volume is mounted at `workingDir`).
    pub fn moved_by_workingdir(&self, name: &str) -> bool {
        if !name.contains('/') || name.starts_with('/') || !self.workdir.from_manifest {
            return false;
        }
        let (Some(img), Some(wd)) = (self.image, self.workdir.path.as_deref()) else {
            return false;
        };
        if !img.base_known || crate::image::build::normalize("/", &img.workdir) == wd {
            return false;
        }
        let there = crate::image::build::normalize(&img.workdir, name);
        let i = img.path(&there);
        i.exists == Tri::Yes && i.is_dir != Tri::Yes
    }

    /// The image itself certainly has nothing at `abs` (so a mount there hides nothing).
    pub fn image_lacks(&self, abs: &str) -> bool {
        self.image
            .is_some_and(|i| i.path(&crate::image::build::normalize("/", abs)).exists == Tri::No)
    }

    /// The container's `image` value (or its name) as a last resort; for `docker run`, the
    /// image's command instruction or its FROM.
    pub fn fallback_span(&self) -> Span {
        match self.runtime {
            Runtime::Kubernetes {
                workload,
                container,
            } => {
                let n = self
                    .node
                    .or_else(|| container.get("image"))
                    .or_else(|| container.get("name"))
                    .unwrap_or(container.node);
                workload.span(n)
            }
            Runtime::Compose { service, .. } => service
                .command
                .as_ref()
                .map(|c| c.span)
                .or_else(|| service.entrypoint.as_ref().map(|c| c.span))
                .unwrap_or(service.key),
            Runtime::Docker { image } => image
                .cmd
                .as_ref()
                .or(image.entrypoint.as_ref())
                .and_then(|c| c.span)
                .or(image.from_span)
                .unwrap_or_else(|| Span::new(0, 0..0)),
        }
    }
}

/// Where an argv element's value lies in its file, worked out once per element.
#[derive(Debug, Clone)]
pub enum ArgPlace {
    /// Not placed: every part of the value points at this span.
    Span(Option<Span>),
    /// A manifest scalar, unchanged by expansion.
    Node(env::Placement),
    /// A Dockerfile shell-form string, byte for byte from `start` on.
    Text {
        file: crate::source::FileId,
        start: usize,
    },
}

impl PathFact {
    /// Certainly nothing at `path` (a path, or the PATH searched).
    pub fn absent(path: String) -> PathFact {
        PathFact {
            exists: Tri::No,
            is_dir: Tri::No,
            executable: Tri::No,
            path,
            origin: None,
            mounted: None,
            denied: None,
        }
    }
}

/// Most distinct directories of a PATH searched for a command. A PATH lists a few; a longer one
/// (a hostile input: 16,000 directories x 1,000 services took minutes) is searched up to here,
/// and a name not found in these is unknown (KX011 says so).
pub const MAX_PATH_DIRS: usize = 64;

/// A PATH prepared once per run for an image ([`crate::model::Model::path_search`]): its
/// absolute directories, first occurrences only (a repeated directory cannot change the
/// answer), and the image's answers by command name.
#[derive(Debug, Default)]
pub struct PathSearch {
    pub dirs: Vec<Box<str>>,
    /// A relative or surplus directory: a name not found in `dirs` is unknown, not absent.
    pub unknown_dirs: bool,
    /// Distinct absolute directories of the PATH (more than [`MAX_PATH_DIRS`]: KX011).
    pub distinct: usize,
    hits: std::sync::Mutex<std::collections::HashMap<Box<str>, Hit>>,
}

/// Where the image alone resolves a command name in a PATH.
#[derive(Debug, Clone)]
pub enum Hit {
    At(String),
    Unknown,
    Absent,
}

impl PathSearch {
    pub fn new(path: &str) -> PathSearch {
        let mut seen = std::collections::HashSet::new();
        let mut out = PathSearch::default();
        for dir in path.split(':') {
            if !dir.starts_with('/') {
                out.unknown_dirs |= !dir.is_empty();
                continue;
            }
            if seen.insert(dir) {
                if out.dirs.len() < MAX_PATH_DIRS {
                    out.dirs.push(dir.into());
                } else {
                    out.unknown_dirs = true;
                }
            }
        }
        out.distinct = seen.len();
        out
    }

    /// The image's answer for `name` (no mounts), computed once.
    fn image_hit(&self, img: &crate::image::Image, name: &str, path: &str) -> Hit {
        if let Some(h) = self.hits.lock().ok().and_then(|m| m.get(name).cloned()) {
            return h;
        }
        let hit = self.search_image(img, name, path);
        if let Ok(mut m) = self.hits.lock() {
            m.insert(name.into(), hit.clone());
        }
        hit
    }

    fn search_image(&self, img: &crate::image::Image, name: &str, path: &str) -> Hit {
        let found = self.first(name, |p| {
            let p = crate::image::build::normalize("/", &p);
            let i = img.path(&p);
            (i.exists, i.is_dir, p)
        });
        match found {
            Ok(p) => Hit::At(p),
            Err(true) => Hit::Unknown,
            // Cross-check with the image's own resolver (it knows catalogue facts we may not).
            Err(false) => match img.resolve(name, Some(path)) {
                Resolved::NotFound => Hit::Absent,
                Resolved::Found(_) | Resolved::Unknown => Hit::Unknown,
            },
        }
    }

    /// The first directory, in PATH order, where `probe` (given `dir/name`; answering exists,
    /// is a directory, and what it found) finds `name` as something other than a directory;
    /// else whether a directory could not tell (a name not found is then unknown, not absent).
    pub fn first<T>(&self, name: &str, probe: impl Fn(String) -> (Tri, Tri, T)) -> Result<T, bool> {
        let mut unknown = self.unknown_dirs;
        for dir in &self.dirs {
            match probe(format!("{dir}/{name}")) {
                (Tri::Yes, Tri::Yes, _) | (Tri::No, _, _) => {}
                (Tri::Yes, _, found) => return Ok(found),
                (Tri::Unknown, _, _) => unknown = true,
            }
        }
        Err(unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_search_keeps_first_distinct_absolute_dirs() {
        let s = PathSearch::new("/a:/b:/a::/c");
        assert_eq!(
            &*s.dirs,
            ["/a".into(), "/b".into(), "/c".into()] as [Box<str>; 3]
        );
        assert!(!s.unknown_dirs);
        assert_eq!(s.distinct, 3);
        assert!(PathSearch::new("/a:bin").unknown_dirs);
        let long: Vec<String> = (0..MAX_PATH_DIRS + 5).map(|i| format!("/d{i}")).collect();
        let s = PathSearch::new(&format!("{}:/d0", long.join(":")));
        assert_eq!(s.dirs.len(), MAX_PATH_DIRS);
        assert!(s.unknown_dirs);
        assert_eq!(s.distinct, MAX_PATH_DIRS + 5);
        // Repeats past the limit are not new directories.
        let s = PathSearch::new(&vec!["/a:/b"; 2 * MAX_PATH_DIRS].join(":"));
        assert_eq!((s.dirs.len(), s.unknown_dirs, s.distinct), (2, false, 2));
    }
}
