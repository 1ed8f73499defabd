//! The runtime-neutral process model: a process started in a container from an image, with an
//! argv, env, user, working directory, mounts, memory limit and stop grace. Every 127/137 rule
//! checks one of these, whatever started it.
//!
//! A [`ProcessGroup`] holds the facts the processes of one container share (env, mounts,
//! working directory, user) and its processes: the main process (PID 1) first, then the extra
//! processes the runtime execs in the same container (exec probes, lifecycle hooks, a Docker
//! HEALTHCHECK). A [`Process`] is a cheap view of one of them with the lookups the rules need:
//! [`Process::at`] (what the container sees at a path: mounts first, then the image),
//! [`Process::find`] (argv[0] resolution as execve and the shell do it: the one PATH resolver of
//! the model), [`Process::script`] (the text of a script it runs).
//!
//! Front ends build groups; each is a small module here:
//! - [`kubernetes`]: a container of a workload (`command`/`args` over the image ENTRYPOINT/CMD,
//!   `$(VAR)` expansion, exec probes, exec lifecycle hooks; init, sidecar and ephemeral
//!   containers are containers too, see [`crate::k8s::ContainerKind`]).
//! - [`docker`]: the image's own default process as `docker run IMAGE` starts it (ENTRYPOINT/CMD
//!   per the combination table of semantics.md §2, and its HEALTHCHECK).
//!
//! To add a front end (e.g. a Compose service): add a variant to [`Site`] naming where the
//! process is declared (indices into the model, not references), write a module that builds a
//! [`ProcessGroup`] (argv with spans via [`Arg`], env as an [`Env`], mounts as [`Mounts`], a
//! [`WorkDir`], the user), give [`Runtime`] the matching view variant and teach the few
//! `match`es on it in this file (`who`, `object`, `container_name`, `fallback_span`) what to
//! say. The exec analysis ([`crate::model::exec`]) and every command rule then work unchanged.
//! [`Model::build`] computes the Kubernetes groups once; [`all`] hands out views of them.

pub mod compose;
pub mod docker;
pub mod kubernetes;
mod lookup;
pub(crate) mod pid1;

use crate::finding::ObjectRef;
use crate::image::{CommandForm, Image, ImageCommand, Tri};
use crate::k8s::{Container, Workload};
use crate::model::env::Env;
use crate::model::volumes::Mounts;
use crate::model::Model;
use crate::shell::{self, Script};
use crate::source::{FileId, Span};
use crate::yaml::Node;

pub use compose::Binds;
pub use lookup::{ArgPlace, Found, PathSearch, MAX_PATH_DIRS};

/// Where an argv element comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Container `command` (or an exec probe's / hook's `command`).
    Command,
    /// Container `args`.
    Args,
    /// Image ENTRYPOINT.
    Entrypoint,
    /// Image CMD (or the HEALTHCHECK command).
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
    /// Where the value's bytes are in the file, worked out once ([`Process::span_in`]); boxed,
    /// as most elements are never asked (16 bytes per element, not 56).
    pub place: std::sync::OnceLock<Box<lookup::ArgPlace>>,
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
    /// Shared by every process that runs the same text ([`shell::parse_shared`]).
    pub script: std::sync::Arc<Script>,
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
    /// The image's HEALTHCHECK command (`docker run`, Compose).
    Healthcheck,
}

