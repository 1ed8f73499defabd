//! Image models from Dockerfile stages: the base (catalogue or earlier stage) plus the effect of
//! each instruction.

use super::build::{nameable, nameable_prefix, normalize};
use super::context::Context;
use super::fs::Fs;
use super::link::{Images, LinkReason};
use super::packages::read_run;
use super::{catalogue, CommandForm, Entry, Image, ImageCommand, Origin, Platform, Tri};
use crate::budget::{Budget, MAX_FS_WORK, MAX_STAGE_ENTRIES, MAX_STAGE_PATH_BYTES};
use crate::docker::expand::{expand, Get};
use crate::docker::{Command, CommandArgs, CopySource, Dockerfile, InstKind, Stage, Str};
use crate::k8s::Workload;
use crate::project::Project;
use crate::shell::Script;
use crate::source::Span;
use std::borrow::Cow;
use std::collections::HashMap;

/// Directories a package manager may write to (unknown packages make them fuzzy).
pub(super) const SYSTEM_DIRS: [&str; 7] = ["/usr", "/bin", "/sbin", "/lib", "/etc", "/opt", "/var"];

pub fn build_all(project: &Project, workloads: &[Workload<'_>]) -> Images {
    use rayon::prelude::*;
    let mut images = Images::default();
    // Each Dockerfile's stages are built independently (in parallel), then inserted in order.
    let all: Vec<(Vec<Image>, Option<Span>, Option<Span>)> = project
        .dockerfiles
        .par_iter()
        .enumerate()
        .map(|(di, d)| {
            let ctx = project.build.contexts.get(&di).map(|c| &**c);
            let path = project.files.get(d.file).map_or("", |f| f.path.as_str());
            let mut built: Vec<Image> = Vec::with_capacity(d.stages.len());
            let globals = Globals::of(d);
            // Paths and path bytes modelled so far (crate::budget::MAX_STAGE_ENTRIES,
            // MAX_STAGE_PATH_BYTES); past either, stages are unknown images and the first of
            // them is reported.
            let mut entries = 0usize;
            let mut bytes = 0usize;
            let mut stopped: Option<Span> = None;
            for s in &d.stages {
                let from = Span::new(d.file, s.from.span.clone());
                let img = if entries > MAX_STAGE_ENTRIES || bytes > MAX_STAGE_PATH_BYTES {
                    stopped.get_or_insert(from);
                    unmodelled_stage(di, s, path, from)
                } else {
                    let img = build_stage(d, di, s, &built, ctx, (path, project, &globals));
                    if over_budget(&img) {
                        // build_stage stopped following its steps.
                        stopped.get_or_insert(from);
                        unmodelled_stage(di, s, path, from)
                    } else {
                        img
                    }
                };
                entries = entries.saturating_add(img.fs.len().saturating_add(img.fuzzy.len()));
                bytes = bytes.saturating_add(img.path_bytes());
                built.push(img);
            }
            let stopped = stopped.or_else(|| d.stages_over.clone().map(|r| Span::new(d.file, r)));
            (built, globals.overrun, stopped)
        })
        .collect();
    for (di, (built, overrun, stopped)) in all.into_iter().enumerate() {
        if let Some(span) = overrun {
            images.global_arg_overruns.insert(di, span);
        }
        if let Some(span) = stopped {
            images.stage_overruns.insert(di, span);
        }
        for (si, img) in built.into_iter().enumerate() {
            images.insert_stage(di, si, img);
        }
    }
    // The first link of each repository (as a scan of `links` would find it).
    let mut first_link: HashMap<&str, &super::link::Link> = HashMap::new();
    for l in &project.build.links {
        first_link.entry(l.repository.as_str()).or_insert(l);
    }
    let mut refs: std::collections::HashSet<&str> = std::collections::HashSet::new();
    // Compose services that run an image they do not build.
    let compose_refs = project
        .compose
        .iter()
        .flat_map(|p| p.services.iter())
        .filter(|s| s.build.is_none())
        .filter_map(|s| s.image.as_ref()?.value.as_deref());
    let container_refs = workloads
        .iter()
        .flat_map(|w| w.containers.iter().filter_map(|c| c.image()));
    {
        // Distinct references, in order of first use; the image vector sized for them once (a
        // doubled vector of 18,000 unknown references kept up to 14 MB of spare slots).
        let distinct: Vec<&str> = container_refs
            .chain(compose_refs)
            .filter(|r| refs.insert(r))
            .collect();
        images.images.reserve_exact(distinct.len());
        for r in distinct {
            let repo = super::repository(r);
            if let Some(link) = first_link.get(repo) {
                if let Some(d) = project.dockerfiles.get(link.dockerfile) {
                    let si = match &link.target {
                        Some(t) => d.stage_by_name(t).map(|s| s.index),
                        None => d.stages.len().checked_sub(1),
                    };
                    if let Some(idx) = si.and_then(|si| images.stage_index(link.dockerfile, si)) {
                        images.alias_reference(r, idx);
                        continue;
                    }
                }
            }
            let img = catalogue::image(r).unwrap_or_else(|| Image::unknown(r));
            images.insert_reference(r, img);
        }
    }
    images
}

pub fn explain_links(project: &Project) -> Vec<String> {
    let mut out = Vec::new();
    for l in &project.build.links {
        let df = project
            .dockerfiles
            .get(l.dockerfile)
            .and_then(|d| project.files.get(d.file))
            .map_or("?", |f| f.path.as_str());
        let why = match &l.reason {
            LinkReason::Config => "image_links in the config".to_string(),
            LinkReason::Skaffold(f) => format!("build.artifacts in {f}"),
            LinkReason::Compose(f, s) => format!("service `{s}` in {f}"),
            LinkReason::Convention => {
                "the last path component of the repository names the Dockerfile's directory"
                    .to_string()
            }
        };
        let mut line = format!("{} -> {df}", l.repository);
        if let Some(t) = &l.target {
            line.push_str(&format!(" (target `{t}`)"));
        }
        if let Some(c) = &l.context {
            line.push_str(&format!(" [context {c}]"));
        }
        line.push_str(&format!(": {why}"));
        out.push(line);
    }
    for (repo, ds) in &project.build.ambiguous {
        let names: Vec<&str> = ds
            .iter()
            .filter_map(|i| project.dockerfiles.get(*i))
            .filter_map(|d| project.files.get(d.file))
            .map(|f| f.path.as_str())
            .collect();
        out.push(format!(
            "{repo}: not linked, ambiguous between {}",
            names.join(", ")
        ));
    }
    out
}

pub(super) fn entry(origin: Origin, seq: u32) -> Entry {
    Entry::new(super::PathInfo::present(origin, Tri::No, Tri::No), seq)
}

/// Insert an entry and mark its parent directories as existing. A path Linux cannot name
/// ([`nameable_prefix`]: 30,000 components held 900 MB of ancestors) is not held: its
/// longest nameable ancestor is a directory (GNU `mkdir -p` makes it), and lookups of what is
/// below are unknown. Once the stage holds [`MAX_STAGE_PATH_BYTES`] nothing more is (the
/// stage is then not modelled).
pub(super) fn put(img: &mut Image, path: &str, e: Entry) {
    if img.path_bytes() > MAX_STAGE_PATH_BYTES {
        return;
    }
    if !nameable(path) {
        let cut = nameable_prefix(path);
        if cut != "/" && img.fs.get(cut).is_none_or(|x| x.exists != Tri::Yes) {
            let mut d = entry(e.origin.clone(), e.seq);
            d.is_dir = Tri::Yes;
            d.executable = Tri::Yes;
            put(img, cut, d);
        }
        return;
    }
    // The ancestors up to the clean chain are present directories already (super::fs::Fs).
    let covered = img.fs.clean_prefix_len(path);
    let mut clean = true;
    let mut p = path;
    while let Some(i) = p.rfind('/') {
        p = &p[..i];
        if p.is_empty() || p.len() <= covered {
            break;
        }
        match img.fs.get(p) {
            Some(x) if x.exists == Tri::Yes => clean &= Fs::is_clean_dir(x),
            _ => {
                let mut d = entry(e.origin.clone(), e.seq);
                d.is_dir = Tri::Yes;
                d.executable = Tri::Yes;
                img.fs.insert(p.to_string(), d);
            }
        }
    }
    img.fs.insert(path.to_string(), e);
    match path.rfind('/') {
        Some(i) if i > 0 && clean => img.fs.set_clean_dir(&path[..i]),
        _ => {}
    }
}

/// Make `path` and what is under it unknown. A path Linux cannot name makes its longest
/// nameable ancestor unknown (what the step did there). Once the stage holds
/// [`MAX_STAGE_PATH_BYTES`] nothing more is recorded (the stage is then not modelled).
pub(super) fn fuzz(img: &mut Image, path: &str) {
    if img.path_bytes() > MAX_STAGE_PATH_BYTES {
        return;
    }
    let path = if nameable(path) {
        path
    } else {
        nameable_prefix(path)
    };
    let s = img.seq;
    img.push_fuzzy(path, s);
    // Entries at or under it are no longer certain.
    let executable = |e: &Entry| {
        if e.exists == Tri::Yes && e.executable == Tri::Yes {
            Tri::Yes
        } else {
            Tri::Unknown
        }
    };
    // Entries the change leaves as they are (a catalogue base's: plain ones) are not touched.
    let unchanged = |e: &Entry| {
        e.exists != Tri::No
            && e.executable == executable(e)
            && !e.complete_dir
            && e.perm == Default::default()
    };
    img.fs.update_subtree_nonplain(
        path,
        |_, e| !unchanged(e),
        |_, e| {
            if e.exists == Tri::No {
                e.exists = Tri::Unknown;
            }
            e.executable = executable(e);
            e.complete_dir = false;
            e.perm = Default::default();
        },
    );
}

fn image_command(c: &Command, file: usize, span: Span, shell: &[String]) -> ImageCommand {
    let (form, arg_spans) = match &c.args {
        CommandArgs::Exec(v) => (
            CommandForm::Exec(v.iter().map(|s| s.value.clone()).collect()),
            v.iter().map(|s| Span::new(file, s.span.clone())).collect(),
        ),
        CommandArgs::Shell(s) => (CommandForm::Shell(s.value.clone()), Vec::new()),
    };
    ImageCommand {
        form,
        shell: shell.to_vec(),
        span: Some(span),
        args_span: Some(Span::new(file, c.span.clone())),
        arg_spans,
        invalid_json: c.invalid_json,
        origin: Origin::Instruction(span),
    }
}

/// The global ARGs (before the first FROM) with their defaults expanded in order, as BuildKit
/// expands meta-args (`ARG V=3.20`, `ARG IMG=alpine:${V}`, `FROM ${IMG}`): once per Dockerfile,
/// on a budget of their own. A default that references an unknown value, or whose expansion
/// runs out of the budget, is unknown (`None`).
struct Globals {
    values: HashMap<String, Option<String>>,
    /// The global ARG whose expansion ran out of the budget (KX011, reported on stage 0).
    overrun: Option<Span>,
}

impl Globals {
    fn of(d: &Dockerfile) -> Globals {
        let mut budget = Budget::new();
        let mut values: HashMap<String, Option<String>> = HashMap::new();
        let mut overrun = None;
        for a in &d.global_args {
            let v = match &a.default {
                Some(dv) => {
                    let get = |n: &str| {
                        values
                            .get(n)
                            .and_then(|v| v.as_deref().map(Cow::Borrowed))
                            .or_else(|| auto_arg(n).map(Cow::Owned))
                    };
                    let (x, known) = expand(dv, d.escape, &get, &mut budget);
                    if budget.exceeded() && overrun.is_none() {
                        overrun = Some(Span::new(d.file, a.span.clone()));
                    }
                    known.then_some(x)
                }
                // `ARG NAME` with no default: unset, unless an earlier one set it.
                None => values.get(&a.name).cloned().flatten(),
            };
            values.insert(a.name.clone(), v);
        }
        Globals { values, overrun }
    }

    fn get(&self, n: &str) -> Option<&str> {
        self.values.get(n).and_then(|v| v.as_deref())
    }
}

/// Whether a stage's steps outgrew what one stage may do: entries visited by bulk updates
/// ([`MAX_FS_WORK`]) or bytes of paths held ([`MAX_STAGE_PATH_BYTES`], which [`put`] stops
/// at). `build_stage` stops following its steps, and the stage is not modelled.
fn over_budget(img: &Image) -> bool {
    img.fs.work() > MAX_FS_WORK || img.path_bytes() > MAX_STAGE_PATH_BYTES
}

/// A stage past the modelling budget: an unknown image (nothing about it is asserted).
fn unmodelled_stage(di: usize, s: &Stage, path: &str, from: Span) -> Image {
    let mut img = Image::unknown("");
    name_stage(&mut img, (di, s, path), from, "not modelled");
    img
}

/// Marks `img` as stage `s` of Dockerfile `di` (at `path`), described with `what` (its FROM).
fn name_stage(img: &mut Image, (di, s, path): (usize, &Stage, &str), from: Span, what: &str) {
    img.dockerfile = Some(di);
    img.stage = Some(s.index);
    img.from_span = Some(from);
    img.description = match s.name() {
        Some(n) => format!("Dockerfile stage `{n}` ({path}, {what})"),
        None => format!("Dockerfile stage #{} ({path}, {what})", s.index),
    };
}

fn build_stage(
    d: &Dockerfile,
    di: usize,
    s: &Stage,
    earlier: &[Image],
    ctx: Option<&Context>,
    (path, project, globals): (&str, &crate::project::Project, &Globals),
) -> Image {
    let file = d.file;
    // Everything this stage expands shares one budget (crate::budget).
    let mut budget = Budget::new();
    let global = |n: &str| {
        globals
            .get(n)
            .map(Cow::Borrowed)
            .or_else(|| auto_arg(n).map(Cow::Owned))
    };
    let from_span = Span::new(file, s.from.span.clone());
    let mut img = base_image(d, di, s, earlier, path, &global, &mut budget);
    // A stage built on an earlier one inherits its ENV, not its ARGs.
    img.build_args.clear();
    // Variables in scope: ENV (by name, an index into `img.env`, redefinitions replaced in
    // place) before ARG. Nothing is copied per instruction: every value of an instruction is
    // expanded against the state before it (as BuildKit does), then applied.
    let mut env_index: HashMap<String, usize> = HashMap::new();
    for (i, (k, _)) in img.env.iter().enumerate() {
        env_index.insert(k.clone(), i);
    }
    let mut args: HashMap<String, Option<String>> = HashMap::new();
    let mut cmd_set = false;
    let mut last_span = from_span;
    for ins in &s.instructions {
        if over_budget(&img) {
            break;
        }
        img.seq += 1;
        let seq = img.seq;
        let span = Span::new(file, ins.span.clone());
        img.steps.push((seq, span));
        let origin = Origin::Instruction(span);
        if budget.exceeded() && img.budget_overrun.is_none() {
            img.budget_overrun = Some(last_span);
        }
        last_span = span;
        let lookup = |n: &str| -> Option<Cow<'_, str>> {
            if let Some((_, v)) = env_index.get(n).and_then(|i| img.env.get(*i)) {
                return Some(Cow::Borrowed(v.as_str()));
            }
            if let Some(v) = args.get(n) {
                return v.as_deref().map(Cow::Borrowed);
            }
            auto_arg(n).map(Cow::Owned)
        };
        match &ins.kind {
            InstKind::Arg(defs) => {
                let values: Vec<Option<String>> = defs
                    .iter()
                    .map(|a| match &a.default {
                        Some(dv) => {
                            let (x, k) = expand(dv, d.escape, &lookup, &mut budget);
                            k.then_some(x)
                        }
                        None => globals.get(&a.name).map(str::to_string),
                    })
                    .collect();
                for (a, v) in defs.iter().zip(values) {
                    if let Some(x) = &v {
                        img.build_args.push((a.name.clone(), x.clone()));
                    }
                    args.insert(a.name.clone(), v);
                }
            }
            InstKind::Env(pairs) => {
                let values: Vec<String> = pairs
                    .iter()
                    .map(|(_, v)| expand(v, d.escape, &lookup, &mut budget).0)
                    .collect();
                for ((k, _), x) in pairs.iter().zip(values) {
                    match env_index.get(k).and_then(|i| img.env.get_mut(*i)) {
                        Some(slot) => slot.1 = x,
                        None => {
                            env_index.insert(k.clone(), img.env.len());
                            img.env.push((k.clone(), x));
                        }
                    }
                }
            }
            InstKind::Workdir(w) => {
                let (x, known) = expand(&w.value, d.escape, &lookup, &mut budget);
                workdir_step(&mut img, known.then_some(x.as_str()), &origin, seq);
            }
            InstKind::User(u) => {
                let (x, _) = expand(&u.value, d.escape, &lookup, &mut budget);
                img.user = Some(x);
            }
            InstKind::Stopsignal(sg) => {
                let (x, _) = expand(&sg.value, d.escape, &lookup, &mut budget);
                img.stopsignal = Some((x, origin.clone()));
            }
            InstKind::Shell(v) => {
                img.shell = v.iter().map(|s| s.value.clone()).collect();
            }
            InstKind::Entrypoint(c) => {
                img.entrypoint = Some(Box::new(image_command(c, file, span, &img.shell)));
                img.entrypoint_unknown = false;
                if !cmd_set {
                    img.cmd = None;
                }
            }
            InstKind::Cmd(c) => {
                img.cmd = Some(Box::new(image_command(c, file, span, &img.shell)));
                cmd_set = true;
            }
            InstKind::Healthcheck(h) => {
                img.healthcheck = h
                    .as_ref()
                    .map(|c| Box::new(image_command(c, file, span, &img.shell)));
            }
            InstKind::Run {
                command, heredocs, ..
            } => {
                run_step(&mut img, command, heredocs, origin.clone(), seq, project);
            }
            InstKind::Copy {
                add,
                flags,
                sources,
                dest,
            } => {
                let (dest_x, dest_known) = expand(&dest.value, d.escape, &lookup, &mut budget);
                if !dest_known {
                    fuzz(&mut img, "/");
                    continue;
                }
                let expanded: Vec<Option<(String, bool)>> = sources
                    .iter()
                    .map(|src| match src {
                        CopySource::Path(sp) => {
                            Some(expand(&sp.value, d.escape, &lookup, &mut budget))
                        }
                        CopySource::Heredoc { .. } => None,
                    })
                    .collect();
                let stages = (d, s, earlier, ctx);
                let copy = (*add, flags.as_slice(), sources.as_slice());
                super::copy::copy_step(&mut img, copy, (&dest_x, expanded), stages, &origin, seq);
            }
            InstKind::Other => {}
        }
    }
    if budget.exceeded() && img.budget_overrun.is_none() {
        img.budget_overrun = Some(last_span);
    }
    img
}

