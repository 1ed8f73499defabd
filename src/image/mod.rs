//! Model of a container image's final filesystem and config (base-image catalogue + Dockerfile
//! effects).
//!
//! Every question about contents answers [`Tri`]: `Yes`, `No` or `Unknown`. An image built on a
//! base that is not in the catalogue answers `Unknown` for everything it did not create itself;
//! a `RUN` kexit cannot follow makes the paths it might create `Unknown` (never a confident `No`).
//!
//! Rules get images through [`crate::model::Model::image_for`] (a container's `image`, linked to a
//! Dockerfile or looked up in the catalogue) and [`crate::model::Model::images`].

pub(crate) mod apk;
pub mod build;
pub(crate) mod buildcmd;
pub mod catalogue;
pub mod chmod;
pub(crate) mod compile;
pub use crate::build_context as context;
mod copy;
pub mod dockerfile;
mod fs;
pub(crate) mod installs;
pub mod link;
pub(crate) mod official;
pub mod packages;
pub mod perms;
pub mod pkgdb;
pub mod pypi;
pub mod pyproject;
mod zblocks;

use crate::source::{FileId, Span};

/// Three-valued answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

impl Tri {
    pub fn is_yes(self) -> bool {
        self == Tri::Yes
    }
    pub fn is_no(self) -> bool {
        self == Tri::No
    }
    pub fn from_bool(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }
    /// Both must hold.
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Unknown,
        }
    }
    /// Either holds.
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Unknown,
        }
    }
}

/// Which program `/bin/sh` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShellKind {
    /// No `/bin/sh` at all (scratch, distroless, Chainguard non-dev).
    None,
    /// Debian's dash (debian, ubuntu and everything built on them).
    Dash,
    /// GNU bash as `/bin/sh` (UBI, some RHEL-family images).
    Bash,
    /// busybox ash (alpine, busybox, distroless `:debug` at `/busybox/sh`).
    BusyboxAsh,
    /// Not known.
    Unknown,
}

impl ShellKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ShellKind::None => "none",
            ShellKind::Dash => "dash",
            ShellKind::Bash => "bash",
            ShellKind::BusyboxAsh => "busybox ash",
            ShellKind::Unknown => "unknown",
        }
    }
    pub fn parse(s: &str) -> ShellKind {
        match s {
            "none" => ShellKind::None,
            "dash" => ShellKind::Dash,
            "bash" => ShellKind::Bash,
            "busybox" | "ash" | "busybox ash" => ShellKind::BusyboxAsh,
            _ => ShellKind::Unknown,
        }
    }
}

/// C library of the image (decides whether a dynamically linked binary can start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Libc {
    Glibc,
    Musl,
    /// No libc at all (scratch, distroless static): only static binaries run.
    None,
    Unknown,
}

impl Libc {
    pub fn as_str(self) -> &'static str {
        match self {
            Libc::Glibc => "glibc",
            Libc::Musl => "musl",
            Libc::None => "no libc",
            Libc::Unknown => "unknown libc",
        }
    }
    pub fn parse(s: &str) -> Libc {
        match s {
            "glibc" => Libc::Glibc,
            "musl" => Libc::Musl,
            "none" => Libc::None,
            _ => Libc::Unknown,
        }
    }
}

/// Where a fact about an image comes from (for messages and labels).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The catalogue entry of the image's base ([`Image::base`] names its reference): the
    /// same for every image built on the entry, whose file system they share.
    Catalogue,
    /// A Dockerfile instruction (the whole instruction's span).
    Instruction(Span),
    /// Nothing known (unknown base image).
    Unknown,
}

impl Origin {
    pub fn span(&self) -> Option<Span> {
        match self {
            Origin::Instruction(s) => Some(*s),
            _ => None,
        }
    }
}

/// A file copied from the build context whose text kexit read at load time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextFile {
    /// The file in [`crate::project::Project::files`] (kind `Other`, not reported).
    pub file: FileId,
    /// Unix mode bits of the source file (`0o755`), when the file system reports them.
    pub mode: Option<u32>,
}