impl ProcKind {
    /// `livenessProbe` / `lifecycle.postStart` / "container".
    pub fn describe(self) -> String {
        match self {
            ProcKind::Main => "the container command".to_string(),
            ProcKind::Probe(p) => format!("the exec {p}"),
            ProcKind::Hook(h) => format!("the {h} exec hook"),
            ProcKind::Healthcheck => "the HEALTHCHECK command".to_string(),
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
            ProcKind::Healthcheck => "the health check cannot start, so Docker marks the container unhealthy",
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
            ProcKind::Healthcheck => format!("the health check exits {code} on every run, so Docker marks the container unhealthy"),
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
    /// The program the runtime executes: None when there is none, and when the image part is
    /// unknown (an ENTRYPOINT kexit cannot see may come first: a Kubernetes `args`-only
    /// container, or a Dockerfile CMD, on an image whose ENTRYPOINT is not known receives them
    /// as its arguments, so `args[0]` is not known to be the program).
    pub fn argv0(&self) -> Option<&Arg<'p>> {
        if self.image_part_unknown {
            return None;
        }
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

/// Where a process group is declared (indices into the model, so groups can live in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// `model.workloads[workload].containers[container]`.
    Kubernetes { workload: usize, container: usize },
    /// `docker run` of `model.images.images[image]`.
    Docker { image: usize },
    /// `model.project.compose[project].services[service]` (`docker compose up`).
    Compose { project: usize, service: usize },
}

/// What a Docker/Compose mount puts at its target (`volumes:` of a Compose service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindSource {
    /// A host directory (or file) of the tree, resolved against the compose file.
    Host(std::path::PathBuf),
    /// A named or anonymous volume: Docker copies the image's files into a new, empty volume,
    /// but a volume that already exists keeps its own (unknown) contents.
    Volume,
    /// An empty tmpfs.
    Tmpfs,
    /// Anything else (a host path outside the tree, `~`, an unknown value).
    Unknown,
}

/// One mount of a Docker/Compose container.
#[derive(Debug, Clone)]
pub struct Bind {
    /// Absolute, normalised mount target.
    pub target: String,
    pub source: BindSource,
    /// The `volumes:` item.
    pub span: Span,
    /// How to name it in messages (`bind mount \`./config\``).
    pub describe: String,
}

/// One process of a group: its kind, the node that declares it (probe/hook), its argv.
#[derive(Debug, Clone)]
pub struct Spec<'p> {
    pub kind: ProcKind,
    /// The probe/hook node (`livenessProbe`…), None for the main process and image commands.
    pub node: Option<&'p Node>,
    pub argv: Argv<'p>,
}

/// The processes of one container with the facts they share, computed once per model.
#[derive(Debug)]
pub struct ProcessGroup<'p> {
    pub site: Site,
    pub env: Env<'p>,
    pub mounts: Mounts<'p>,
    pub workdir: WorkDir,
    /// The user the processes run as (`runAsUser`, else the image USER), when known.
    pub user: Option<String>,
    /// The main process first, then exec probes, hooks and health checks.
    pub procs: Vec<Spec<'p>>,
    /// Docker/Compose mounts (`volumes:`); Kubernetes mounts are in `mounts`.
    pub binds: Binds,
    /// `docker run` of an image whose every user in the tree (Kubernetes container, Compose
    /// service) replaces its command: a defect of the default only hits a plain `docker run`.
    pub default_overridden: bool,
    /// A Kubernetes container's image (index into `model.images.images`), looked up once here
    /// rather than each time a rule asks for the processes (None for other sites).
    pub(crate) image: Option<usize>,
}