/// A stage's starting point (FROM): an earlier stage, a catalogue image or an unknown one, with
/// its reference, description and platform.
fn base_image(
    d: &Dockerfile,
    di: usize,
    s: &Stage,
    earlier: &[Image],
    path: &str,
    global: Get<'_, '_>,
    budget: &mut Budget,
) -> Image {
    let file = d.file;
    let from_span = Span::new(file, s.from.span.clone());
    let (base_ref, base_known_ref) = expand(&s.from.image.value, d.escape, global, budget);
    let mut img = if let Some(prev) = d
        .stage_by_ref(&base_ref, s.index)
        .and_then(|p| earlier.get(p.index))
    {
        prev.clone()
    } else if !base_known_ref {
        Image::unknown(&base_ref)
    } else if base_ref.eq_ignore_ascii_case("scratch") {
        catalogue::image("scratch").unwrap_or_else(|| Image::unknown("scratch"))
    } else {
        catalogue::image(&base_ref).unwrap_or_else(|| Image::unknown(&base_ref))
    };
    img.reference = base_ref.clone();
    img.budget_overrun = budget.exceeded().then_some(from_span);
    name_stage(
        &mut img,
        (di, s, path),
        from_span,
        &format!("FROM {base_ref}"),
    );
    if let Some(p) = &s.from.platform {
        let (v, known) = expand(&p.value, d.escape, global, budget);
        if known && !v.contains('$') {
            let mut parts = v.split('/');
            let os = parts.next().unwrap_or("linux").to_string();
            let arch = normalize_arch(parts.next().unwrap_or(""));
            if os.eq_ignore_ascii_case("windows") {
                img.windows = true;
            }
            if !arch.is_empty() {
                img.platform = Some(Platform {
                    os,
                    arch,
                    span: Some(Span::new(file, p.span.clone())),
                });
            }
        }
    }
    img
}

