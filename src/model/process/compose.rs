//! Compose front end of the process model: the processes `docker compose up` starts for a
//! service. The service's image is the stage its `build` names (its `target`, else the last
//! stage of its Dockerfile) or the image its `image` references. `entrypoint`/`command` replace
//! the image's ENTRYPOINT/CMD the way the Docker daemon merges them (a service `entrypoint`
//! drops the image CMD; a string is split into words by Compose and run without a shell; a list
//! is exec form). `healthcheck.test` replaces the image HEALTHCHECK (`CMD` exec form,
//! `CMD-SHELL` or a plain string through `/bin/sh -c`, `NONE`). `environment`/`env_file`,
//! `user`, `working_dir` and `volumes` shape what the processes see.

use super::{
    detect_shell, docker, image_default, image_known, Arg, Argv, Bind, BindSource, Part, ProcKind,
    ProcessGroup, Site, Spec, WorkDir,
};
use crate::compose::{Command, ComposeProject, HealthTest, Mount, MountKind, Service};
use crate::image::Image;
use crate::model::env::Env;
use crate::model::volumes::Mounts;
use crate::model::Model;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The Dockerfile index and stage a service builds, when the Dockerfile is in the tree.
pub fn built_stage(model: &Model<'_>, s: &Service) -> Option<(usize, usize)> {
    let b = s.build.as_ref()?;
    let want = b.dockerfile.as_ref()?;
    let di = model.dockerfile_at(want)?;
    let d = model.dockerfiles().get(di)?;
    let stage = match &b.target {
        Some(t) => d.stage_by_name(t.value.as_deref()?).map(|st| st.index)?,
        None => d.stages.len().checked_sub(1)?,
    };
    Some((di, stage))
}

/// `build.args` give a global ARG that a `FROM` reads a value other than its default (or one
/// kexit does not know): the stages kexit modelled with the defaults are not what this service
/// runs (`ARG BASE=distroless` + `args: {BASE: alpine}`), so its image is unknown. A global ARG
/// whose default refers to a changed one changes too (`ARG REGISTRY=gcr.io/distroless`,
/// `ARG BASE=${REGISTRY}/static-debian12`, `args: {REGISTRY: …}`), as BuildKit expands the
/// global ARGs in order; one pass over them, each name looked up once.
fn build_args_change_base(
    d: &crate::docker::Dockerfile,
    args: &[crate::compose::service::EnvVar],
) -> bool {
    use std::collections::HashSet;
    let mut changed: HashSet<&str> = args
        .iter()
        .filter(|a| {
            d.global_args
                .iter()
                .find(|g| g.name == a.name)
                .is_some_and(|def| !(a.value.is_some() && a.value == def.default))
        })
        .map(|a| a.name.as_str())
        .collect();
    if changed.is_empty() {
        return false;
    }
    for g in &d.global_args {
        if g.default
            .as_deref()
            .is_some_and(|v| references(v).any(|n| changed.contains(n)))
        {
            changed.insert(g.name.as_str());
        }
    }
    d.stages
        .iter()
        .any(|st| references(&st.from.image.value).any(|n| changed.contains(n)))
}

/// The variable names a Dockerfile value refers to (`$NAME`, `${NAME}`, `${NAME:-…}`).
fn references(v: &str) -> impl Iterator<Item = &str> {
    v.match_indices('$').filter_map(move |(i, _)| {
        let rest = v.get(i + 1..)?;
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        rest.get(..end).filter(|n| !n.is_empty())
    })
}

/// The stage a service builds when its `build.args` change the base of the Dockerfile (see
/// [`service_image`], which treats it as unknown): the service uses the Dockerfile, but never
/// runs what a plain `docker build` + `docker run` gives.
pub fn rebased_stage<'m>(model: &'m Model<'_>, s: &Service) -> Option<&'m Image> {
    let b = s.build.as_ref()?;
    let (di, si) = built_stage(model, s)?;
    if !build_args_change_base(model.dockerfiles().get(di)?, &b.args) {
        return None;
    }
    model.images.stage(di, si)
}