/// What started a process, as a view into the model.
#[derive(Debug, Clone, Copy)]
pub enum Runtime<'m, 'p> {
    Kubernetes {
        workload: &'m Workload<'p>,
        container: &'m Container<'p>,
    },
    /// `docker run IMAGE`.
    Docker { image: &'m Image },
    /// A Compose service (`docker compose up`).
    Compose {
        project: &'m crate::compose::ComposeProject,
        service: &'m crate::compose::Service,
    },
}

/// One process with everything the command rules need (a view; cheap to build).
pub struct Process<'m, 'p> {
    pub model: &'m Model<'p>,
    pub runtime: Runtime<'m, 'p>,
    pub group: &'m ProcessGroup<'p>,
    pub image: Option<&'m Image>,
    /// Shared by the processes of one container.
    pub env: &'m Env<'p>,
    pub mounts: &'m Mounts<'p>,
    pub kind: ProcKind,
    /// The probe/hook node (`livenessProbe`…), None for the main process.
    pub node: Option<&'p Node>,
    pub argv: &'m Argv<'p>,
    pub workdir: &'m WorkDir,
}

/// A process of a Kubernetes container: a [`Process`] with its workload and container at hand
/// (for the rules that only concern Pods).
pub struct PodProcess<'m, 'p> {
    pub process: Process<'m, 'p>,
    pub workload: &'m Workload<'p>,
    pub container: &'m Container<'p>,
}

impl<'m, 'p> std::ops::Deref for PodProcess<'m, 'p> {
    type Target = Process<'m, 'p>;
    fn deref(&self) -> &Process<'m, 'p> {
        &self.process
    }
}

/// Workloads whose process groups are built in one parallel step ([`compute_groups`]).
const GROUP_CHUNK: usize = 1024;

/// The process groups of every Kubernetes container of the model (in workload and container
/// order), in parallel over workloads. Called once, by [`Model::build`].
pub fn compute_groups<'p>(model: &Model<'p>, parallel: bool) -> Vec<ProcessGroup<'p>> {
    use rayon::prelude::*;
    fn of<'a, 'p>(
        model: &'a Model<'p>,
        wi: usize,
        w: &'a Workload<'p>,
    ) -> impl Iterator<Item = ProcessGroup<'p>> + 'a {
        // The pod's volumes are resolved once for all its containers.
        let mounts = crate::model::volumes::pod_mounts(model, w);
        w.containers
            .iter()
            .zip(mounts)
            .enumerate()
            .map(move |(ci, (c, m))| kubernetes::group(model, wi, w, ci, c, m))
    }
    let containers: usize = model.workloads.iter().map(|w| w.containers.len()).sum();
    let services: usize = model.project.compose.iter().map(|p| p.services.len()).sum();
    let mut groups: Vec<ProcessGroup<'p>> = Vec::with_capacity(containers + services);
    if parallel {
        // A chunk of workloads at a time, appended in order: one parallel collect of every
        // group held them all twice (the threads' lists and the result) at the run's peak.
        for (k, chunk) in model.workloads.chunks(GROUP_CHUNK).enumerate() {
            let first = k * GROUP_CHUNK;
            let mut part: Vec<ProcessGroup<'p>> = chunk
                .par_iter()
                .enumerate()
                .flat_map_iter(|(i, w)| of(model, first + i, w))
                .collect();
            groups.append(&mut part);
        }
    } else {
        groups.extend(
            model
                .workloads
                .iter()
                .enumerate()
                .flat_map(|(wi, w)| of(model, wi, w)),
        );
    }
    for (pi, pr) in model.project.compose.iter().enumerate() {
        let mut binds = compose::BindParts::default();
        for (si, sv) in pr.services.iter().enumerate() {
            groups.push(compose::group(model, pi, pr, si, sv, &mut binds));
        }
    }
    let docker = docker::groups(model, &groups);
    groups.reserve_exact(docker.len());
    groups.extend(docker);
    groups
}

/// The image a Kubernetes container or Compose service of a group runs.
pub(super) fn group_image<'m>(model: &'m Model<'_>, g: &ProcessGroup<'_>) -> Option<&'m Image> {
    match g.site {
        Site::Kubernetes { .. } => model.images.images.get(g.image?),
        Site::Compose { project, service } => compose::service_image(
            model,
            model.project.compose.get(project)?.services.get(service)?,
        ),
        Site::Docker { image } => model.images.images.get(image),
    }
}

impl<'p> ProcessGroup<'p> {
    /// Views of this group's processes.
    pub fn processes<'m>(&'m self, model: &'m Model<'p>) -> Vec<Process<'m, 'p>> {
        let (runtime, image) = match self.site {
            Site::Kubernetes {
                workload,
                container,
            } => {
                let Some(w) = model.workloads.get(workload) else {
                    return Vec::new();
                };
                let Some(c) = w.containers.get(container) else {
                    return Vec::new();
                };
                (
                    Runtime::Kubernetes {
                        workload: w,
                        container: c,
                    },
                    self.image.and_then(|i| model.images.images.get(i)),
                )
            }
            Site::Docker { image } => {
                let Some(img) = model.images.images.get(image) else {
                    return Vec::new();
                };
                (Runtime::Docker { image: img }, Some(img))
            }
            Site::Compose { project, service } => {
                let Some(pr) = model.project.compose.get(project) else {
                    return Vec::new();
                };
                let Some(sv) = pr.services.get(service) else {
                    return Vec::new();
                };
                (
                    Runtime::Compose {
                        project: pr,
                        service: sv,
                    },
                    compose::service_image(model, sv),
                )
            }
        };
        self.procs
            .iter()
            .map(|s| Process {
                model,
                runtime,
                group: self,
                image,
                env: &self.env,
                mounts: &self.mounts,
                kind: s.kind,
                node: s.node,
                argv: &s.argv,
                workdir: &self.workdir,
            })
            .collect()
    }
}

