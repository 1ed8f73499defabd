//! The effective argv of every process the kubelet starts in a container: the container itself
//! (image ENTRYPOINT/CMD combined with `command`/`args`, semantics.md §2), exec probes and exec
//! lifecycle hooks (§5). Each element keeps a span (the manifest token, or the Dockerfile
//! element/instruction), `$(VAR)` is expanded from the container env (never the image ENV), and a
//! shell wrapper (`sh -c`, `bash -c`, shell-form CMD/ENTRYPOINT) is parsed with [`crate::shell`]
//! to find the commands it runs.
//!
//! On top of that, [`Process::lookup`] answers "what is at this path / does this name resolve"
//! from the container's mounts first (ConfigMap/Secret files with their modes and content,
//! volumes hiding image directories) and then the image model ([`crate::image::Image`]), and
//! [`Process::script`] finds the text of a script the process executes.

use crate::finding::ObjectRef;
use crate::image::{CommandForm, Image, ImageCommand, Resolved, ShellKind, Tri};
use crate::k8s::env::{self, Env};
use crate::k8s::volumes::{self, Mounts, PathState};
use crate::k8s::{Container, Workload};
use crate::model::Model;
use crate::shell::{self, Script, ShellFlavor};
use crate::source::{FileId, Span};
use crate::yaml::{Node, Style};
use std::ops::Range;

/// Where an argv element comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Container `command` (or an exec probe's / hook's `command`).
    Command,
    /// Container `args`.
    Args,
    /// Image ENTRYPOINT.
    Entrypoint,
    /// Image CMD.
    Cmd,
    /// The `/bin/sh -c` (or SHELL) a shell-form ENTRYPOINT/CMD is wrapped in.
    ShellPrefix,
}

impl Part {
    /// From the manifest (true) or the image (false).
    pub fn in_manifest(self) -> bool {
        matches!(self, Part::Command | Part::Args)
    }
}

/// One argv element.
#[derive(Debug, Clone)]
pub struct Arg<'p> {
    /// The value after `$(VAR)` expansion (references with unknown values stay `$(NAME)`).
    pub value: String,
    /// False when the value contains a `$(NAME)` whose value kexit does not know.
    pub exact: bool,
    /// Where to point: the manifest item, the exec-form element, or the instruction.
    pub span: Option<Span>,
    /// The manifest node (for `command`/`args` items).
    pub node: Option<&'p Node>,
    pub part: Part,
    /// For shell-form image commands: the span of the shell string, when known.
    pub text_span: Option<Span>,
}

/// A `sh -c '…'` (or shell-form) invocation inside an argv.
#[derive(Debug, Clone)]
pub struct ShellCall {
    /// Index of the shell program (`/bin/sh`, `sh`, `bash` …) in the argv.
    pub shell_index: usize,
    /// Index of the `-c` string.
    pub script_index: usize,
    /// True for a Dockerfile shell form (the user never wrote `sh -c`).
    pub implicit: bool,
    pub script: Script,
}

/// What kind of process an argv belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcKind {
    /// The container's own process (PID 1).
    Main,
    /// An exec probe (`livenessProbe`, `readinessProbe`, `startupProbe`).
    Probe(&'static str),
    /// An exec lifecycle hook (`postStart`, `preStop`).
    Hook(&'static str),
}

impl ProcKind {
    /// `livenessProbe` / `lifecycle.postStart` / "container".
    pub fn describe(self) -> String {
        match self {
            ProcKind::Main => "the container command".to_string(),
            ProcKind::Probe(p) => format!("the exec {p}"),
            ProcKind::Hook(h) => format!("the {h} exec hook"),
        }
    }

    /// What happens when the runtime cannot start this process at all (argv[0] or its shell
    /// missing): for the container, StartError 128; for probes, the probe *errors* and its result
    /// is discarded (semantics.md §5); for hooks, the hook fails.
    pub fn start_failure(self) -> &'static str {
        match self {
            ProcKind::Main => "the container fails to start (StartError, exit 128; `docker run` gives 127) and the Pod goes into CrashLoopBackOff",
            ProcKind::Probe("livenessProbe") => "the probe cannot start: the kubelet logs `probe errored` and discards the result, so this liveness probe never restarts a hung container",
            ProcKind::Probe("readinessProbe") => "the probe cannot start: the kubelet logs `probe errored` and discards the result, so the container never becomes Ready and gets no Service traffic",
            ProcKind::Probe(_) => "the probe cannot start: the kubelet logs `probe errored` and discards the result, so the startup probe never succeeds and liveness/readiness never begin",
            ProcKind::Hook("postStart") => "the postStart hook fails (FailedPostStartHook) and the kubelet kills and restarts the container",
            ProcKind::Hook(_) => "the preStop hook fails (FailedPreStopHook) and the container is stopped without it",
        }
    }

    /// What happens when the runtime starts the process but execve fails inside the container
    /// (bad shebang, missing interpreter): runc exits 255 for the container (semantics.md §1).
    pub fn exec_failure(self) -> String {
        match self {
            ProcKind::Main => "the container exits 255 (1 with runc < 1.2)".to_string(),
            _ => self.start_failure().to_string(),
        }
    }

    /// What happens when the process starts but exits non-zero (e.g. 127 from a shell).
    pub fn run_failure(self, code: u16) -> String {
        match self {
            ProcKind::Main => format!("the container exits with {code} and restarts in CrashLoopBackOff"),
            ProcKind::Probe("livenessProbe") => format!("the probe exits {code} on every run, so the kubelet kills the container after failureThreshold failures and restarts it in a loop"),
            ProcKind::Probe("readinessProbe") => format!("the probe exits {code} on every run, so the container never becomes Ready"),
            ProcKind::Probe(_) => format!("the probe exits {code} on every run, so the kubelet kills the container when the startup probe gives up"),
            ProcKind::Hook("postStart") => format!("the postStart hook exits {code}; the kubelet kills and restarts the container (FailedPostStartHook)"),
            ProcKind::Hook(_) => format!("the preStop hook exits {code} (FailedPreStopHook) and the container is stopped without it"),
        }
    }

    /// Exit code of the container when the process cannot be started at all.
    pub fn start_exit(self) -> Option<u16> {
        match self {
            ProcKind::Main => Some(128),
            _ => None,
        }
    }

    /// Exit code of the container when the process exits with `code`.
    pub fn run_exit(self, code: u16) -> Option<u16> {
        // A failing liveness/startup probe gets the container restarted, but its exit code is
        // whatever the app does on SIGTERM: none is predicted.
        match self {
            ProcKind::Main => Some(code),
            _ => None,
        }
    }
}

/// The effective argv of one process.
#[derive(Debug, Clone)]
pub struct Argv<'p> {
    pub args: Vec<Arg<'p>>,
    /// The image part (ENTRYPOINT/CMD) is needed but not known (image not modelled, or a base
    /// whose defaults kexit does not know).
    pub image_part_unknown: bool,
    /// The shell invocation, when argv is `<shell> [opts] -c <string> …`.
    pub shell: Option<ShellCall>,
}

impl<'p> Argv<'p> {
    pub fn argv0(&self) -> Option<&Arg<'p>> {
        self.args.first()
    }
    pub fn values(&self) -> Vec<&str> {
        self.args.iter().map(|a| a.value.as_str()).collect()
    }
}

/// The working directory a process starts in.
#[derive(Debug, Clone)]
pub struct WorkDir {
    /// The directory, when known.
    pub path: Option<String>,
    /// `workingDir` node span (manifest) or the WORKDIR instruction.
    pub span: Option<Span>,
    pub from_manifest: bool,
}

/// One process of a container with everything the command rules need.
pub struct Process<'m, 'p> {
    pub model: &'m Model<'p>,
    pub workload: &'m Workload<'p>,
    pub container: &'m Container<'p>,
    pub image: Option<&'m Image>,
    /// Shared by the processes of one container (computed once per model).
    pub env: &'m Env<'p>,
    pub mounts: &'m Mounts<'p>,
    pub kind: ProcKind,
    /// The probe/hook node (`livenessProbe`…), None for the main process.
    pub node: Option<&'p Node>,
    pub argv: &'m Argv<'p>,
    pub workdir: &'m WorkDir,
}

/// The processes of one container with the facts they share, computed once per model
/// ([`Model::build`] fills `Model::processes`; [`processes`] hands out views of them).
pub struct ContainerProcs<'p> {
    workload: usize,
    container: usize,
    env: Env<'p>,
    mounts: Mounts<'p>,
    workdir: WorkDir,
    /// The main process first, then exec probes and hooks.
    procs: Vec<(ProcKind, Option<&'p Node>, Argv<'p>)>,
}