/// What is known about one path in an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathInfo {
    pub exists: Tri,
    pub is_dir: Tri,
    pub executable: Tri,
    /// The symlink target, when the path is a known symlink (`RUN ln -s`, catalogue links).
    pub symlink: Option<String>,
    /// The context file it was copied from (script contents, CRLF, shebang, mode).
    pub source: Option<ContextFile>,
    /// Text of a heredoc COPY (`COPY <<EOF /x`), with the heredoc's span.
    pub inline: Option<Box<(String, Span)>>,
    /// Which instruction or catalogue entry created it.
    pub origin: Origin,
    /// Owner and mode, where the Dockerfile says.
    pub perm: perms::Perm,
}

impl PathInfo {
    /// Known to exist: `is_dir` and `executable` as given; no link, source or owner yet.
    pub fn present(origin: Origin, is_dir: Tri, executable: Tri) -> PathInfo {
        PathInfo {
            exists: Tri::Yes,
            is_dir,
            executable,
            symlink: None,
            source: None,
            inline: None,
            origin,
            perm: perms::Perm::default(),
        }
    }
    pub fn unknown() -> PathInfo {
        PathInfo {
            exists: Tri::Unknown,
            ..PathInfo::present(Origin::Unknown, Tri::Unknown, Tri::Unknown)
        }
    }
    pub fn absent(origin: Origin) -> PathInfo {
        PathInfo {
            exists: Tri::No,
            ..PathInfo::present(origin, Tri::No, Tri::No)
        }
    }
}

/// The result of looking a bare command name up through PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Found at this absolute path (first PATH directory holding it).
    Found(String),
    /// Certainly not in any PATH directory.
    NotFound,
    /// Could not be decided (unknown base, a RUN kexit could not follow, …).
    Unknown,
}

/// ENTRYPOINT / CMD / HEALTHCHECK form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandForm {
    /// JSON array, argv as written (after the Dockerfile's own processing; no shell).
    Exec(Vec<String>),
    /// Shell form: run as `<SHELL> <string>` (default `/bin/sh -c`).
    Shell(String),
}

/// An image's ENTRYPOINT or CMD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageCommand {
    pub form: CommandForm,
    /// The stage's SHELL in effect for a shell form (`["/bin/sh", "-c"]` by default).
    pub shell: Vec<String>,
    /// The instruction that set it (None when it comes from the catalogue).
    pub span: Option<Span>,
    /// Span of the arguments (the JSON array or the shell string), when from a Dockerfile.
    pub args_span: Option<Span>,
    /// Spans of the exec-form elements, parallel to `CommandForm::Exec` (empty otherwise).
    pub arg_spans: Vec<Span>,
    /// `CMD ['node','app.js']`: written as an array that is not valid JSON, so it became shell form.
    pub invalid_json: bool,
    pub origin: Origin,
}

impl ImageCommand {
    /// argv that actually runs for this command alone (`/bin/sh -c "<string>"` for shell form).
    pub fn argv(&self) -> Vec<String> {
        match &self.form {
            CommandForm::Exec(v) => v.clone(),
            CommandForm::Shell(s) => {
                let mut v = if self.shell.is_empty() {
                    vec!["/bin/sh".to_string(), "-c".to_string()]
                } else {
                    self.shell.clone()
                };
                v.push(s.clone());
                v
            }
        }
    }
    pub fn is_shell(&self) -> bool {
        matches!(self.form, CommandForm::Shell(_))
    }
}

/// A platform (`linux/amd64`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    /// Normalised architecture (`amd64`, `arm64`, `arm`, `386`, `ppc64le`, `s390x`, `riscv64`).
    pub arch: String,
    /// Where it was set (`FROM --platform=` flag), for labels.
    pub span: Option<Span>,
}

/// One entry of the file-system model: what is known about the path (read through `Deref`),
/// plus what only the model needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub info: PathInfo,
    /// For a directory copied from the build context: every path under it not listed is absent
    /// (the listing was complete); otherwise unknown.
    pub complete_dir: bool,
    /// Order of creation (compared with `Image::fuzzy` entries).
    pub seq: u32,
}

impl Entry {
    pub(crate) fn new(info: PathInfo, seq: u32) -> Entry {
        Entry {
            info,
            complete_dir: false,
            seq,
        }
    }

    /// Present, not known to be non-executable, with no build-context source, heredoc text,
    /// owner or mode and no complete listing: what a catalogue image's entries are, and what
    /// the uncertainty a RUN adds ([`dockerfile::fuzz`]) leaves as it is.
    pub(crate) fn is_plain(&self) -> bool {
        self.exists == Tri::Yes
            && self.executable != Tri::No
            && self.source.is_none()
            && self.inline.is_none()
            && self.perm == perms::Perm::default()
            && !self.complete_dir
    }
}