/// WORKDIR (its expanded path, None when unknown): the directory exists from here on.
///
/// A path Linux cannot name ([`nameable`]: `PATH_MAX`, `NAME_MAX`) fails the build there
/// (BuildKit's WORKDIR is a `mkdir -p` of it: ENAMETOOLONG). It is held cut to its first
/// `PATH_MAX` bytes, still not nameable, so what resolves against it stays unknown as before,
/// and relative WORKDIRs after it leave it so: a chain of 40,000 `WORKDIR a` grew it without
/// limit, and each step normalised all of it.
fn workdir_step(img: &mut Image, path: Option<&str>, origin: &Origin, seq: u32) {
    img.workdir_origin = origin.clone();
    let Some(x) = path else {
        img.workdir_lost = false;
        img.workdir = "/".to_string();
        fuzz(img, "/");
        return;
    };
    if img.workdir_lost && !x.starts_with('/') {
        // Below a directory Linux cannot name: nowhere kexit models.
        return;
    }
    // The held working directory is at most PATH_MAX bytes: this costs the instruction's length.
    let mut p = normalize(&img.workdir, x);
    let mut e = entry(origin.clone(), seq);
    e.is_dir = Tri::Yes;
    e.executable = Tri::Yes;
    if img.fs.get(&p).is_none_or(|x| x.exists != Tri::Yes) {
        put(img, &p, e);
    }
    img.workdir_lost = !nameable(&p);
    if p.len() > super::build::PATH_MAX {
        let mut cut = super::build::PATH_MAX;
        while !p.is_char_boundary(cut) {
            cut += 1;
        }
        p.truncate(cut);
    }
    img.workdir = p;
}