/// The processes of every container of the model (in workload and container order), in
/// parallel over workloads. Called once, by [`Model::build`].
pub fn compute_processes<'p>(model: &Model<'p>, parallel: bool) -> Vec<ContainerProcs<'p>> {
    use rayon::prelude::*;
    fn of<'a, 'p>(
        model: &'a Model<'p>,
        wi: usize,
        w: &'a Workload<'p>,
    ) -> impl Iterator<Item = ContainerProcs<'p>> + 'a {
        w.containers
            .iter()
            .enumerate()
            .map(move |(ci, c)| container_procs(model, wi, w, ci, c))
    }
    if parallel {
        model
            .workloads
            .par_iter()
            .enumerate()
            .flat_map_iter(|(wi, w)| of(model, wi, w))
            .collect()
    } else {
        model
            .workloads
            .iter()
            .enumerate()
            .flat_map(|(wi, w)| of(model, wi, w))
            .collect()
    }
}

fn container_procs<'p>(
    model: &Model<'p>,
    wi: usize,
    w: &Workload<'p>,
    ci: usize,
    c: &Container<'p>,
) -> ContainerProcs<'p> {
    let image = model.image_for(w, c);
    let env = env::container_env(model, w, c);
    let mounts = volumes::container_mounts(model, w, c);
    let workdir = workdir(w, c, image);
    let main = container_argv(w, c, image, &env);
    let mut procs = vec![(ProcKind::Main, None, main)];
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(n) = c.get(probe) {
            if let Some(a) = exec_argv(w, n, &env) {
                procs.push((ProcKind::Probe(probe), Some(n), a));
            }
        }
    }
    for hook in ["postStart", "preStop"] {
        if let Some(n) = c.node.path(&["lifecycle", hook]) {
            if let Some(a) = exec_argv(w, n, &env) {
                procs.push((ProcKind::Hook(hook), Some(n), a));
            }
        }
    }
    ContainerProcs {
        workload: wi,
        container: ci,
        env,
        mounts,
        workdir,
        procs,
    }
}

/// What the container sees at a path (mounts first, then the image).
#[derive(Debug, Clone)]
pub struct PathFact {
    pub exists: Tri,
    pub is_dir: Tri,
    pub executable: Tri,
    /// The absolute path looked at (after PATH lookup / working-directory join).
    pub path: String,
    /// Where the fact comes from, for a label (a mount, a ConfigMap key, a Dockerfile instruction).
    pub origin: Option<(Span, String)>,
    /// Which mount decides it (so messages can say "mounted from ConfigMap x").
    pub mounted: Option<String>,
}

/// The text of a script a process executes.
#[derive(Debug, Clone)]
pub struct ScriptText {
    pub text: String,
    /// The project file (build-context script), if any.
    pub file: Option<FileId>,
    /// The ConfigMap/Secret key or heredoc span the text lives at.
    pub span: Option<Span>,
    /// What to call it in messages (`scripts/start.sh` / `ConfigMap app-scripts key run.sh`).
    pub describe: String,
}

/// Shells whose `-c` string kexit parses.
pub fn is_shell_name(program: &str) -> bool {
    let base = program.rsplit('/').next().unwrap_or(program);
    matches!(
        base,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh"
    )
}

fn shell_index_of_c(values: &[String]) -> Option<usize> {
    // `<shell> [-e|-x|-eu|-o opt|--login …] -c <string>`: find `-c` (or a cluster ending in c).
    let mut i = 1;
    while i < values.len() && i < 8 {
        let v = values[i].as_str();
        if v == "-c" || (v.starts_with('-') && !v.starts_with("--") && v.ends_with('c')) {
            return Some(i + 1).filter(|j| *j < values.len());
        }
        if v == "-o" || v == "+o" {
            i += 2;
            continue;
        }
        if !v.starts_with('-') && !v.starts_with('+') {
            return None;
        }
        i += 1;
    }
    None
}

fn detect_shell(args: &[Arg<'_>], implicit: bool) -> Option<ShellCall> {
    let values: Vec<String> = args.iter().map(|a| a.value.clone()).collect();
    let first = values.first()?;
    if !is_shell_name(first) {
        return None;
    }
    let script_index = shell_index_of_c(&values)?;
    let text = &args[script_index];
    Some(ShellCall {
        shell_index: 0,
        script_index,
        implicit,
        script: shell::parse(&text.value),
    })
}

/// Manifest list items as argv elements (with `$(VAR)` expansion).
fn manifest_args<'p>(
    w: &Workload<'p>,
    items: &'p [Node],
    part: Part,
    env: &Env<'_>,
) -> Vec<Arg<'p>> {
    items
        .iter()
        .map(|n| {
            let raw = n.scalar_text().unwrap_or_default();
            let e = env::expand(&raw, env);
            Arg {
                value: e.text,
                exact: e.exact,
                span: Some(w.span(n)),
                node: Some(n),
                part,
                text_span: None,
            }
        })
        .collect()
}

fn image_args<'p>(cmd: &ImageCommand, part: Part) -> Vec<Arg<'p>> {
    match &cmd.form {
        CommandForm::Exec(v) => v
            .iter()
            .enumerate()
            .map(|(i, s)| Arg {
                value: s.clone(),
                exact: true,
                span: cmd.arg_spans.get(i).copied().or(cmd.span),
                node: None,
                part,
                text_span: None,
            })
            .collect(),
        CommandForm::Shell(s) => {
            let shell = if cmd.shell.is_empty() {
                vec!["/bin/sh".to_string(), "-c".to_string()]
            } else {
                cmd.shell.clone()
            };
            let mut v: Vec<Arg<'p>> = shell
                .into_iter()
                .map(|x| Arg {
                    value: x,
                    exact: true,
                    span: cmd.span,
                    node: None,
                    part: Part::ShellPrefix,
                    text_span: None,
                })
                .collect();
            v.push(Arg {
                value: s.clone(),
                exact: true,
                span: cmd.span,
                node: None,
                part,
                text_span: cmd.args_span,
            });
            v
        }
    }
}

/// The container's effective argv (semantics.md §2: the 4-case table, with the Dockerfile
/// ENTRYPOINT/CMD combination table for the image part).
pub fn container_argv<'p>(
    w: &Workload<'p>,
    c: &Container<'p>,
    image: Option<&Image>,
    env: &Env<'_>,
) -> Argv<'p> {
    let command = c.command();
    let args = c.args();
    let mut out = Vec::new();
    let mut unknown = false;
    let mut implicit = false;
    // The image knows its defaults when it was modelled and its base is known (or it set
    // ENTRYPOINT/CMD itself).
    let image_known = |img: &Image| img.base_known || img.entrypoint.is_some() || img.cmd.is_some();
    match command {
        Some(cmd) => {
            out.extend(manifest_args(w, cmd, Part::Command, env));
            if let Some(a) = args {
                out.extend(manifest_args(w, a, Part::Args, env));
            }
        }
        None => {
            match image {
                Some(img) if image_known(img) => {
                    if let Some(e) = &img.entrypoint {
                        out.extend(image_args(e, Part::Entrypoint));
                        implicit = e.is_shell();
                        if !e.is_shell() {
                            match args {
                                Some(a) => out.extend(manifest_args(w, a, Part::Args, env)),
                                None => {
                                    if let Some(cm) = &img.cmd {
                                        out.extend(image_args(cm, Part::Cmd));
                                    }
                                }
                            }
                        }
                    } else {
                        match args {
                            Some(a) => out.extend(manifest_args(w, a, Part::Args, env)),
                            None => {
                                if let Some(cm) = &img.cmd {
                                    implicit = cm.is_shell();
                                    out.extend(image_args(cm, Part::Cmd));
                                }
                            }
                        }
                    }
                    // A Dockerfile image whose base is unknown may inherit an ENTRYPOINT.
                    if img.entrypoint.is_none() && !img.base_known {
                        unknown = true;
                    }
                }
                _ => {
                    unknown = true;
                    if let Some(a) = args {
                        out.extend(manifest_args(w, a, Part::Args, env));
                    }
                }
            }
        }
    }
    let shell = if unknown && !out.first().is_some_and(|a| a.part == Part::Entrypoint) {
        None
    } else {
        detect_shell(&out, implicit).map(|mut s| {
            s.implicit = implicit;
            s
        })
    };
    Argv {
        args: out,
        image_part_unknown: unknown,
        shell,
    }
}