impl std::ops::Deref for Entry {
    type Target = PathInfo;
    fn deref(&self) -> &PathInfo {
        &self.info
    }
}

impl std::ops::DerefMut for Entry {
    fn deref_mut(&mut self) -> &mut PathInfo {
        &mut self.info
    }
}

/// The modelled final image of one Dockerfile stage, or of a catalogue image.
#[derive(Debug, Clone)]
pub struct Image {
    /// Human description: "python:3.12-slim (catalogue)", "Dockerfile stage `app` (docker/Dockerfile)".
    pub description: String,
    /// The image reference this was modelled for (`FROM` value or container `image`).
    pub reference: String,
    /// Whether the base image was found in the catalogue (false ⇒ contents unknown).
    pub base_known: bool,
    /// The catalogue entry of the ultimate base, when known (`python:3.12-slim`).
    pub base: Option<String>,
    /// Span of the `FROM` instruction of the final stage (None for catalogue images).
    pub from_span: Option<Span>,
    /// Dockerfile index (into `Project::dockerfiles`) and stage index, for Dockerfile images.
    pub dockerfile: Option<usize>,
    pub stage: Option<usize>,
    pub entrypoint: Option<Box<ImageCommand>>,
    /// The base may set an ENTRYPOINT kexit does not know although its contents are catalogued
    /// (a catalogue row with `entrypoint: unknown`), until a Dockerfile sets one.
    pub entrypoint_unknown: bool,
    pub cmd: Option<Box<ImageCommand>>,
    /// Last HEALTHCHECK of the final stage (`None` also for `HEALTHCHECK NONE`).
    pub healthcheck: Option<Box<ImageCommand>>,
    /// WORKDIR (absolute, `/` when never set).
    pub workdir: String,
    pub workdir_origin: Origin,
    /// A WORKDIR named a path Linux cannot name (the build fails there): `workdir` holds its
    /// first `PATH_MAX` bytes (still not nameable: what resolves against it is unknown), and
    /// relative WORKDIRs leave it so.
    pub(crate) workdir_lost: bool,
    pub user: Option<String>,
    /// Image config ENV, in order of definition (later wins).
    pub env: Vec<(String, String)>,
    /// The stage's `ARG`s with a known value, in order of definition, expanded as BuildKit
    /// expands them (a default against the ARG/ENV before it; `ARG NAME` alone takes the global
    /// ARG, itself expanded in order): what the stage's `RUN` steps have in their environment.
    /// Not inherited by a stage built on this one (an ARG's scope is its stage).
    pub build_args: Vec<(String, String)>,
    pub stopsignal: Option<(String, Origin)>,
    /// SHELL of the final stage (`["/bin/sh", "-c"]` unless changed).
    pub shell: Vec<String>,
    pub shell_kind: ShellKind,
    pub libc: Libc,
    pub platform: Option<Platform>,
    /// A Windows container image (a Windows base such as `mcr.microsoft.com/windows/servercore`,
    /// a `*-nanoserver`/`*-windowsservercore` tag, or `FROM --platform=windows/…`): no POSIX
    /// signals, so STOPSIGNAL and PID 1 signal handling do not apply.
    pub windows: bool,
    /// The file system: known paths (absolute, normalised).
    pub(crate) fs: fs::Fs,
    /// Whether paths not in `fs` are certainly absent (scratch, distroless, …). Set to false by
    /// anything kexit cannot follow.
    pub(crate) complete: bool,
    /// Names of commands known to be absent from the standard PATH directories of the base
    /// (the catalogue's tracked tools: `bash`, `curl`, `python3`, …).
    pub(crate) absent_cmds: Vec<String>,
    /// Paths that became unknown after they were known (`RUN` kexit could not follow): any
    /// path under one of these prefixes answers Unknown unless created later. `"/"` = anywhere.
    pub(crate) fuzzy: Vec<(String, u32)>,
    /// The latest sequence number of each `fuzzy` prefix, to ask whether one covers a path
    /// by its ancestors ([`Image::fuzzy_covers`]) rather than by a scan of every prefix.
    /// Empty while there are at most [`FUZZY_SCANNED`] prefixes (they are scanned).
    pub(crate) fuzzy_latest: std::collections::BTreeMap<String, u32>,
    /// Bytes of the `fuzzy` prefixes: each stage built on this one copies them
    /// ([`crate::budget::MAX_STAGE_PATH_BYTES`]).
    pub(crate) fuzzy_bytes: usize,
    /// Sequence counter for `Entry::seq` / `fuzzy`.
    pub(crate) seq: u32,
    /// The Dockerfile instruction of each sequence number (so a `fuzzy` entry names its step).
    pub(crate) steps: Vec<(u32, Span)>,
    /// Names in PATH directories that package installs may have created although the package
    /// data does not say so ([`installs`]).
    pub(crate) pkg_fuzz: Vec<installs::PkgFuzz>,
    /// The `bin` directories of `pip install` steps whose packages and dependency closure are
    /// all in the PyPI data: every console script they wrote is known.
    pub(crate) pip_closed: Vec<String>,
    /// A build step pointed the package manager at another repository: the package data no
    /// longer describes what it installs.
    pub(crate) pkg_foreign: bool,
    /// The instruction of this stage where `ARG`/`ENV` expansion ran out of budget
    /// ([`crate::budget`]; KX011): values from there on are unknown.
    pub budget_overrun: Option<Span>,
    /// The official Debian/Ubuntu-based image the base is, when kexit knows everything its
    /// Dockerfile puts on PATH ([`official`]): names none of it can be are absent.
    pub(crate) official: Option<&'static official::Official>,
    /// The base's Debian package set is known exactly (a pinned catalogue row): the names its
    /// installs may have brought although the data cannot say they did. Any other name of the
    /// Debian PATH directories that the model does not hold is absent ([`official::absent`]).
    pub(crate) pinned: Option<&'static [String]>,
    /// The base's ENTRYPOINT script that runs its arguments as a command (catalogue
    /// `execs_args`: `exec "$@"` unless the first argument is an option).
    pub(crate) execs_args: Option<&'static str>,
    /// Users the image defines, with their uid when known (`root`, `useradd -u 10001 app`).
    pub users: Vec<(String, Option<u32>)>,
    /// Users the Dockerfile created (`useradd`, `adduser`) in groups of their own: not members
    /// of group 0 (root), unless a later step changed their groups.
    pub(crate) outside_root_group: Vec<String>,
    /// A build step ran code whose writes kexit does not model although it follows the step
    /// (a python script, `npm run`, `go test`): it is taken to write only where such programs
    /// conventionally do, so paths elsewhere are absent for the 127 family, but not for a claim
    /// that a build fails ([`Image::writes_followed`]).
    pub(crate) ran_code: bool,
    /// Home directories a `RUN` created from Debian's `/etc/skel` for new users (user, home):
    /// what pip's user scheme (`~/.local`) means for them.
    pub(crate) homes: Vec<(String, String)>,
}