/// [`rebased_stage`] of the service of a Compose site.
pub fn rebased_site_stage<'m>(model: &'m Model<'_>, site: super::Site) -> Option<&'m Image> {
    let super::Site::Compose { project, service } = site else {
        return None;
    };
    let sv = model.project.compose.get(project)?.services.get(service)?;
    rebased_stage(model, sv)
}

/// The image a service runs: the stage it builds, else the image it names.
pub fn service_image<'m>(model: &'m Model<'_>, s: &Service) -> Option<&'m Image> {
    if let Some(b) = &s.build {
        let (di, si) = built_stage(model, s)?;
        if build_args_change_base(model.dockerfiles().get(di)?, &b.args) {
            return None;
        }
        return model.images.stage(di, si);
    }
    let r = s.image.as_ref()?.value.as_deref()?;
    model.images.by_reference(r)
}

/// The process group of `model.project.compose[pi].services[si]`.
pub fn group<'p>(
    model: &Model<'p>,
    pi: usize,
    pr: &ComposeProject,
    si: usize,
    s: &Service,
    parts: &mut BindParts,
) -> ProcessGroup<'p> {
    let image = service_image(model, s);
    let env = Env::compose(&s.env_files, &s.environment);
    let mut procs = vec![Spec {
        kind: ProcKind::Main,
        node: None,
        argv: main_argv(s, image),
    }];
    match &s.healthcheck {
        Some(t) => procs.extend(healthcheck(t)),
        None => procs.extend(image.and_then(docker::healthcheck)),
    }
    let workdir = match &s.working_dir {
        Some(w) => match w.value.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => WorkDir {
                path: Some(crate::image::build::normalize("/", v)),
                span: Some(w.span),
                from_manifest: true,
            },
            None => WorkDir {
                path: None,
                span: Some(w.span),
                from_manifest: true,
            },
        },
        None => docker::image_workdir(image),
    };
    let user = match &s.user {
        Some(u) => u.value.clone(),
        None => image.and_then(|i| i.user.clone()),
    };
    ProcessGroup {
        site: Site::Compose {
            project: pi,
            service: si,
        },
        env,
        mounts: Mounts::default(),
        workdir,
        user,
        procs,
        binds: parts.binds(pr, s),
        default_overridden: false,
        image: None,
    }
}

/// Words of a Compose command as argv elements (a word kexit cannot know is not exact).
fn words<'p>(c: &Command, part: Part) -> Vec<Arg<'p>> {
    c.words
        .iter()
        .map(|w| Arg {
            value: w.text.clone().unwrap_or_default(),
            exact: w.text.is_some(),
            span: Some(w.span),
            node: None,
            part,
            text_span: None,
            place: Default::default(),
        })
        .collect()
}

/// The service's main argv: the daemon's merge of `entrypoint`/`command` with the image's
/// ENTRYPOINT/CMD (a service `entrypoint` drops the image CMD, like Kubernetes `command`).
pub fn main_argv<'p>(s: &Service, image: Option<&Image>) -> Argv<'p> {
    // Compose refuses a command string it cannot split: nothing starts.
    if s.command.as_ref().is_some_and(|c| c.invalid)
        || s.entrypoint.as_ref().is_some_and(|c| c.invalid)
    {
        return Argv {
            args: Vec::new(),
            image_part_unknown: true,
            shell: None,
        };
    }
    let args = s.command.as_ref().map(|c| words(c, Part::Args));
    let mut out = Vec::new();
    let mut unknown = false;
    let mut implicit = false;
    match &s.entrypoint {
        // An empty `entrypoint` is sent as "none" and the daemon may fill in the image's.
        Some(e) if e.words.is_empty() => {
            unknown = true;
            out.extend(args.unwrap_or_default());
        }
        Some(e) => {
            out.extend(words(e, Part::Command));
            out.extend(args.unwrap_or_default());
        }
        None => match image {
            Some(img) if image_known(img) => {
                (out, implicit) = image_default(img, args);
                if img.entrypoint_may_be_inherited() {
                    unknown = true;
                }
            }
            _ => {
                unknown = true;
                out.extend(args.unwrap_or_default());
            }
        },
    }
    let shell = if unknown && !out.first().is_some_and(|a| a.part == Part::Entrypoint) {
        None
    } else {
        detect_shell(&out, implicit)
    };
    Argv {
        args: out,
        image_part_unknown: unknown,
        shell,
    }
}