/// The argv of an exec probe or hook (`exec.command`).
pub fn exec_argv<'p>(w: &Workload<'p>, node: &'p Node, env: &Env<'_>) -> Option<Argv<'p>> {
    let items = node.path(&["exec", "command"]).filter(|n| n.is_seq())?;
    let args = manifest_args(w, items.items(), Part::Command, env);
    if args.is_empty() {
        return None;
    }
    let shell = detect_shell(&args, false);
    Some(Argv {
        args,
        image_part_unknown: false,
        shell,
    })
}

/// Every process of every container in the model: the container itself, its exec probes and
/// its exec lifecycle hooks. Views of the per-container facts computed once in [`Model::build`].
pub fn processes<'m, 'p>(model: &'m Model<'p>) -> Vec<Process<'m, 'p>> {
    let all = model.processes();
    let mut out = Vec::with_capacity(all.len() * 2);
    for cp in all {
        let (Some(w), Some(c)) = (
            model.workloads.get(cp.workload),
            model
                .workloads
                .get(cp.workload)
                .and_then(|w| w.containers.get(cp.container)),
        ) else {
            continue;
        };
        let image = model.image_for(w, c);
        for (kind, node, argv) in &cp.procs {
            out.push(Process {
                model,
                workload: w,
                container: c,
                image,
                env: &cp.env,
                mounts: &cp.mounts,
                kind: *kind,
                node: *node,
                argv,
                workdir: &cp.workdir,
            });
        }
    }
    out
}

fn workdir(w: &Workload<'_>, c: &Container<'_>, image: Option<&Image>) -> WorkDir {
    if let Some(n) = c.get("workingDir") {
        if let Some(s) = n.as_str().filter(|s| !s.is_empty()) {
            return WorkDir {
                path: Some(crate::image::build::normalize("/", s)),
                span: Some(w.span(n)),
                from_manifest: true,
            };
        }
    }
    match image {
        Some(img) if img.base_known || img.workdir_origin.span().is_some() => WorkDir {
            path: Some(img.workdir.clone()),
            span: img.workdir_origin.span(),
            from_manifest: false,
        },
        _ => WorkDir {
            path: None,
            span: None,
            from_manifest: false,
        },
    }
}

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
    pub fn object(&self) -> ObjectRef {
        self.workload.object.reference()
    }

    /// `container` / `container (livenessProbe)` for messages.
    pub fn who(&self) -> String {
        match self.kind {
            ProcKind::Main => format!("container `{}`", self.container.name),
            ProcKind::Probe(p) => format!("the {p} of container `{}`", self.container.name),
            ProcKind::Hook(h) => format!("the {h} hook of container `{}`", self.container.name),
        }
    }

    /// The image's description for messages.
    pub fn image_desc(&self) -> String {
        match self.image {
            Some(i) => i.description.clone(),
            None => format!("`{}`", self.container.image().unwrap_or("?")),
        }
    }

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
                    origin: Some((
                        self.workload.span(mount.node),
                        format!("mounted here from {what}"),
                    )),
                    mounted: Some(what),
                }
            }
            PathState::Directory { mount } => PathFact {
                exists: Tri::Yes,
                is_dir: Tri::Yes,
                executable: Tri::No,
                path,
                origin: Some((
                    mount.mount_path_span(self.workload),
                    "a directory here comes from this mount".into(),
                )),
                mounted: Some(format!("volume `{}`", mount.name)),
            },
            PathState::Hidden { mount } => PathFact {
                exists: Tri::No,
                is_dir: Tri::No,
                executable: Tri::No,
                path,
                origin: Some((
                    mount.mount_path_span(self.workload),
                    format!(
                        "volume `{}` is mounted over this directory and hides the image's files",
                        mount.name
                    ),
                )),
                mounted: Some(format!("volume `{}`", mount.name)),
            },
            PathState::Unknown { .. } => PathFact {
                exists: Tri::Unknown,
                is_dir: Tri::Unknown,
                executable: Tri::Unknown,
                path,
                origin: None,
                mounted: None,
            },
            PathState::NotMounted => match self.image {
                Some(img) => {
                    let i = img.path(&path);
                    let origin = i
                        .origin
                        .span()
                        .map(|s| (s, "created by this instruction".to_string()));
                    PathFact {
                        exists: i.exists,
                        is_dir: i.is_dir,
                        executable: i.executable,
                        path,
                        origin,
                        mounted: None,
                    }
                }
                None => PathFact {
                    exists: Tri::Unknown,
                    is_dir: Tri::Unknown,
                    executable: Tri::Unknown,
                    path,
                    origin: None,
                    mounted: None,
                },
            },
        }
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
            return Found::Unknown;
        };
        let mut unknown = false;
        for dir in path.split(':') {
            if !dir.starts_with('/') {
                if !dir.is_empty() {
                    unknown = true;
                }
                continue;
            }
            let f = self.at(&format!("{dir}/{name}"));
            match (f.exists, f.is_dir) {
                (Tri::Yes, Tri::Yes) => {}
                (Tri::Yes, _) => return Found::Yes(f),
                (Tri::Unknown, _) => unknown = true,
                (Tri::No, _) => {}
            }
        }
        if unknown {
            return Found::Unknown;
        }
        // Cross-check with the image's own resolver (it knows catalogue facts we may not).
        if let Some(img) = self.image {
            if self.mounts.mounts.is_empty() {
                match img.resolve(name, Some(&path)) {
                    Resolved::NotFound => {}
                    Resolved::Found(_) | Resolved::Unknown => return Found::Unknown,
                }
            }
        }
        Found::No(PathFact {
            exists: Tri::No,
            is_dir: Tri::No,
            executable: Tri::No,
            path,
            origin: None,
            mounted: None,
        })
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
                Some(ScriptText {
                    text: s.text.to_string(),
                    file: s.file,
                    span: s.file.map(|f| Span::new(f, 0..0)).or(s.inline_span),
                    describe,
                })
            }
            _ => None,
        }
    }

    /// Span of a byte range of argv element `i`'s value (for commands inside `sh -c` strings):
    /// exact when the text maps 1:1 onto the file, else the whole element.
    pub fn span_in(&self, i: usize, range: Range<usize>) -> Option<Span> {
        let a = self.argv.args.get(i)?;
        if let Some(n) = a.node {
            let raw = n.scalar_text().unwrap_or_default();
            if raw != a.value || n.style == Style::Folded {
                return a.span;
            }
            let file = self.workload.object.file;
            let text = &self.model.file(file).text;
            return Some(env::value_span(file, text, n, range));
        }
        if let Some(ts) = a.text_span {
            let f = self.model.file(ts.file);
            if f.slice(ts) == a.value {
                return Some(Span::new(
                    ts.file,
                    ts.start + range.start..ts.start + range.end,
                ));
            }
            return Some(ts);
        }
        a.span
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

    /// The container's `image` value (or its name) as a last resort.
    pub fn fallback_span(&self) -> Span {
        let n = self
            .node
            .or_else(|| self.container.get("image"))
            .or_else(|| self.container.get("name"))
            .unwrap_or(self.container.node);
        self.workload.span(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::Origin;

    fn exec(v: &[&str]) -> ImageCommand {
        ImageCommand {
            form: CommandForm::Exec(v.iter().map(|s| s.to_string()).collect()),
            shell: vec![],
            span: None,
            args_span: None,
            arg_spans: vec![],
            invalid_json: false,
            origin: Origin::Unknown,
        }
    }

    fn shell_form(s: &str) -> ImageCommand {
        ImageCommand {
            form: CommandForm::Shell(s.to_string()),
            ..exec(&[])
        }
    }

    /// argv values of the first container of a pod written as YAML `containers[0]` fields.
    fn run(fields: &str, img: Option<&Image>) -> (Vec<String>, bool, bool) {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: x\n{fields}"
        );
        let y = crate::yaml::parse(&text);
        let mut objs = Vec::new();
        crate::k8s::Object::collect(0, &y.docs[0].root, "default", &mut objs);
        let w = Workload::from_object(&objs[0]).unwrap_or_else(|| unreachable!());
        let env = Env::new();
        let a = container_argv(&w, &w.containers[0], img, &env);
        (
            a.args.iter().map(|x| x.value.clone()).collect(),
            a.image_part_unknown,
            a.shell.is_some(),
        )
    }

    #[test]
    fn kubernetes_four_cases_and_dockerfile_table() {
        let mut img = Image::unknown("x");
        img.base_known = true;
        img.entrypoint = Some(exec(&["/ep", "e1"]));
        img.cmd = Some(exec(&["c0", "c1"]));
        let i = Some(&img);
        assert_eq!(run("", i).0, ["/ep", "e1", "c0", "c1"]);
        assert_eq!(run("      command: [a, b]\n", i).0, ["a", "b"]);
        assert_eq!(run("      args: [x]\n", i).0, ["/ep", "e1", "x"]);
        assert_eq!(
            run("      command: [a]\n      args: [x, z]\n", i).0,
            ["a", "x", "z"]
        );
        // Shell-form ENTRYPOINT ignores CMD and args.
        img.entrypoint = Some(shell_form("exec server"));
        let (v, _, sh) = run("      args: [x]\n", Some(&img));
        assert_eq!(v, ["/bin/sh", "-c", "exec server"]);
        assert!(sh);
        // Exec ENTRYPOINT + shell-form CMD.
        img.entrypoint = Some(exec(&["/ep"]));
        img.cmd = Some(shell_form("run it"));
        assert_eq!(run("", Some(&img)).0, ["/ep", "/bin/sh", "-c", "run it"]);
        // No ENTRYPOINT, shell-form CMD: a shell call kexit parses.
        img.entrypoint = None;
        let (v, _, sh) = run("", Some(&img));
        assert_eq!(v, ["/bin/sh", "-c", "run it"]);
        assert!(sh);
        // Unknown image: only `command` is known.
        let (v, unknown, _) = run("      args: [x]\n", None);
        assert!(unknown);
        assert_eq!(v, ["x"]);
        let (v, unknown, sh) = run("      command: [sh, -c, 'exec app']\n", None);
        assert!(!unknown && sh);
        assert_eq!(v, ["sh", "-c", "exec app"]);
    }

    #[test]
    fn dollar_var_expansion_uses_container_env_only() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: python:3.12-slim\n      command: ['$(BIN)', '$$(BIN)', '$(NOPE)', '$(PYTHON_VERSION)']\n      env:\n        - name: BIN\n          value: /bin/app\n";
        let project = crate::project::Project::load(
            vec![crate::project::Input::Text {
                name: "p.yaml".into(),
                kind: crate::discover::Kind::Manifest,
                text: text.into(),
            }],
            Default::default(),
        );
        let model = Model::build(&project);
        let procs = processes(&model);
        let v = procs[0].argv.values();
        assert_eq!(v, ["/bin/app", "$(BIN)", "$(NOPE)", "$(PYTHON_VERSION)"]);
        assert!(procs[0].argv.args[0].exact);
    }

    #[test]
    fn finds_the_c_string() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(shell_index_of_c(&v(&["sh", "-c", "x"])), Some(2));
        assert_eq!(shell_index_of_c(&v(&["bash", "-ec", "x"])), Some(2));
        assert_eq!(
            shell_index_of_c(&v(&["bash", "-o", "pipefail", "-c", "x"])),
            Some(4)
        );
        assert_eq!(shell_index_of_c(&v(&["sh", "script.sh"])), None);
        assert_eq!(shell_index_of_c(&v(&["sh", "-c"])), None);
        assert!(is_shell_name("/bin/bash"));
        assert!(!is_shell_name("/bin/bashful"));
    }
}