impl Image {
    /// An image about which nothing is known.
    pub fn unknown(reference: &str) -> Image {
        Image {
            description: format!("{reference} (unknown image)"),
            reference: reference.to_string(),
            base_known: false,
            base: None,
            from_span: None,
            dockerfile: None,
            stage: None,
            entrypoint: None,
            entrypoint_unknown: false,
            cmd: None,
            healthcheck: None,
            workdir: "/".to_string(),
            workdir_origin: Origin::Unknown,
            workdir_lost: false,
            user: None,
            env: Vec::new(),
            build_args: Vec::new(),
            stopsignal: None,
            shell: vec!["/bin/sh".to_string(), "-c".to_string()],
            shell_kind: ShellKind::Unknown,
            libc: Libc::Unknown,
            platform: None,
            windows: is_windows_reference(reference),
            fs: fs::Fs::default(),
            complete: false,
            absent_cmds: Vec::new(),
            fuzzy: vec![("/".to_string(), 0)],
            fuzzy_latest: std::collections::BTreeMap::new(),
            fuzzy_bytes: 2,
            seq: 1,
            steps: Vec::new(),
            pkg_fuzz: Vec::new(),
            pip_closed: Vec::new(),
            pkg_foreign: false,
            budget_overrun: None,
            official: None,
            pinned: None,
            execs_args: None,
            users: Vec::new(),
            outside_root_group: Vec::new(),
            ran_code: false,
            homes: Vec::new(),
        }
    }

    /// Whether an ENTRYPOINT kexit cannot see may run first: none is known, and the base is not
    /// catalogued or its catalogue row does not know it. The manifest's `args` (or the CMD)
    /// are then that ENTRYPOINT's arguments, not a program.
    pub fn entrypoint_may_be_inherited(&self) -> bool {
        self.entrypoint.is_none() && (!self.base_known || self.entrypoint_unknown)
    }