/// Every process of every Kubernetes container in the model: the container itself, its exec
/// probes and its exec lifecycle hooks, in model order. Views of the groups computed once in
/// [`Model::build`].
pub fn all<'m, 'p>(model: &'m Model<'p>) -> impl Iterator<Item = Process<'m, 'p>> + 'm {
    // An iterator, not a list: several rules walk every process at once, and a list of every
    // process per rule was much of a large run's peak memory.
    model
        .process_groups()
        .iter()
        .flat_map(move |g| g.processes(model))
}

/// [`all`] with each process's workload and container at hand (Pod-only rules).
pub fn processes<'m, 'p>(model: &'m Model<'p>) -> impl Iterator<Item = PodProcess<'m, 'p>> + 'm {
    all(model).filter_map(|p| match p.runtime {
        Runtime::Kubernetes {
            workload,
            container,
        } => Some(PodProcess {
            process: p,
            workload,
            container,
        }),
        Runtime::Docker { .. } | Runtime::Compose { .. } => None,
    })
}

impl<'m, 'p> Process<'m, 'p> {
    /// The Kubernetes workload and container, for a process of a Pod.
    pub fn pod(&self) -> Option<(&'m Workload<'p>, &'m Container<'p>)> {
        match self.runtime {
            Runtime::Kubernetes {
                workload,
                container,
            } => Some((workload, container)),
            Runtime::Docker { .. } | Runtime::Compose { .. } => None,
        }
    }