// ---------------------------------------------------------------------------------------------
// The command checks shared by KX103–KX111 and KX116
// ---------------------------------------------------------------------------------------------

/// The findings of every command check for every process (in process order), in parallel
/// over processes. [`Model::build`] stores them in `Model::command_checks`.
pub fn compute_command_checks(model: &Model<'_>) -> Vec<Finding> {
    use rayon::prelude::*;
    processes(model)
        .par_iter()
        .flat_map_iter(|p| {
            let mut v = Vec::new();
            checks::process(p, &mut v);
            v
        })
        .collect()
}

/// Run every command check and keep the findings of `rule` (each rule calls this with itself).
pub fn check_rule(model: &Model<'_>, rule: &'static crate::rules::Rule, out: &mut Vec<Finding>) {
    // Model::build fills it; the serial fallback keeps rayon work out of `get_or_init`.
    let all = model.command_checks.get_or_init(|| {
        let mut all = Vec::new();
        for p in processes(model) {
            checks::process(&p, &mut all);
        }
        all
    });
    let mut seen = std::collections::HashSet::new();
    for f in all.iter().filter(|f| f.rule.code == rule.code) {
        // The same Dockerfile problem reached from several containers: report it once. A
        // problem in a build-context script is reported once per outcome (severity, exit code),
        // whichever instructions or manifests execute it.
        let kind = model.file(f.span.file).kind;
        let in_dockerfile = kind != crate::source::FileKind::Manifest;
        let in_script = kind == crate::source::FileKind::Other;
        let key = (
            f.span,
            f.rule.code,
            f.container.clone().filter(|_| !in_dockerfile),
            f.labels.first().map(|l| l.span).filter(|_| !in_script),
            if in_script {
                format!("{:?}/{:?}", f.severity, f.exit_code)
            } else if in_dockerfile {
                String::new()
            } else {
                f.message.clone()
            },
        );
        if seen.insert(key) {
            out.push(f.clone());
        }
    }
}

use crate::finding::{Finding, Severity};

mod checks {
    use super::*;
    use crate::rules::{
        kx103_command_not_found as kx103, kx104_command_unverified as kx104,
        kx105_shell_missing as kx105, kx106_bash_missing as kx106, kx107_script_shebang as kx107,
        kx108_script_crlf as kx108, kx109_script_bom as kx109, kx110_not_executable as kx110,
        kx111_relative_command_path as kx111, kx116_bashism_in_sh_script as kx116,
    };

    fn base(name: &str) -> &str {
        name.rsplit('/').next().unwrap_or(name)
    }

    fn finding(
        p: &Process<'_, '_>,
        rule: &'static crate::rules::Rule,
        span: Span,
        msg: String,
    ) -> Finding {
        Finding::new(rule, span, msg)
            .object(Some(p.object()))
            .container(p.container.name)
    }