    /// Bytes of file-system paths this image holds besides its catalogue base (its changed
    /// entries and the `fuzzy` prefixes): what a stage built on it copies
    /// ([`crate::budget::MAX_STAGE_PATH_BYTES`]).
    pub(crate) fn path_bytes(&self) -> usize {
        self.fs.path_bytes().saturating_add(self.fuzzy_bytes)
    }

    /// Records `prefix` as unknown from step `seq` on (`fuzzy`).
    pub(crate) fn push_fuzzy(&mut self, prefix: &str, seq: u32) {
        self.fuzzy.push((prefix.to_string(), seq));
        // The index is read only past [`FUZZY_SCANNED`] prefixes: built then, kept after (an
        // index of one entry in each of 18,000 unknown images was 5 MB).
        if self.fuzzy.len() > FUZZY_SCANNED {
            if self.fuzzy_latest.is_empty() {
                for (k, s) in &self.fuzzy {
                    let latest = self.fuzzy_latest.entry(k.clone()).or_insert(*s);
                    *latest = (*latest).max(*s);
                }
            } else {
                let latest = self.fuzzy_latest.entry(prefix.to_string()).or_insert(seq);
                *latest = (*latest).max(seq);
            }
        }
        // Held twice: the list and the index.
        self.fuzzy_bytes = self.fuzzy_bytes.saturating_add(2 * prefix.len());
    }

    /// Whether a `fuzzy` prefix made at step `since` or later covers the normalised `p`
    /// ([`build::under`]: the root, `p` or an ancestor of it). A few prefixes are scanned;
    /// past that, `p`'s ancestors are looked up (30,000 `touch`es then 30,000 `ln -s` scanned
    /// 30,000 prefixes for each link).
    pub(crate) fn fuzzy_covers(&self, p: &str, since: u32) -> bool {
        if self.fuzzy.len() <= FUZZY_SCANNED {
            return self
                .fuzzy
                .iter()
                .any(|(prefix, seq)| *seq >= since && build::under(prefix, p));
        }
        let hit = |k: &str| self.fuzzy_latest.get(k).is_some_and(|s| *s >= since);
        // `under` holds for "/" and, on an absolute path, for "" too.
        if hit("/") || hit(p) || p.starts_with('/') && hit("") {
            return true;
        }
        let mut a = p;
        while let Some(i) = a.rfind('/') {
            a = &a[..i];
            if a.is_empty() {
                break;
            }
            if hit(a) {
                return true;
            }
        }
        false
    }

    /// Whether the image's contents are fully known (scratch/distroless base, nothing unfollowable):
    /// a path kexit did not see created is certainly absent.
    pub fn fully_known(&self) -> bool {
        self.base_known && self.complete && self.fuzzy.is_empty()
    }

    /// Whether absence can be asserted at all: the base's file system is completely modelled
    /// (scratch, distroless, a stage built on one) and kexit followed every step, except under
    /// the `fuzzy` prefixes, where [`Image::exists`] answers Unknown.
    pub fn complete_fs(&self) -> bool {
        self.base_known && self.complete
    }

    /// Whether every write of the build is modelled: no step ran a script or test code that
    /// could write anywhere (a python script, `npm run`, `go test`).
    pub fn writes_followed(&self) -> bool {
        !self.ran_code
    }

    /// What is known about an absolute path (relative paths resolve against WORKDIR). Follows
    /// known symlinks (bounded).
    pub fn path(&self, p: &str) -> PathInfo {
        build::lookup(self, p)
    }

    pub fn exists(&self, p: &str) -> Tri {
        self.path(p).exists
    }

    /// Exists and is an executable regular file.
    pub fn is_executable(&self, p: &str) -> Tri {
        let i = self.path(p);
        i.exists.and(i.executable).and(match i.is_dir {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Unknown => Tri::Unknown,
        })
    }