    /// The Compose service, for a process of one.
    pub fn service(&self) -> Option<&'m crate::compose::Service> {
        match self.runtime {
            Runtime::Compose { service, .. } => Some(service),
            _ => None,
        }
    }

    /// The service name findings carry (a Compose service's key).
    pub fn service_name(&self) -> Option<&'m str> {
        self.service().map(|s| s.name.as_str())
    }

    /// Docker or Compose starts this process (Docker's exit codes and wording apply).
    pub fn is_docker(&self) -> bool {
        matches!(
            self.runtime,
            Runtime::Docker { .. } | Runtime::Compose { .. }
        )
    }

    /// `docker run` of an image every user in the tree overrides the command of (see
    /// [`ProcessGroup::default_overridden`]), for the main process.
    pub fn overridden_default(&self) -> bool {
        self.group.default_overridden && self.kind == ProcKind::Main
    }

    /// The object findings are attached to (the workload), if any.
    pub fn object(&self) -> Option<std::sync::Arc<ObjectRef>> {
        self.pod().map(|(w, _)| w.reference())
    }

    /// The container name findings carry (a Kubernetes container's `name`).
    pub fn container_name(&self) -> Option<&'p str> {
        self.pod().map(|(_, c)| c.name)
    }

    /// The image reference the runtime pulls (`image:` of a container, the image's reference).
    pub fn image_reference(&self) -> Option<&'m str> {
        match self.runtime {
            Runtime::Kubernetes { container, .. } => container.image(),
            Runtime::Docker { image } => Some(image.reference.as_str()),
            Runtime::Compose { service, .. } => service
                .image
                .as_ref()
                .and_then(|i| i.value.as_deref())
                .filter(|_| service.build.is_none())
                .or_else(|| self.image.map(|i| i.reference.as_str())),
        }
    }

    /// The process's own declaration sets `PATH` (a container `env` item named PATH).
    pub fn declares_path(&self) -> bool {
        match self.runtime {
            Runtime::Kubernetes { container, .. } => container
                .env()
                .iter()
                .any(|e| e.get("name").and_then(Node::as_str) == Some("PATH")),
            Runtime::Docker { .. } => false,
            Runtime::Compose { service, .. } => {
                service.environment.get("PATH").is_some()
                    || service.env_files.iter().any(|f| f.get("PATH").is_some())
            }
        }
    }

    /// `container` / `container (livenessProbe)` for messages.
    pub fn who(&self) -> String {
        let name = match self.runtime {
            Runtime::Kubernetes { container, .. } => format!("container `{}`", container.name),
            Runtime::Docker { image } => self.model.docker_run_name(image),
            Runtime::Compose { service, .. } => format!("Compose service `{}`", service.name),
        };
        match self.kind {
            ProcKind::Main => name,
            ProcKind::Probe(p) => format!("the {p} of {name}"),
            ProcKind::Hook(h) => format!("the {h} hook of {name}"),
            ProcKind::Healthcheck => format!("the HEALTHCHECK of {name}"),
        }
    }

    /// The image's description for messages.
    pub fn image_desc(&self) -> String {
        match self.image {
            Some(i) => i.description.clone(),
            None => format!("`{}`", self.image_reference().unwrap_or("?")),
        }
    }

    /// What happens when the runtime cannot start this process (see [`ProcKind::start_failure`]);
    /// `docker run` reports it itself.
    pub fn start_failure(&self) -> String {
        match (self.runtime, self.kind) {
            (Runtime::Docker { .. }, ProcKind::Main) => {
                "`docker run` cannot start the container (exit 127; 126 when the file is not executable)".to_string()
            }
            (Runtime::Compose { .. }, ProcKind::Main) => {
                "`docker compose up` creates the container but cannot start it (exit 127; 126 when the file is not executable)".to_string()
            }
            (_, k) => k.start_failure().to_string(),
        }
    }

    /// What happens when the process starts but exits non-zero (see [`ProcKind::run_failure`]):
    /// a Docker or Compose container exits (restarted only under a `restart` policy), a Pod's
    /// container restarts in CrashLoopBackOff.
    pub fn run_failure(&self, code: u16) -> String {
        match (self.runtime, self.kind) {
            (Runtime::Docker { .. }, ProcKind::Main) => {
                format!("the container exits with {code} (`docker run` returns {code})")
            }
            (Runtime::Compose { .. }, ProcKind::Main) => {
                format!("the container exits with {code} (`docker compose up` reports `exited with code {code}`)")
            }
            (_, k) => k.run_failure(code),
        }
    }

    /// The exit code when the runtime cannot start this process: containerd's StartError 128 for
    /// a Pod; `docker run` exits 127 (`not_exec`: 126, the file is found but cannot be executed).
    pub fn start_exit(&self, not_exec: bool) -> Option<u16> {
        match (self.runtime, self.kind) {
            (Runtime::Docker { .. } | Runtime::Compose { .. }, ProcKind::Main) => {
                Some(if not_exec { 126 } else { 127 })
            }
            (_, k) => k.start_exit(),
        }
    }

    /// The memory limit of the container in bytes, when one is set.
    pub fn memory_limit(&self) -> Option<i128> {
        if let Runtime::Compose { service, .. } = self.runtime {
            return service
                .mem_limit
                .as_ref()
                .and_then(|m| m.value)
                .filter(|b| *b > 0)
                .map(i128::from);
        }
        let Site::Kubernetes {
            workload,
            container,
        } = self.group.site
        else {
            return None;
        };
        let lim = self
            .model
            .resources(workload)?
            .for_container(container)?
            .limits
            .get(crate::model::resources::MEMORY)?;
        lim.quantity
            .is_positive()
            .then(|| lim.quantity.ceil_units())
    }

    /// Seconds between SIGTERM and SIGKILL when the container is stopped
    /// (`terminationGracePeriodSeconds`, default 30; `docker stop` waits 10).
    pub fn stop_grace_seconds(&self) -> i64 {
        match self.runtime {
            Runtime::Kubernetes { workload, .. } => crate::k8s::probes::grace_period(workload).0,
            Runtime::Docker { .. } => 10,
            // Compose's default is 10 s; a fraction of a second counts as started.
            Runtime::Compose { service, .. } => service
                .stop_grace_ms
                .as_ref()
                .and_then(|g| g.value)
                .map_or(10, |ms| {
                    i64::try_from(ms.div_ceil(1000)).unwrap_or(i64::MAX)
                }),
        }
    }
}