    /// Severity when the runtime cannot start the process at all.
    fn start_severity(kind: ProcKind) -> Severity {
        match kind {
            ProcKind::Probe("livenessProbe") | ProcKind::Hook("preStop") => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// Runtime message for a process that cannot start.
    fn start_symptom(kind: ProcKind, name: &str, why: &str) -> String {
        let core = if why == "missing" {
            if name.contains('/') {
                format!("exec: \"{name}\": stat {name}: no such file or directory")
            } else {
                format!("exec: \"{name}\": executable file not found in $PATH")
            }
        } else {
            format!("exec: \"{name}\": permission denied")
        };
        match kind {
            ProcKind::Main => core,
            ProcKind::Probe(pr) => {
                let label = match pr {
                    "livenessProbe" => "Liveness",
                    "readinessProbe" => "Readiness",
                    _ => "Startup",
                };
                format!("{label} probe errored: rpc error: code = Unknown desc = failed to exec in container: OCI runtime exec failed: {core}")
            }
            ProcKind::Hook(h) => format!(
                "{}Hook failed: OCI runtime exec failed: {core}",
                if h == "postStart" {
                    "PostStart"
                } else {
                    "PreStop"
                }
            ),
        }
    }

    /// How a shell reports a command that is not found.
    fn not_found_symptom(flavor: Option<ShellFlavor>, bash: bool, name: &str) -> String {
        if bash {
            return format!("bash: line 1: {name}: command not found");
        }
        match flavor {
            Some(ShellFlavor::Dash) => format!("sh: 1: {name}: not found"),
            Some(ShellFlavor::Busybox) => format!("sh: {name}: not found"),
            None => format!("{name}: not found"),
        }
    }

    fn image_label(p: &Process<'_, '_>, f: Finding) -> Finding {
        match p.image.and_then(|i| i.from_span) {
            Some(s) if s != f.span => f.label(s, "the image is built from this base"),
            _ => f,
        }
    }

    fn fact_label(f: Finding, fact: &PathFact) -> Finding {
        match &fact.origin {
            Some((s, m)) if *s != f.span => f.label(*s, m.clone()),
            _ => f,
        }
    }

    /// Point a finding about a script's own text at the script (where the fix goes) when the
    /// script is a project file, keeping the instruction or manifest item that executes it as a
    /// label. Scripts kexit only knows as ConfigMap keys or heredocs keep the original span.
    fn at_script(mut f: Finding, st: &ScriptText, range: Range<usize>) -> Finding {
        let Some(file) = st.file else {
            return f;
        };
        let old = f.span;
        let end = range.end.min(st.text.len());
        let start = range.start.min(end);
        f.labels.retain(|l| l.span.file != file);
        f.span = Span::new(file, start..end);
        if old.file == file {
            return f;
        }
        let how = match f.rule.code {
            "KX116" | "KX103" => "the script is run from here",
            _ => "the script is executed from here",
        };
        f.label(old, how)
    }

    /// Byte range of the first line of a script (without its line break).
    fn first_line(text: &str) -> Range<usize> {
        let end = text.find('\n').unwrap_or(text.len());
        let end = if text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        0..end
    }

    pub(super) fn process(p: &Process<'_, '_>, out: &mut Vec<Finding>) {
        let Some(a0) = p.argv.argv0() else {
            return;
        };
        // Whitespace is KX101's; a `$(NAME)` left literal is KX112's.
        if !a0.exact
            || a0.value.is_empty()
            || a0.value.contains(char::is_whitespace)
            || a0.value.contains("$(")
        {
            return;
        }
        let name = a0.value.clone();
        let span = p.primary_span(0);
        match p.find(&name) {
            Found::No(fact) => missing_argv0(p, &name, span, &fact, out),
            Found::Unknown if name.contains('/') && !name.starts_with('/') => {
                relative_elsewhere(p, &name, span, out);
            }
            Found::Unknown => {
                let unmodelled = p.image.is_none_or(|i| !i.base_known);
                if unmodelled
                    && a0.part == Part::Command
                    && p.kind == ProcKind::Main
                    && !name.contains('/')
                    && !name.starts_with('-')
                    && !likely_in_image(&name, p.container.image().unwrap_or(""))
                    // A templated reference (`${IMAGE}`, `<REPO>/x`) says nothing either way.
                    && !p
                        .container
                        .image()
                        .unwrap_or("")
                        .contains(['$', '<', '{'])
                {
                    let image = p.container.image().unwrap_or("?");
                    out.push(
                        finding(p, &kx104::RULE, span, format!(
                            "{} runs `{name}`, which could not be verified: kexit does not know what image `{image}` contains; if `{name}` is not on its PATH the container fails to start (StartError, exit 128)",
                            p.who()
                        ))
                        .help("Link the image to its Dockerfile (skaffold.yaml, `imageLinks` in .kexit.yaml) or use an absolute path that you know exists")
                        .symptom(format!("exec: \"{name}\": executable file not found in $PATH")),
                    );
                }
            }
            Found::Yes(fact) => {
                if fact.is_dir == Tri::Yes {
                    return;
                }
                if fact.executable == Tri::No {
                    not_executable(p, &name, span, &fact, true, out);
                    return;
                }
                if base(&name) == "env" {
                    env_target(p, span, out);
                }
                if p.argv.shell.is_none() && !is_shell_name(&name) {
                    script_checks(p, &fact.path, span, true, out);
                }
            }
        }
        if let Some(sc) = &p.argv.shell {
            if matches!(p.find(&name), Found::Yes(_)) {
                shell_string(p, sc, &name, out);
            }
        } else if is_shell_name(&name) && matches!(p.find(&name), Found::Yes(_)) {
            // `sh script.sh [args]`: the shell reads the file (no exec bit, no shebang needed).
            if let Some(script_arg) = p.argv.args.get(1) {
                let v = &script_arg.value;
                if !v.starts_with('-')
                    && script_arg.exact
                    && (v.contains('/') || v.ends_with(".sh"))
                {
                    if let Some(wd) = p.workdir.path.as_deref().or(if v.starts_with('/') {
                        Some("/")
                    } else {
                        None
                    }) {
                        let abs = crate::image::build::normalize(wd, v);
                        let span = p.primary_span(1);
                        if let Some(st) = p.script(&abs) {
                            sh_reads_script(p, &name, &st, &abs, span, out);
                        }
                    }
                }
            }
        }
    }

    /// `sh script.sh [args]`: the shell reads the file itself (no exec bit or shebang needed),
    /// so only what the shell makes of its text matters.
    fn sh_reads_script(
        p: &Process<'_, '_>,
        shell_prog: &str,
        st: &ScriptText,
        abs: &str,
        span: Span,
        out: &mut Vec<Finding>,
    ) {
        if st.text.contains("\r\n") {
            let f = finding(
                p,
                &kx108::RULE,
                span,
                format!(
                    "{} runs {} ({abs}) with `{shell_prog}`, but its lines end in CRLF: the shell sees a carriage return at the end of every command (`set -e\\r`, `exec app\\r` …), so options, paths and the last argument of each line are wrong",
                    p.who(),
                    st.describe
                ),
            )
            .severity(Severity::Warning)
            .exit_code(None)
            .symptom(format!("{abs}: 2: set: Illegal option -"))
            .help("Convert the script to LF line endings (`dos2unix`, `.gitattributes`: `*.sh text eol=lf`)");
            out.push(f);
            return;
        }
        bashisms_in_text(p, shell_prog, st, span, out);
        script_commands(p, st, abs, shell_prog, span, Some(2), out);
    }

    fn missing_argv0(
        p: &Process<'_, '_>,
        name: &str,
        span: Span,
        fact: &PathFact,
        out: &mut Vec<Finding>,
    ) {
        // A volume hiding the command is KX304's (reported at the mount, where the fix goes);
        // a container `env` PATH that leaves the command out is KX117's.
        if fact.mounted.is_some() && p.moved_by_workingdir(name) {
            relative_elsewhere(p, name, span, out);
            return;
        }
        if (fact.mounted.is_some() && !p.image_lacks(&fact.path))
            || (!name.contains('/')
                && p.container
                    .env()
                    .iter()
                    .any(|e| e.get("name").and_then(crate::yaml::Node::as_str) == Some("PATH")))
        {
            return;
        }
        // An image ENTRYPOINT/CMD naming an absolute path its (leaf) stage never creates is
        // KX122's, reported once at the Dockerfile instruction.
        if kx122_covers(p, name) {
            return;
        }
        let kind = p.kind;
        let b = base(name);
        let sh_present = p.at("/bin/sh").exists;
        let implicit = p.argv.shell.as_ref().is_some_and(|s| s.implicit);
        let (rule, what): (&'static crate::rules::Rule, String) = if is_shell_name(name) {
            if b == "bash" && sh_present == Tri::Yes {
                (
                    &kx106::RULE,
                    format!(
                        "`{name}`, but {} has no bash (only busybox sh)",
                        p.image_desc()
                    ),
                )
            } else if implicit {
                (
                    &kx105::RULE,
                    format!(
                        "`{name}` because its ENTRYPOINT/CMD is in shell form, but {} has no shell",
                        p.image_desc()
                    ),
                )
            } else {
                (
                    &kx105::RULE,
                    format!("`{name}`, but {} has no shell", p.image_desc()),
                )
            }
        } else if name.contains('/') && !name.starts_with('/') {
            let wd = p.workdir.path.clone().unwrap_or_else(|| "/".into());
            (&kx111::RULE, format!("`{name}`, which resolves against the working directory `{wd}` to `{}`, and nothing is there", fact.path))
        } else if name.starts_with('/') {
            let hidden = fact
                .mounted
                .as_ref()
                .map(|m| format!(" ({m} is mounted over its directory)"))
                .unwrap_or_default();
            (
                &kx103::RULE,
                format!(
                    "`{name}`, which does not exist in {}{hidden}",
                    p.image_desc()
                ),
            )
        } else {
            (
                &kx103::RULE,
                format!(
                    "`{name}`, which is not on the PATH of {} (PATH={})",
                    p.image_desc(),
                    fact.path
                ),
            )
        };
        let mut f = finding(
            p,
            rule,
            span,
            format!("{} runs {what}: {}", p.who(), kind.start_failure()),
        )
        .severity(start_severity(kind))
        .exit_code(kind.start_exit())
        .symptom(start_symptom(kind, name, "missing"));
        f = f.help(match rule.code {
            "KX105" => "Use an exec-form command that needs no shell (`[\"/app/server\"]`), or a base image with a shell (a `:debug` distroless tag has `/busybox/sh`)".to_string(),
            "KX106" => "Install bash in the image (`RUN apk add --no-cache bash`) or use `sh`".to_string(),
            "KX111" => "Use an absolute path, or set `workingDir` to the directory that holds the file".to_string(),
            _ => format!("Install `{b}` in the image, or use the path where it really is"),
        });
        f = fact_label(f, fact);
        out.push(image_label(p, f));
    }

    fn kx122_covers(p: &Process<'_, '_>, name: &str) -> bool {
        let Some(a0) = p.argv.argv0() else {
            return false;
        };
        let Some(img) = p.image else { return false };
        let (Some(di), Some(si)) = (img.dockerfile, img.stage) else {
            return false;
        };
        let from_image = matches!(a0.part, Part::Entrypoint | Part::Cmd);
        let leaf = p
            .model
            .dockerfiles()
            .get(di)
            .is_some_and(|d| d.leaf_stages().contains(&si));
        let first = img
            .entrypoint
            .as_ref()
            .or(img.cmd.as_ref())
            .and_then(|c| match &c.form {
                CommandForm::Exec(v) => v.first().cloned(),
                _ => None,
            });
        from_image
            && leaf
            && p.kind == ProcKind::Main
            && name.starts_with('/')
            && first.as_deref() == Some(name)
            && img.exists(name) == Tri::No
    }

    /// `./run.sh` with a `workingDir` where kexit cannot see the file, while the image has it
    /// under its own WORKDIR: the override moved the lookup away from the file.
    fn relative_elsewhere(p: &Process<'_, '_>, name: &str, span: Span, out: &mut Vec<Finding>) {
        let Some(img) = p.image else { return };
        if !p.workdir.from_manifest || !img.base_known {
            return;
        }
        let Some(wd) = p.workdir.path.as_deref() else {
            return;
        };
        if crate::image::build::normalize("/", &img.workdir) == wd {
            return;
        }
        let there = crate::image::build::normalize(&img.workdir, name);
        let fact = p.at(&there);
        if fact.exists != Tri::Yes || fact.is_dir == Tri::Yes {
            return;
        }
        // What was created in the image is known; the `workingDir` target is not (a base image
        // directory kexit does not list), so this is the likely case, not a certain one, unless
        // nothing can be there.
        let target = crate::image::build::normalize(wd, name);
        let certain = p.at(&target).exists == Tri::No;
        let mut f = finding(p, &kx111::RULE, span, format!(
            "{} runs `{name}`, which resolves against `workingDir: {wd}` to `{target}`, but the image has the file at `{there}` (its WORKDIR is `{}`): {}",
            p.who(), img.workdir, p.kind.start_failure()
        ))
        .severity(if certain { Severity::Error } else { start_severity(p.kind) })
        .exit_code(p.kind.start_exit())
        .symptom(format!("exec: \"{name}\": stat {name}: no such file or directory"))
        .help(format!("Use the absolute path `{there}`, or drop the `workingDir` override"));
        if let Some(s) = p.workdir.span {
            f = f.label(s, "working directory set here");
        }
        out.push(fact_label(f, &fact));
    }

    fn not_executable(
        p: &Process<'_, '_>,
        name: &str,
        span: Span,
        fact: &PathFact,
        direct: bool,
        out: &mut Vec<Finding>,
    ) {
        let src = match &fact.mounted {
            Some(m) => format!("{m} is mounted without the exec bit (defaultMode/mode defaults to 0644)"),
            None => "the file has no exec bit in the image (COPY keeps the build-context mode; no `--chmod` or `RUN chmod +x`)".to_string(),
        };
        let (msg, sev, exit, symptom, help) = if direct {
            (
                format!(
                    "{} executes `{name}` ({}) directly, but {src}: {}",
                    p.who(),
                    fact.path,
                    p.kind
                        .start_failure()
                        .replace("`docker run` gives 127", "`docker run` gives 126")
                ),
                start_severity(p.kind),
                p.kind.start_exit(),
                start_symptom(p.kind, name, "perm"),
                if fact.mounted.is_some() {
                    "Set `defaultMode: 0755` (or `items[].mode: 0755`) on the volume, or run it as `sh /path/script.sh`"
                } else {
                    "Use `COPY --chmod=755`, or `RUN chmod +x` the file, or run it through its interpreter (`sh script.sh`)"
                },
            )
        } else {
            (
                format!(
                    "{} runs `{name}` ({}) from a shell, but {src}: {}",
                    p.who(),
                    fact.path,
                    p.kind.run_failure(126)
                ),
                Severity::Error,
                p.kind.run_exit(126),
                format!("sh: 1: {name}: Permission denied"),
                if fact.mounted.is_some() {
                    "Set `defaultMode: 0755` on the volume, or run it as `sh /path/script.sh`"
                } else {
                    "Use `COPY --chmod=755`, or `RUN chmod +x` the file"
                },
            )
        };
        let f = finding(p, &kx110::RULE, span, msg)
            .severity(sev)
            .exit_code(exit)
            .symptom(symptom)
            .help(help);
        out.push(fact_label(f, fact));
    }

    /// `env [opts] [NAME=V…] X …`: X must resolve (env exits 127 otherwise).
    fn env_target(p: &Process<'_, '_>, _span: Span, out: &mut Vec<Finding>) {
        let args = &p.argv.args;
        let mut k = 1;
        while k < args.len() {
            let v = args[k].value.as_str();
            if v == "-u" || v == "-C" {
                k += 2;
            } else if v == "-S" || v.starts_with("-S") || v.starts_with("--split") {
                return;
            } else if v == "--" {
                k += 1;
                break;
            } else if v.starts_with('-') || v.contains('=') {
                k += 1;
            } else {
                break;
            }
        }
        let Some(a) = args.get(k) else { return };
        if !a.exact || a.value.is_empty() {
            return;
        }
        if let Found::No(fact) = p.find(&a.value) {
            let name = &a.value;
            let span = p.primary_span(k);
            let rule: &'static crate::rules::Rule = if is_shell_name(name) {
                if base(name) == "bash" && p.at("/bin/sh").exists == Tri::Yes {
                    &kx106::RULE
                } else {
                    &kx105::RULE
                }
            } else {
                &kx103::RULE
            };
            let f = finding(
                p,
                rule,
                span,
                format!(
                "{} runs `env {name}`, but `{name}` is not on the PATH of {}: env exits 127 and {}",
                p.who(), p.image_desc(), p.kind.run_failure(127)
            ),
            )
            .exit_code(p.kind.run_exit(127))
            .symptom(format!("env: '{name}': No such file or directory"))
            .help(format!(
                "Install `{name}` in the image or use its absolute path"
            ));
            out.push(image_label(p, fact_label(f, &fact)));
        }
    }

    fn shell_string(p: &Process<'_, '_>, sc: &ShellCall, shell_prog: &str, out: &mut Vec<Finding>) {
        let is_bash = base(shell_prog) == "bash";
        let flavor = if is_bash {
            None
        } else {
            p.flavor_of(shell_prog)
        };
        let script = &sc.script;
        let sets_path = script.changes_path;
        // After a `cd`, relative paths resolve somewhere kexit does not follow.
        let changes_dir = script
            .commands
            .iter()
            .any(|c| matches!(c.name.text.as_str(), "cd" | "pushd" | "popd"));
        for cmd in script.literal_commands() {
            let name = cmd.name.text.as_str();
            if name.is_empty()
                || shell::is_builtin(name)
                || (is_bash && shell::is_bash_builtin(name))
            {
                continue;
            }
            if shell::is_bash_builtin(name) || name == "[[" || name == "]]" {
                continue;
            }
            if cmd.flow == shell::Flow::Conditional
                || script.is_probed(name)
                || script.functions.contains(name)
            {
                continue;
            }
            if changes_dir && name.contains('/') && !name.starts_with('/') {
                continue;
            }
            if sets_path && !name.contains('/') {
                continue;
            }
            let span = p
                .span_in(sc.script_index, cmd.name.range.clone())
                .unwrap_or_else(|| p.primary_span(sc.script_index));
            match p.find(name) {
                Found::No(fact) => {
                    let fatal = cmd.fatal || script.errexit || cmd.exec;
                    let b = base(name);
                    let sh_present = p.at("/bin/sh").exists;
                    let rule: &'static crate::rules::Rule = if is_shell_name(name) {
                        if b == "bash" && sh_present == Tri::Yes {
                            &kx106::RULE
                        } else {
                            &kx105::RULE
                        }
                    } else if name.contains('/') && !name.starts_with('/') {
                        &kx111::RULE
                    } else {
                        &kx103::RULE
                    };
                    let where_ = if name.contains('/') {
                        format!("`{}` does not exist in {}", fact.path, p.image_desc())
                    } else {
                        format!("`{name}` is not on the PATH of {}", p.image_desc())
                    };
                    let consequence = if fatal {
                        format!("the shell exits 127 and {}", p.kind.run_failure(127))
                    } else {
                        "the shell prints `not found` and carries on without it".to_string()
                    };
                    let mut f = finding(p, rule, span, format!(
                        "{} runs `{name}` through `{shell_prog}`, but {where_}: {consequence}",
                        p.who()
                    ))
                    .symptom(not_found_symptom(flavor, is_bash, name))
                    .help(match rule.code {
                        "KX106" => "Install bash (`RUN apk add --no-cache bash`) or use `sh`".to_string(),
                        "KX111" => "Use an absolute path or `cd` to the right directory first".to_string(),
                        _ => format!("Install `{b}` in the image (it is not part of the base), or call a tool the image has"),
                    });
                    if fatal {
                        f = f.exit_code(p.kind.run_exit(127));
                    } else {
                        f = f.severity(Severity::Warning).exit_code(None);
                    }
                    if !sc.implicit
                        && p.argv
                            .args
                            .get(sc.script_index)
                            .is_some_and(|a| !a.part.in_manifest())
                    {
                        // string comes from the Dockerfile: fine as is
                    }
                    out.push(image_label(p, fact_label(f, &fact)));
                }
                Found::Yes(fact) => {
                    if fact.is_dir == Tri::Yes {
                        continue;
                    }
                    if fact.executable == Tri::No {
                        not_executable(p, name, span, &fact, false, out);
                        continue;
                    }
                    if !is_shell_name(name) {
                        script_checks(p, &fact.path, span, false, out);
                    }
                }
                Found::Unknown => {}
            }
            // `sh script.sh` inside the string.
            if is_shell_name(name) && !is_bash {
                if let Some(arg) = cmd
                    .args
                    .first()
                    .filter(|a| a.literal && !a.text.starts_with('-'))
                {
                    if let Some(wd) = p.workdir.path.as_deref().or(if arg.text.starts_with('/') {
                        Some("/")
                    } else {
                        None
                    }) {
                        let abs = crate::image::build::normalize(wd, &arg.text);
                        if let Some(st) = p.script(&abs) {
                            bashisms_in_text(p, name, &st, span, out);
                        }
                    }
                }
            }
        }
        // Bash syntax in the -c string itself.
        if let Some(fl) = flavor {
            for b in &script.bashisms {
                if !b.kind.breaks(fl) {
                    continue;
                }
                let span = p
                    .span_in(sc.script_index, b.range.clone())
                    .unwrap_or_else(|| p.primary_span(sc.script_index));
                let (code, msg) = b.kind.outcome(fl);
                let sh = if fl == ShellFlavor::Dash {
                    "dash"
                } else {
                    "busybox sh"
                };
                let f = finding(p, &kx116::RULE, span, format!(
                    "{} uses {} in a `{shell_prog} -c` string, but `/bin/sh` in {} is {sh}, which does not support it: {}",
                    p.who(), b.kind.describe(), p.image_desc(),
                    if b.kind.fatal() { p.kind.run_failure(2) } else { format!("it prints `{msg}` (status {code}) and goes on without it") }
                ))
                // A `not found` from `[[`/`source` rarely ends the shell by itself (in an `if` the
                // condition is just false): no exit code unless it is a syntax error.
                .exit_code(if b.kind.fatal() { p.kind.run_exit(2) } else { None })
                .symptom(format!("sh: 1: {msg}"))
                .help("Use POSIX syntax (`.` for `source`, `[ ]` for `[[ ]]`, `name() {`), or run it with `bash -c` on an image that has bash");
                out.push(image_label(p, f));
            }
        }
    }