    /// The text of a file copied into the image from the build context or a heredoc, with where
    /// it lives: `(text, Some(file))` for a context file, `(text, None)` + span for heredocs.
    pub fn script<'a>(
        &'a self,
        project: &'a crate::project::Project,
        p: &str,
    ) -> Option<Script<'a>> {
        let info = self.path(p);
        if let Some(src) = &info.source {
            let f = project.files.get(src.file)?;
            return Some(Script {
                text: &f.text,
                file: Some(src.file),
                inline_span: None,
                mode: src.mode,
            });
        }
        if let Some((_, span)) = info.inline.as_deref() {
            // Heredoc text lives in the Dockerfile itself.
            let f = project.files.get(span.file)?;
            return Some(Script {
                text: f.slice(*span),
                file: None,
                inline_span: Some(*span),
                mode: None,
            });
        }
        None
    }

    /// A non-standard directory (`/opt/tools/bin`) of a catalogued base that nothing in the
    /// build touches: no instruction creates anything at or under it, no unfollowable step
    /// The Dockerfile step that last made one of `paths` unknown: the latest `fuzzy` prefix
    /// covering any of them, with the instruction that made it.
    pub fn fuzzy_step(&self, paths: &[String]) -> Option<Span> {
        let (_, seq) = self
            .fuzzy
            .iter()
            .rev()
            .find(|(prefix, _)| paths.iter().any(|p| build::under(prefix, p)))?;
        self.steps
            .iter()
            .find(|(s, _)| s == seq)
            .map(|(_, span)| *span)
    }

    /// Whether a directory holds nothing from the base image or the build, nor anything it
    /// could have (no fuzzy prefix covers it), and the catalogue lists nothing there. Official
    /// base images do not ship such directories with programs in them, so a command looked up
    /// there is absent. False whenever kexit cannot be sure.
    pub fn untouched_dir(&self, dir: &str) -> bool {
        let d = build::normalize("/", dir);
        let d = d.trim_end_matches('/');
        if !self.base_known
            || d.is_empty()
            || build::STD_BIN_DIRS.contains(&d)
            // The image's own PATH names it: its author expects programs there.
            || self
                .path_env()
                .split(':')
                .any(|p| p.trim_end_matches('/') == d)
            || self.fuzzy_covers(d, 0)
        {
            return false;
        }
        let under = format!("{d}/");
        !self.fs.keys().any(|k| k == d || k.starts_with(&under))
    }

    /// A file the image certainly has whose name is `name`, outside the PATH directories
    /// (`/app/run-checks.sh` for `run-checks.sh`): what a command not found on PATH was meant to
    /// run.
    pub fn elsewhere(&self, name: &str, path: &str) -> Option<String> {
        self.fs
            .iter()
            .filter(|(k, e)| {
                e.exists == Tri::Yes
                    && e.is_dir != Tri::Yes
                    && k.rsplit_once('/').is_some_and(|(d, n)| {
                        n == name && !path.split(':').any(|p| p.trim_end_matches('/') == d)
                    })
            })
            .map(|(k, _)| k.clone())
            .next()
    }

    /// Whether any path the image may have ends in `/name` (a file, directory or link of that
    /// name anywhere, present or unknown).
    pub fn has_name(&self, name: &str) -> bool {
        let tail = format!("/{name}");
        self.fs
            .iter()
            .any(|(k, e)| e.exists != Tri::No && k.ends_with(&tail))
    }

    /// Whether the program at `path` is the base image's entrypoint script that runs its
    /// arguments as a command, as the base ships it (no build step replaced it).
    pub fn execs_args(&self, path: &str) -> bool {
        self.execs_args == Some(path)
            && self
                .fs
                .get(path)
                .is_some_and(|e| matches!(e.origin, Origin::Catalogue))
    }

    /// Is there a `/bin/sh`?
    pub fn has_sh(&self) -> Tri {
        self.exists("/bin/sh")
    }

    /// Which shell `/bin/sh` is (`ShellKind::None` when there is none).
    pub fn shell_kind(&self) -> ShellKind {
        match self.has_sh() {
            Tri::No => ShellKind::None,
            Tri::Unknown => ShellKind::Unknown,
            Tri::Yes => self.shell_kind,
        }
    }

    /// Value of an image ENV variable (last definition).
    pub fn env(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// PATH of the image config (containerd's default when the image sets none).
    pub fn path_env(&self) -> &str {
        self.env("PATH").unwrap_or(DEFAULT_PATH)
    }

    /// Resolve a bare command name (no slash) through the image's PATH (or `path_override`, the
    /// container's own `env` PATH). A name with a slash is checked as a path (relative to WORKDIR).
    pub fn resolve(&self, name: &str, path_override: Option<&str>) -> Resolved {
        build::resolve(self, name, path_override)
    }

    /// ENTRYPOINT + CMD as the runtime combines them (semantics.md §2 table), or None when there is
    /// neither (`no command specified`).
    pub fn default_argv(&self) -> Option<Vec<String>> {
        let mut v = Vec::new();
        if let Some(e) = &self.entrypoint {
            v = e.argv();
            if e.is_shell() {
                return Some(v);
            }
        }
        if let Some(c) = &self.cmd {
            v.extend(c.argv());
        }
        if v.is_empty() {
            None
        } else {
            Some(v)
        }
    }
}