/// Shells whose `-c` string kexit parses.
pub fn is_shell_name(program: &str) -> bool {
    let base = program.rsplit('/').next().unwrap_or(program);
    matches!(
        base,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh"
    )
}

fn shell_index_of_c(values: &[&str]) -> Option<usize> {
    // `<shell> [-e|-x|-eu|-o opt|--login …] -c <string>`: find `-c` (or a cluster ending in c).
    let mut i = 1;
    while i < values.len() && i < 8 {
        let v = values[i];
        if v == "-c" || (v.starts_with('-') && !v.starts_with("--") && v.ends_with('c')) {
            // `bash -c -- 'script'`: `--` ends the options, the script is the next word.
            let j = if values.get(i + 1).is_some_and(|n| *n == "--") {
                i + 2
            } else {
                i + 1
            };
            return Some(j).filter(|j| *j < values.len());
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
    if !is_shell_name(&args.first()?.value) {
        return None;
    }
    let values: Vec<&str> = args.iter().map(|a| a.value.as_str()).collect();
    let script_index = shell_index_of_c(&values)?;
    let text = args.get(script_index)?;
    Some(ShellCall {
        shell_index: 0,
        script_index,
        implicit,
        script: shell::parse_shared(&text.value),
    })
}

/// An image ENTRYPOINT/CMD (or HEALTHCHECK) as argv elements: exec form element by element,
/// shell form as `/bin/sh -c <string>` (or the stage's SHELL).
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
                place: Default::default(),
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
                    place: Default::default(),
                })
                .collect();
            v.push(Arg {
                value: s.clone(),
                exact: true,
                span: cmd.span,
                node: None,
                part,
                text_span: cmd.args_span,
                place: Default::default(),
            });
            v
        }
    }
}

/// The image knows its defaults when it was modelled and its base is known (or it set
/// ENTRYPOINT/CMD itself).
fn image_known(img: &Image) -> bool {
    img.base_known || img.entrypoint.is_some() || img.cmd.is_some()
}

/// The image part of a default argv (semantics.md §2, the ENTRYPOINT/CMD combination table),
/// with `args` (when given) in place of CMD: the argv, and whether it is an implicit shell (a
/// shell-form ENTRYPOINT, or a shell-form CMD without ENTRYPOINT).
fn image_default<'p>(img: &Image, args: Option<Vec<Arg<'p>>>) -> (Vec<Arg<'p>>, bool) {
    let mut out = Vec::new();
    let mut implicit = false;
    if let Some(e) = &img.entrypoint {
        out.extend(image_args(e, Part::Entrypoint));
        implicit = e.is_shell();
        if !e.is_shell() {
            match args {
                Some(a) => out.extend(a),
                None => {
                    if let Some(cm) = &img.cmd {
                        out.extend(image_args(cm, Part::Cmd));
                    }
                }
            }
        }
    } else {
        match args {
            Some(a) => out.extend(a),
            None => {
                if let Some(cm) = &img.cmd {
                    implicit = cm.is_shell();
                    out.extend(image_args(cm, Part::Cmd));
                }
            }
        }
    }
    (out, implicit)
}

/// The text of a script a process executes.
#[derive(Debug, Clone)]
pub struct ScriptText {
    /// Shared by every process that runs the same file ([`crate::model::Model::script_text`]).
    pub text: std::sync::Arc<str>,
    /// The project file (build-context script), if any.
    pub file: Option<FileId>,
    /// The ConfigMap/Secret key or heredoc span the text lives at.
    pub span: Option<Span>,
    /// What to call it in messages (`scripts/start.sh` / `ConfigMap app-scripts key run.sh`).
    pub describe: String,
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
    /// The file has exec bits, but not for the user the process runs as: why
    /// (`owned by uid 0 with mode 0700, run as uid 10001`). `executable` is then No.
    pub denied: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_c_string() {
        let v = |s: &[&'static str]| s.to_vec();
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