/// A RUN instruction: its shell text (heredoc bodies when it has them), parsed under SHELL, and
/// its effect on the image.
fn run_step(
    img: &mut Image,
    command: &Command,
    heredocs: &[Str],
    origin: Origin,
    seq: u32,
    project: &Project,
) {
    let exec_form = matches!(command.args, CommandArgs::Exec(_));
    let text = if heredocs.is_empty() {
        match &command.args {
            CommandArgs::Shell(s) => s.value.clone(),
            CommandArgs::Exec(v) => v
                .iter()
                .map(|s| s.value.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        }
    } else {
        heredocs
            .iter()
            .map(|h| h.value.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    // Shell form runs under SHELL: PowerShell or cmd text is not read as sh.
    let script = if exec_form && heredocs.is_empty() {
        Some(crate::shell::parse(&text))
    } else {
        crate::shell::parse_for(&img.shell, &text)
    };
    apply_run(img, (&text, script.as_ref()), origin, seq, project);
}

/// Automatic platform ARGs: unknown (they depend on the build).
fn auto_arg(_n: &str) -> Option<String> {
    None
}

pub fn normalize_arch(a: &str) -> String {
    match a {
        "x86_64" | "amd64" => "amd64",
        "aarch64" | "arm64" | "arm64v8" => "arm64",
        "arm" | "armv7" | "armhf" | "arm32v7" | "armv6" => "arm",
        "i386" | "386" | "x86" => "386",
        other => other,
    }
    .to_string()
}

/// The base directory of pip's user scheme for the user a RUN runs as: `$PYTHONUSERBASE`, or
/// `/root/.local` for root. None when kexit cannot tell (another user: its home is not
/// modelled).
fn user_base(img: &Image) -> Option<String> {
    if let Some(v) = img.env("PYTHONUSERBASE") {
        return (v.starts_with('/') && !v.contains('$')).then(|| normalize("/", v));
    }
    let name = match img.user.as_deref() {
        None => "root",
        Some(u) => u.split(':').next().unwrap_or(u),
    };
    if name == "root" || name == "0" {
        return Some("/root/.local".to_string());
    }
    // A user whose home a RUN created (`useradd -m app`).
    img.homes
        .iter()
        .find(|(u, _)| u == name)
        .map(|(_, h)| format!("{}/.local", h.trim_end_matches('/')))
}

fn apply_run(
    img: &mut Image,
    (text, script): (&str, Option<&Script>),
    origin: Origin,
    seq: u32,
    project: &crate::project::Project,
) {
    let read = |i: &Image, p: &str| i.script(project, p).map(|s| s.text.to_string());
    let fx = super::installs::apply(img, read_run(script), text, &origin, seq, &read);
    if fx.unfollowable {
        fuzz(img, "/");
    }
    img.ran_code |= fx.runs_code;
    if fx.unknown_packages {
        for d in SYSTEM_DIRS {
            fuzz(img, d);
        }
    }
    super::installs::apply_lang(img, &fx.lang_installs);
    for d in &fx.pip_dirs {
        if d == "<userbase>" {
            // `pip install --user` writes to ~/.local, or to PYTHONUSERBASE when set.
            match user_base(img) {
                Some(v) => fuzz(img, &v),
                None => {
                    fuzz(img, "/root/.local");
                    fuzz(img, "/home");
                }
            }
            continue;
        }
        if d == "<prefix>" {
            fuzz(img, "/usr/local");
            // A distro python's pip (alpine, `--break-system-packages`) writes to /usr/bin.
            if img.path("/usr/local/bin/python3").exists != Tri::Yes {
                fuzz(img, "/usr");
                fuzz(img, "/bin");
            }
            continue;
        }
        let n = normalize(&img.workdir.clone(), d);
        fuzz(img, &n);
    }
    for inst in &fx.installs {
        // pip's console scripts go to its user base with `--user`, nowhere kexit knows with
        // another destination, else to the prefix (the table's `/usr/local/bin`).
        let user_bin = if inst.manager != "pip" {
            None
        } else if inst.options.iter().any(|o| o == "--user") {
            match user_base(img) {
                Some(b) => Some(format!("{}/bin", b.trim_end_matches('/'))),
                None => continue,
            }
        } else if inst
            .options
            .iter()
            .any(|o| super::packages::pip_destination(o, false))
        {
            continue;
        } else {
            None
        };
        for p in &inst.packages {
            if let Some(bins) = super::packages::binaries(inst.manager, p) {
                let bins: Vec<String> = bins
                    .iter()
                    .map(|b| match (&user_bin, b.rsplit_once('/')) {
                        (Some(d), Some((_, name))) => format!("{d}/{name}"),
                        _ => b.to_string(),
                    })
                    .collect();
                for b in &bins {
                    let b = b.as_str();
                    let mut e = entry(origin.clone(), seq);
                    e.executable = Tri::Yes;
                    put(img, b, e);
                    // Debian/Ubuntu merged /usr: /bin/x and /usr/bin/x are the same file.
                    if let Some(rest) = b.strip_prefix("/usr/bin/") {
                        let alt = format!("/bin/{rest}");
                        if !img.fs.contains_key(&alt) && img.libc != super::Libc::Musl {
                            let mut e = entry(origin.clone(), seq);
                            e.executable = Tri::Yes;
                            put(img, &alt, e);
                        }
                    }
                }
            }
        }
    }
    for p in &fx.fuzzy_paths {
        if p.contains(['*', '?', '$', '`']) {
            let base = p.split(['*', '?', '$', '`']).next().unwrap_or("/");
            let base = base.rsplit_once('/').map_or("/", |(a, _)| a);
            let base = if base.is_empty() { "/" } else { base };
            let n = normalize(&img.workdir.clone(), base);
            fuzz(img, &n);
        } else {
            let n = normalize(&img.workdir.clone(), p);
            fuzz(img, &n);
        }
    }
    // Directories first: `mkdir -p /out && go build -o /out ./cmd/x` writes /out/x.
    for p in &fx.mkdirs {
        if over_budget(img) {
            // The stage is not modelled (build_all): the rest is not worth a lookup each.
            break;
        }
        let n = normalize(&img.workdir.clone(), p);
        let mut e = entry(origin.clone(), seq);
        e.is_dir = Tri::Yes;
        e.executable = Tri::Yes;
        if img.fs.get(&n).is_none_or(|x| x.exists != Tri::Yes) {
            put(img, &n, e);
        }
    }
    // What build commands write besides their outputs: the go tool's directories, files in
    // the current directory.
    if !fx.tool_dirs.is_empty()
        && script.is_some_and(|s| super::buildcmd::standalone_assignment(text, s))
    {
        fuzz(img, "/");
    }
    for t in &fx.tool_dirs {
        match super::buildcmd::resolve(img, t) {
            Some(dirs) => dirs.iter().for_each(|d| fuzz(img, d)),
            None => fuzz(img, "/"),
        }
    }
    for p in &fx.build_writes {
        let n = normalize(&img.workdir.clone(), p);
        fuzz(img, &n);
    }
    super::compile::apply(img, &fx.built, &fx.fuzzy_paths, &origin, seq);
    // Files rewritten in place: their build-context text no longer describes them.
    let forget = |_: &str, e: &mut Entry| {
        e.source = None;
        e.inline = None;
    };
    let remembers = |e: &Entry| e.source.is_some() || e.inline.is_some();
    if fx.rewrite_unknown {
        img.fs.update_nonplain(|_, e| remembers(e), forget);
    }
    for p in &fx.rewritten {
        let glob = p.contains(['*', '?', '[']);
        let base = if glob {
            let b = p.split(['*', '?', '[']).next().unwrap_or("/");
            b.rsplit_once('/')
                .map_or(String::new(), |(a, _)| a.to_string())
        } else {
            p.clone()
        };
        let n = normalize(
            &img.workdir.clone(),
            if base.is_empty() { "." } else { &base },
        );
        if n == "/" || !n.ends_with('/') {
            img.fs
                .update_subtree_nonplain(&n, |_, e| remembers(e), forget);
        } else {
            let under = format!("{}/", n.trim_end_matches('/'));
            img.fs.update_nonplain(
                |k, e| (k == n || k.starts_with(&under)) && remembers(e),
                forget,
            );
        }
    }
    for (target, link) in &fx.symlinks {
        if over_budget(img) {
            break;
        }
        let mut l = normalize(&img.workdir.clone(), link);
        if img.path(&l).is_dir == Tri::Yes {
            l = format!(
                "{}/{}",
                l.trim_end_matches('/'),
                super::copy::basename(target)
            );
        }
        let mut e = entry(origin.clone(), seq);
        e.symlink = Some(target.clone());
        e.is_dir = Tri::Unknown;
        e.executable = Tri::Unknown;
        put(img, &l, e);
    }
    // Modes after the links: `ln -s … && chmod +x LINK` changes the link's target.
    super::chmod::apply(img, &fx.modes, &origin, seq);
    super::perms::create_homes(img, &fx.perms, &origin, seq);
    super::perms::after_run(img, &fx.perms);
}

#[cfg(test)]
#[path = "dockerfile_tests.rs"]
mod tests;