/// A script file in an image.
#[derive(Debug, Clone, Copy)]
pub struct Script<'a> {
    pub text: &'a str,
    /// The project file (a build-context file) it was copied from.
    pub file: Option<FileId>,
    /// For heredoc COPYs: the heredoc body in the Dockerfile.
    pub inline_span: Option<Span>,
    pub mode: Option<u32>,
}

/// Model every image the workloads use and every Dockerfile stage (called once by
/// `Model::build`).
pub fn build_images(
    project: &crate::project::Project,
    workloads: &[crate::k8s::Workload<'_>],
) -> link::Images {
    dockerfile::build_all(project, workloads)
}

/// One line per link made (or refused), for `--explain-links`.
pub fn explain_links(project: &crate::project::Project) -> Vec<String> {
    dockerfile::explain_links(project)
}

/// containerd's default PATH (`oci.WithDefaultPathEnv`), also BuildKit's.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

pub use crate::build_context::repository;

/// Whether an image reference names a Windows image: Microsoft's Windows bases
/// (`mcr.microsoft.com/windows/servercore`, `…/nanoserver`, `…/windows/server`) or an image
/// tagged for them (`python:3.12-windowsservercore-ltsc2022`, `dotnet/runtime:8.0-nanoserver-1809`).
pub fn is_windows_reference(reference: &str) -> bool {
    let r = reference.to_ascii_lowercase();
    r.contains("mcr.microsoft.com/windows") || r.contains("servercore") || r.contains("nanoserver")
}

/// The tag of an image reference (`latest` when none; empty for digest-only references).
pub fn tag(reference: &str) -> &str {
    let (r, digest) = match reference.split_once('@') {
        Some((r, _)) => (r, true),
        None => (reference, false),
    };
    let slash = r.rfind('/').map_or(0, |i| i + 1);
    match r[slash..].find(':') {
        Some(i) => &r[slash + i + 1..],
        None if digest => "",
        None => "latest",
    }
}

/// [`Image::fuzzy_covers`] scans up to this many `fuzzy` prefixes; past it, it looks the
/// path's ancestors up in [`Image::fuzzy_latest`].
const FUZZY_SCANNED: usize = 16;

/// What the image tests read of a model: the images of a project without workloads (the model
/// layer above builds the same with its workloads; the image layer must not depend on it).
#[cfg(test)]
pub(crate) struct TestModel {
    pub images: link::Images,
}

#[cfg(test)]
impl TestModel {
    pub(crate) fn build(project: &crate::project::Project) -> TestModel {
        TestModel {
            images: build_images(project, &[]),
        }
    }
}

/// A bare name an unknown image almost certainly has: `sh`, or the image's own program
/// (`perl` in `perl:5`, `redis-server` in `redis`).
pub fn likely_has(name: &str, image: &str) -> bool {
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
    let repo = repository(image);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_and_tag() {
        assert_eq!(repository("python:3.12-slim"), "python");
        assert_eq!(tag("python:3.12-slim"), "3.12-slim");
        assert_eq!(
            repository("registry.example.com:5000/shop/checkout:1.4"),
            "registry.example.com:5000/shop/checkout"
        );
        assert_eq!(tag("registry.example.com:5000/shop/checkout"), "latest");
        assert_eq!(repository("docker.io/library/alpine@sha256:abc"), "alpine");
        assert_eq!(repository("library/postgres:16-alpine"), "postgres");
        assert_eq!(repository("index.docker.io/library/postgres"), "postgres");
        assert_eq!(repository("registry-1.docker.io/library/redis:7"), "redis");
        assert_eq!(repository("docker.io/bitnami/redis:7"), "bitnami/redis");
        assert_eq!(tag("alpine@sha256:abc"), "");
        assert_eq!(tag("alpine:3.20@sha256:abc"), "3.20");
    }
}