/// `healthcheck.test` as a process: `CMD` exec form, `CMD-SHELL`/string through `/bin/sh -c`
/// (what the daemon runs for CMD-SHELL), none for `NONE`/`disable: true`.
fn healthcheck<'p>(t: &HealthTest) -> Option<Spec<'p>> {
    let (args, implicit) = match t {
        HealthTest::None(_) => return None,
        HealthTest::Exec(c) => (words(c, Part::Command), false),
        HealthTest::Shell(w) => {
            let prefix = |v: &str| Arg {
                value: v.to_string(),
                exact: true,
                span: Some(w.span),
                node: None,
                part: Part::ShellPrefix,
                text_span: None,
                place: Default::default(),
            };
            (
                vec![
                    prefix("/bin/sh"),
                    prefix("-c"),
                    Arg {
                        value: w.text.clone().unwrap_or_default(),
                        exact: w.text.is_some(),
                        span: Some(w.span),
                        node: None,
                        part: Part::Command,
                        text_span: Some(w.span),
                        place: Default::default(),
                    },
                ],
                true,
            )
        }
    };
    if args.is_empty() {
        return None;
    }
    let shell = detect_shell(&args, implicit);
    Some(Spec {
        kind: ProcKind::Healthcheck,
        node: None,
        argv: Argv {
            args,
            image_part_unknown: false,
            shell,
        },
    })
}

/// A bind source kexit may look at: inside the project directory (no `..` out of it).
fn in_tree(pr: &ComposeProject, p: &Path) -> bool {
    let dir = crate::compose::norm_path(&pr.dir);
    let inside = if dir.as_os_str().is_empty() {
        !p.is_absolute()
    } else {
        p.starts_with(&dir)
    };
    inside && !p.components().any(|c| c == Component::ParentDir)
}

/// A Compose service's mounts: one shared slice of binds per part of its `volumes` (see
/// [`crate::compose::Merged`]), in merge order. Where two binds have one target the later
/// wins, as Compose's merge keeps the override's.
#[derive(Debug, Clone, Default)]
pub struct Binds {
    parts: Vec<Arc<[Bind]>>,
}

impl Binds {
    /// Every bind in merge order (a later one of a target replaces an earlier one).
    pub fn iter(&self) -> impl Iterator<Item = &Bind> {
        self.parts.iter().flat_map(|p| p.iter())
    }

    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|p| p.is_empty())
    }
}

/// The binds of a project's `volumes` parts, each made once (2,000 services extending one
/// base of 2,000 volumes share one slice).
#[derive(Default)]
pub struct BindParts {
    made: HashMap<*const crate::compose::Part<Mount>, Arc<[Bind]>>,
}

impl BindParts {
    /// The service's `volumes:` as binds.
    fn binds(&mut self, pr: &ComposeProject, s: &Service) -> Binds {
        let parts = s
            .volumes
            .parts()
            .iter()
            .map(|p| {
                self.made
                    .entry(Arc::as_ptr(p))
                    .or_insert_with(|| part_binds(pr, p))
                    .clone()
            })
            .collect();
        Binds { parts }
    }
}