    /// Checks on a script file the process executes (directly, or from a shell when `direct` is
    /// false): BOM, shebang, CRLF, interpreter, bashisms.
    fn script_checks(
        p: &Process<'_, '_>,
        path: &str,
        span: Span,
        direct: bool,
        out: &mut Vec<Finding>,
    ) {
        let Some(st) = p.script(path) else { return };
        let text = st.text.as_str();
        let label = |f: Finding, msg: &str| -> Finding {
            match st.span {
                Some(s) if s != f.span => f.label(s, msg.to_string()),
                _ => f,
            }
        };
        let runc_exit = |code: u16| {
            if p.kind == ProcKind::Main {
                Some(code)
            } else {
                None
            }
        };
        // The kernel refuses the file itself (no usable `#!`): runc's execve fails inside the
        // started container.
        let exec_format_error = |rule: &'static crate::rules::Rule, why: &str, help: &str| {
            let f = finding(
                p,
                rule,
                span,
                format!(
                    "{} executes {} ({path}){why} (exec format error); {}",
                    p.who(),
                    st.describe,
                    p.kind.exec_failure()
                ),
            )
            .exit_code(runc_exit(255))
            .symptom(format!("exec {path}: exec format error"))
            .help(help);
            at_script(label(f, "the script"), &st, first_line(text))
        };
        if text.starts_with('\u{feff}') {
            if direct {
                out.push(exec_format_error(
                    &kx109::RULE,
                    ", which starts with a UTF-8 byte-order mark before `#!`: the kernel does not see the shebang and refuses the file",
                    "Save the script as UTF-8 without BOM",
                ));
            }
            return;
        }
        let Some(sb) = shell::shebang(text) else {
            if direct && !text.starts_with("\x7fELF") && looks_like_script(text) {
                out.push(exec_format_error(
                    &kx107::RULE,
                    " directly, but it has no `#!` line: the kernel cannot run it",
                    "Add a shebang as the first line (`#!/bin/sh`), or run it as `sh script`",
                ));
            }
            return;
        };
        let (fail_text, fail_exit) = if direct {
            (p.kind.exec_failure(), runc_exit(255))
        } else {
            (
                format!("the shell reports 127 and {}", p.kind.run_failure(127)),
                p.kind.run_exit(127),
            )
        };
        if sb.crlf {
            let interp = sb.interpreter.trim_end_matches('\r');
            let f = finding(p, &kx108::RULE, span, format!(
                "{} executes {} ({path}), whose lines end in CRLF: the kernel looks for the interpreter `{interp}\\r`, which does not exist; {fail_text}",
                p.who(), st.describe
            ))
            .exit_code(fail_exit)
            .symptom(if direct { format!("exec {path}: no such file or directory") } else { format!("{path}: cannot execute: required file not found (bash: `/bin/sh^M: bad interpreter`)") })
            .help("Convert the script to LF line endings (`dos2unix`, `.gitattributes`: `*.sh text eol=lf`)");
            out.push(at_script(label(f, "the script"), &st, first_line(text)));
            return;
        }
        let interp = sb.interpreter.as_str();
        if !interp.starts_with('/') {
            return;
        }
        let ifact = p.at(interp);
        let sh_present = p.at("/bin/sh").exists;
        if ifact.exists == Tri::No {
            let b = base(interp);
            let rule: &'static crate::rules::Rule = if is_shell_name(interp) {
                if b == "bash" && sh_present == Tri::Yes {
                    &kx106::RULE
                } else {
                    &kx105::RULE
                }
            } else {
                &kx107::RULE
            };
            let f = finding(p, rule, span, format!(
                "{} executes {} ({path}) whose shebang names `{interp}`, which does not exist in {}; {fail_text}",
                p.who(), st.describe, p.image_desc()
            ))
            .exit_code(fail_exit)
            .symptom(if direct { format!("exec {path}: no such file or directory") } else { format!("{path}: not found") })
            .help(if rule.code == "KX106" { "Install bash (`RUN apk add --no-cache bash`) or change the shebang to `#!/bin/sh` (and keep the script POSIX)".to_string() } else { format!("Install `{b}` in the image, or change the shebang to an interpreter the image has") });
            out.push(at_script(
                image_label(p, label(f, "shebang line of the script")),
                &st,
                first_line(text),
            ));
            return;
        }
        if ifact.exists == Tri::Yes && sb.via_env() {
            let prog = sb.program().to_string();
            if let Found::No(_) = p.find(&prog) {
                let rule: &'static crate::rules::Rule = if prog == "bash" && sh_present == Tri::Yes
                {
                    &kx106::RULE
                } else {
                    &kx107::RULE
                };
                let f = finding(p, rule, span, format!(
                    "{} executes {} ({path}) with `#!{interp} {prog}`, but `{prog}` is not on the PATH of {}: env exits 127 and {}",
                    p.who(), st.describe, p.image_desc(), p.kind.run_failure(127)
                ))
                .exit_code(p.kind.run_exit(127))
                .symptom(format!("/usr/bin/env: '{prog}': No such file or directory"))
                .help(format!("Install `{prog}` in the image, or point the shebang at an interpreter it has"));
                out.push(at_script(
                    image_label(p, label(f, "shebang line of the script")),
                    &st,
                    first_line(text),
                ));
                return;
            }
        }
        // bash syntax in a `#!/bin/sh` script.
        if base(interp) == "sh" || base(interp) == "ash" || base(interp) == "dash" {
            bashisms_in_text(p, interp, &st, span, out);
        }
        let shell_prog = if sb.via_env() { sb.program() } else { interp };
        if is_shell_name(shell_prog) {
            script_commands(
                p,
                &st,
                path,
                shell_prog,
                span,
                if direct { Some(1) } else { None },
                out,
            );
        }
    }

    /// Commands a shell script runs that are not in the image, and for an entrypoint script that
    /// ends in `exec "$@"`, the command it is given.
    fn script_commands(
        p: &Process<'_, '_>,
        st: &ScriptText,
        path: &str,
        shell_prog: &str,
        span: Span,
        args_from: Option<usize>,
        out: &mut Vec<Finding>,
    ) {
        let script = shell::parse(&st.text);
        let is_bash = base(shell_prog) == "bash";
        let flavor = if is_bash {
            None
        } else {
            p.flavor_of(shell_prog)
        };
        let line_of = |at: usize| st.text[..at.min(st.text.len())].matches('\n').count() + 1;
        let label = |f: Finding, range: Range<usize>, msg: String| -> Finding {
            match (st.file, st.span) {
                (Some(file), _) => f.label(Span::new(file, range), msg),
                (None, Some(s)) => f.label(s, msg),
                _ => f,
            }
        };
        let not_found = |name: &str, line: usize| -> String {
            match (is_bash, flavor) {
                (true, _) => format!("{path}: line {line}: {name}: command not found"),
                (false, Some(ShellFlavor::Dash)) => format!("{path}: {line}: {name}: not found"),
                _ => format!("{path}: line {line}: {name}: not found"),
            }
        };
        for cmd in script.literal_commands() {
            let name = cmd.name.text.as_str();
            if name.is_empty()
                || shell::is_builtin(name)
                || shell::is_bash_builtin(name)
                || name == "[["
                || cmd.flow == shell::Flow::Conditional
                || script.is_probed(name)
                || script.functions.contains(name)
                || (script.changes_path && !name.contains('/'))
                || (name.contains('/') && !name.starts_with('/'))
            {
                continue;
            }
            let Found::No(fact) = p.find(name) else {
                continue;
            };
            let fatal = cmd.fatal || script.errexit || cmd.exec;
            let line = line_of(cmd.name.range.start);
            let consequence = if fatal {
                format!("the script exits 127 and {}", p.kind.run_failure(127))
            } else {
                "the script prints `not found` and carries on without it".to_string()
            };
            let mut f = finding(
                p,
                &kx103::RULE,
                span,
                format!(
                    "{} runs {} ({path}), which calls `{name}` on line {line}, but `{name}` is not in {}: {consequence}",
                    p.who(),
                    st.describe,
                    p.image_desc()
                ),
            )
            .symptom(not_found(name, line))
            .help(format!(
                "Install `{}` in the image, or remove the call from the script",
                base(name)
            ));
            f = if fatal {
                f.exit_code(p.kind.run_exit(127))
            } else {
                f.severity(Severity::Warning).exit_code(None)
            };
            let f = if st.file.is_some() {
                at_script(f, st, cmd.name.range.clone())
            } else {
                label(
                    f,
                    cmd.name.range.clone(),
                    format!("`{name}` is called here"),
                )
            };
            out.push(image_label(p, fact_label(f, &fact)));
        }
        // `exec "$@"`: the script runs the rest of argv.
        let Some(first_arg) = args_from else {
            return;
        };
        if script.rewrites_args || script.changes_path {
            return;
        }
        let Some(exec_args) = script.commands.iter().find(|c| {
            c.exec && !c.name.literal && c.name.text == "$@" && c.flow == shell::Flow::Plain
        }) else {
            return;
        };
        let Some(target) = p.argv.args.get(first_arg) else {
            return;
        };
        let name = target.value.as_str();
        if !target.exact
            || name.is_empty()
            || name.starts_with('-')
            || name.contains(char::is_whitespace)
            || (name.contains('/') && !name.starts_with('/'))
        {
            return;
        }
        let Found::No(fact) = p.find(name) else {
            return;
        };
        let line = line_of(exec_args.name.range.start);
        let from = match target.part {
            Part::Command => "`command`",
            Part::Args => "`args`",
            Part::Entrypoint => "the image ENTRYPOINT",
            Part::Cmd | Part::ShellPrefix => "the image CMD",
        };
        let f = finding(
            p,
            &kx103::RULE,
            p.primary_span(first_arg),
            format!(
                "{} starts {} ({path}), which ends in `exec \"$@\"` and so runs `{name}` from {from}, but `{name}` is not in {}: the script exits 127 and {}",
                p.who(),
                st.describe,
                p.image_desc(),
                p.kind.run_failure(127)
            ),
        )
        .exit_code(p.kind.run_exit(127))
        .symptom(match (is_bash, flavor) {
            (true, _) => format!("{path}: line {line}: exec: {name}: not found"),
            (false, Some(ShellFlavor::Dash)) => format!("{path}: {line}: exec: {name}: not found"),
            _ => format!("{path}: line {line}: exec: {name}: not found"),
        })
        .help(format!("Install `{}` in the image, or pass a command it has", base(name)));
        let f = label(
            f,
            exec_args.name.range.clone(),
            "`exec \"$@\"` runs the arguments".to_string(),
        );
        out.push(image_label(p, fact_label(f, &fact)));
    }

    fn bashisms_in_text(
        p: &Process<'_, '_>,
        shell_prog: &str,
        st: &ScriptText,
        span: Span,
        out: &mut Vec<Finding>,
    ) {
        let Some(fl) = p.flavor_of(shell_prog) else {
            return;
        };
        let script = shell::parse(&st.text);
        let Some(b) = script.bashisms.iter().find(|b| b.kind.breaks(fl)) else {
            return;
        };
        let (_, msg) = b.kind.outcome(fl);
        let sh = if fl == ShellFlavor::Dash {
            "dash"
        } else {
            "busybox sh"
        };
        let line = st.text[..b.range.start.min(st.text.len())]
            .matches('\n')
            .count()
            + 1;
        // `source x` / `declare …` is a command dash cannot find (status 127): under `set -e`
        // at top level, or as the script's last command, that ends the script with 127.
        let aborts = matches!(
            b.kind,
            shell::BashismKind::Source | shell::BashismKind::Builtin(_)
        ) && script.commands.iter().any(|c| {
            c.name.range.start == b.range.start
                && c.flow == shell::Flow::Plain
                && (c.fatal || (script.errexit && c.next_op != Some("&&")))
        });
        let outcome = if b.kind.fatal() {
            format!("{sh} stops with a syntax error (exit 2)")
        } else if aborts {
            format!(
                "{sh} prints `{msg}` and the script stops there with 127{}",
                match p.kind {
                    ProcKind::Main => String::new(),
                    k => format!(": {}", k.run_failure(127)),
                }
            )
        } else {
            format!("{sh} prints `{msg}` and the script goes on without it")
        };
        let exit = if b.kind.fatal() {
            p.kind.run_exit(2)
        } else if aborts {
            p.kind.run_exit(127)
        } else {
            None
        };
        let mut f = finding(p, &kx116::RULE, span, format!(
            "{} runs {} with `{shell_prog}`, which is {sh} in {}, but the script uses {} (line {line}): {outcome}",
            p.who(), st.describe, p.image_desc(), b.kind.describe(),
        ))
        .exit_code(exit)
        .symptom(format!("{line}: {msg}"))
        .help("Change the shebang to `#!/bin/bash` (on an image with bash) or use POSIX syntax (`.` for `source`, `[ ]` for `[[ ]]`)");
        if st.file.is_some() {
            f = at_script(f, st, b.range.clone());
        } else if let Some(s) = st.span {
            f = f.label(s, "the script".to_string());
        }
        out.push(f);
    }

    /// A bare name an unknown image almost certainly has: `sh`, or the image's own program
    /// (`perl` in `perl:5`, `redis-server` in `redis`).
    fn likely_in_image(name: &str, image: &str) -> bool {
        // `sh` and coreutils: every image with a userland has them (the ones without one, scratch
        // and distroless, are in the catalogue).
        if matches!(
            name,
            "sh" | "sleep"
                | "cp"
                | "cat"
                | "ls"
                | "echo"
                | "true"
                | "mkdir"
                | "env"
                | "tail"
                | "touch"
                | "rm"
                | "mv"
                | "chmod"
                | "ln"
        ) {
            return true;
        }
        let repo = crate::image::repository(image);
        let last = repo.rsplit('/').next().unwrap_or(repo).to_ascii_lowercase();
        let n = name.to_ascii_lowercase();
        let stem = |s: &str| {
            s.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
                .to_string()
        };
        let (n, last) = (stem(&n), stem(&last));
        let prefix = |a: &str, b: &str| b.len() >= 4 && a.starts_with(b);
        !n.is_empty() && !last.is_empty() && (n == last || prefix(&n, &last) || prefix(&last, &n))
    }

    /// Plain text that reads like a script (not a binary or data file kexit happened to read).
    fn looks_like_script(text: &str) -> bool {
        let head: String = text.chars().take(2000).collect();
        !head.contains('\0')
            && head.lines().any(|l| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#')
            })
    }
}