/// One part of a service's `volumes:` as binds.
fn part_binds(pr: &ComposeProject, part: &crate::compose::Part<Mount>) -> Arc<[Bind]> {
    part.items()
        .iter()
        .filter(|m| m.target.starts_with('/'))
        .map(|m| {
            let target = crate::image::build::normalize("/", &m.target);
            let (source, describe) = match m.kind {
                MountKind::Bind => {
                    let shown = m.source.clone().unwrap_or_default();
                    let src = m
                        .source
                        .as_deref()
                        .filter(|s| !s.starts_with('~'))
                        .map(|s| crate::compose::norm_path(Path::new(s)))
                        .filter(|p| in_tree(pr, p));
                    (
                        src.map_or(BindSource::Unknown, BindSource::Host),
                        format!("the bind mount of `{shown}`"),
                    )
                }
                MountKind::Volume => (
                    BindSource::Volume,
                    match &m.source {
                        Some(n) => format!("volume `{n}`"),
                        None => "an anonymous volume".to_string(),
                    },
                ),
                MountKind::Tmpfs => (BindSource::Tmpfs, "a tmpfs".to_string()),
                MountKind::Other => (BindSource::Unknown, "a mount".to_string()),
            };
            Bind {
                target,
                source,
                span: m.span,
                describe,
            }
        })
        .collect()
}

/// Whether a path of the tree that does not exist is one git ignores (a build output or an
/// installed dependency, which may well exist on the machine that runs Compose).
pub fn git_ignored(model: &Model<'_>, path: &Path) -> bool {
    let mut dir: Option<&Path> = path.parent();
    let mut depth = 0;
    // `./bin/x` has parents `./bin`, `.` and ``: the last two are one directory.
    let mut last: Option<PathBuf> = None;
    while let Some(d) = dir {
        if depth > 16 {
            break;
        }
        // The matcher asserts that the path is under its root: check that first.
        let under = path.strip_prefix(d).is_ok_and(|r| !r.has_root());
        let same = crate::compose::norm_path(d);
        if under && last.as_ref() != Some(&same) {
            match &*model.gitignores.of(d) {
                DirIgnore::Unknown => return true,
                DirIgnore::Matcher(m) if m.matched_path_or_any_parents(path, false).is_ignore() => {
                    return true
                }
                _ => {}
            }
        }
        if d.join(".git").exists() {
            break;
        }
        last = Some(same);
        dir = d.parent();
        depth += 1;
    }
    false
}

/// The `.gitignore` of each directory [`git_ignored`] visits, read and compiled once per run,
/// all within one pattern budget: 400 Compose services whose bind mount hides a directory under
/// a 118 KB `.gitignore` read and compiled it again for every command looked up there (26 s).
#[derive(Default)]
pub struct GitIgnores {
    /// Held while a file is compiled: two threads compiling one file at once would each
    /// spend the budget on it.
    dirs: std::sync::Mutex<HashMap<PathBuf, Arc<DirIgnore>>>,
    budget: crate::ignore_files::Budget,
}

/// What a directory's `.gitignore` says.
pub enum DirIgnore {
    /// None there (or none kexit can use).
    Absent,
    Matcher(ignore::gitignore::Gitignore),
    /// Its patterns ran past the run's budget: any path may be ignored (so a missing one is
    /// unknown, never reported).
    Unknown,
}

impl GitIgnores {
    fn of(&self, d: &Path) -> Arc<DirIgnore> {
        let Ok(mut dirs) = self.dirs.lock() else {
            return Arc::new(DirIgnore::Unknown);
        };
        if let Some(known) = dirs.get(d) {
            return known.clone();
        }
        let found = Arc::new(self.read(d));
        dirs.insert(d.to_path_buf(), found.clone());
        found
    }

    fn read(&self, d: &Path) -> DirIgnore {
        let gi = if d.as_os_str().is_empty() {
            PathBuf::from(".gitignore")
        } else {
            d.join(".gitignore")
        };
        if !gi.is_file() {
            return DirIgnore::Absent;
        }
        // Bounded, regular files only (src/ignore_files.rs); a link may lead within `d`.
        let root = d.canonicalize().ok().into_iter().collect::<Vec<_>>();
        let m = crate::ignore_files::read_one(d, &gi, &root, &self.budget);
        match m {
            _ if self.budget.exhausted() => DirIgnore::Unknown,
            Some(m) => DirIgnore::Matcher(m),
            None => DirIgnore::Absent,
        }
    }
}
