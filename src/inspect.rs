//! `kexit inspect`: what kexit knows about every process it models — where it is declared,
//! which image it runs and how that image was resolved, its effective argv, PATH and user, and
//! the verdict on argv[0] and each interpreter it chains to (present, absent or unknown, with
//! the reason). This is how a user finds out why kexit said nothing.
//!
//! A consumer of the model only: it reads [`crate::argv::processes`] and the image facts, and
//! holds no rule logic. Every process the model knows appears here.

use crate::finding::ObjectRef;
use crate::image::link::LinkReason;
use crate::image::{Image, Origin, Tri};
use crate::model::process::{self, Found, PathFact, ProcKind, Process, Runtime};
use crate::model::Model;
use crate::source::Span;
use serde::Serialize;

/// One inspected process (the JSON contract, version 1; the extra keys are documented in the
/// README).
#[derive(Debug, Clone, Serialize)]
pub struct ProcReport {
    pub file: String,
    pub line: usize,
    pub object: Option<ObjectRef>,
    pub container: String,
    /// `container`, `livenessProbe`, `readinessProbe`, `startupProbe`, `lifecycle.postStart`,
    /// `lifecycle.preStop` (extra key).
    pub process: String,
    pub image: Option<String>,
    /// `dockerfile`, `catalogue` or `unknown`.
    pub image_source: &'static str,
    /// The linked Dockerfile (path), when `image_source` is `dockerfile`.
    pub dockerfile: Option<String>,
    /// How the image was resolved, in words (extra key).
    pub image_reason: String,
    pub argv: Vec<String>,
    /// The PATH the process searches (container `env`, else the image's), when known
    /// (extra key).
    pub path_env: Option<String>,
    /// The user the process runs as, when known (extra key).
    pub user: Option<String>,
    pub argv0: Verdict,
    /// Interpreters argv[0] chains to: a script's shebang interpreter, and the program
    /// `#!/usr/bin/env X` runs (extra key).
    pub interpreters: Vec<Verdict>,
}

/// The verdict on one program.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The program as written (extra key; argv[0], or the shebang's interpreter).
    pub program: Option<String>,
    /// The absolute path it resolves to (or the path looked at), when known.
    pub path: Option<String>,
    /// `present`, `absent` or `unknown`.
    pub verdict: &'static str,
    pub reason: String,
}

impl Verdict {
    fn unknown(program: Option<&str>, reason: impl Into<String>) -> Verdict {
        Verdict {
            program: program.map(str::to_string),
            path: None,
            verdict: "unknown",
            reason: reason.into(),
        }
    }
}

/// Counts over every process.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub processes: usize,
    pub present: usize,
    pub absent: usize,
    pub unknown: usize,
    /// Main container processes only.
    pub containers: usize,
    pub containers_known: usize,
}

/// The report of every process of the model, in model order.
pub fn inspect(model: &Model<'_>) -> Vec<ProcReport> {
    process::all(model).map(|p| report(model, &p)).collect()
}

pub fn summary(reports: &[ProcReport]) -> Summary {
    let mut s = Summary {
        processes: reports.len(),
        ..Summary::default()
    };
    for r in reports {
        match r.argv0.verdict {
            "present" => s.present += 1,
            "absent" => s.absent += 1,
            _ => s.unknown += 1,
        }
        if r.process == "container" {
            s.containers += 1;
            if r.argv0.verdict != "unknown" {
                s.containers_known += 1;
            }
        }
    }
    s
}

fn process_name(kind: ProcKind) -> String {
    match kind {
        ProcKind::Main => "container".to_string(),
        ProcKind::Probe(p) => p.to_string(),
        ProcKind::Hook(h) => format!("lifecycle.{h}"),
        ProcKind::Healthcheck => "healthcheck".to_string(),
    }
}

/// `path:line` of a span.
fn at(model: &Model<'_>, span: Span) -> String {
    let f = model.file(span.file);
    format!("{}:{}", f.path, f.line_col(span.start).0)
}

/// `docker/Dockerfile:12 (RUN apt-get install …)`: an instruction, briefly.
fn instruction(model: &Model<'_>, span: Span) -> String {
    let f = model.file(span.file);
    let text = f.slice(span);
    let first = text.lines().next().unwrap_or("").trim();
    let short: String = first.chars().take(60).collect();
    let more = if short.len() < first.len() || text.lines().nth(1).is_some() {
        " …"
    } else {
        ""
    };
    format!("{} (`{short}{more}`)", at(model, span))
}

fn link_reason(model: &Model<'_>, reference: &str, dockerfile: usize) -> Option<String> {
    let repo = crate::image::repository(reference);
    let l = model
        .project
        .build
        .links
        .iter()
        .find(|l| l.repository == repo && l.dockerfile == dockerfile)?;
    Some(match &l.reason {
        LinkReason::Config => "image_links in the config".to_string(),
        LinkReason::Skaffold(f) => format!("build.artifacts in {f}"),
        LinkReason::Compose(f, s) => format!("service `{s}` in {f}"),
        LinkReason::Convention => format!(
            "the repository's last path component `{}` names the Dockerfile's directory",
            repo.rsplit('/').next().unwrap_or(repo)
        ),
    })
}

/// The catalogue entry of a reference, in words (`python` tags `*slim*`).
fn catalogue_entry(reference: &str) -> String {
    match crate::image::catalogue::entry(reference) {
        // Generated rows list every tag they cover: name the one matched and how many.
        Some(e) if e.tags.len() > 4 => format!(
            "catalogue entry `{}` (tag {}, one of {})",
            e.repos.join(", "),
            crate::image::tag(reference),
            e.tags.len()
        ),
        Some(e) => format!(
            "catalogue entry `{}` (tags {})",
            e.repos.join(", "),
            e.tags.join(", ")
        ),
        None => "the catalogue".to_string(),
    }
}

/// (`image_source`, dockerfile path, reason).
fn image_source(
    model: &Model<'_>,
    reference: Option<&str>,
    img: Option<&Image>,
) -> (&'static str, Option<String>, String) {
    let Some(reference) = reference else {
        return ("unknown", None, "the container has no `image`".to_string());
    };
    let Some(img) = img else {
        return ("unknown", None, format!("`{reference}` was not modelled"));
    };
    if let Some(di) = img.dockerfile {
        let path = model
            .dockerfiles()
            .get(di)
            .map(|d| model.file(d.file).path.clone());
        let why = link_reason(model, reference, di)
            .unwrap_or_else(|| "linked to this Dockerfile".to_string());
        let base = if img.base_known {
            match &img.base {
                Some(b) => format!(
                    "built FROM `{}`, known from {}",
                    img.reference,
                    catalogue_entry(b)
                ),
                None => format!("built FROM `{}`", img.reference),
            }
        } else {
            format!(
                "built FROM `{}`, which is not in the catalogue (its contents are unknown)",
                img.reference
            )
        };
        let what = format!(
            "linked to {} ({why}); {base}",
            path.as_deref().unwrap_or("a Dockerfile")
        );
        return ("dockerfile", path, what);
    }
    if img.base_known {
        return ("catalogue", None, catalogue_entry(reference));
    }
    (
        "unknown",
        None,
        format!("`{reference}` is neither linked to a Dockerfile in the linted tree nor in the catalogue (`kexit lint --explain-links` shows the links)"),
    )
}

/// The user the process runs as (`runAsUser`, else the image USER), as the model knows it.
fn user(p: &Process<'_, '_>) -> Option<String> {
    p.group.user.clone()
}

/// Where a fact about a path comes from, in words.
fn origin_of(model: &Model<'_>, p: &Process<'_, '_>, fact: &PathFact) -> String {
    if let Some(m) = &fact.mounted {
        return format!("mounted from {m}");
    }
    let Some(img) = p.image else {
        return "no image model".to_string();
    };
    let info = img.path(&fact.path);
    match info.origin {
        Origin::Instruction(s) => {
            let text = model.file(s.file).slice(s).trim_start();
            let copied = ["COPY", "ADD"].iter().any(|k| {
                text.get(..k.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(k))
                    && text[k.len()..].starts_with(char::is_whitespace)
            });
            // A source kexit did not read: the COPY itself is the evidence.
            if copied && info.source.is_none() && info.inline.is_none() {
                format!(
                    "copied by {}; the build fails if the source is missing",
                    instruction(model, s)
                )
            } else if copied {
                format!("copied by {}", instruction(model, s))
            } else {
                format!("created by {}", instruction(model, s))
            }
        }
        Origin::Catalogue => match &img.base {
            Some(r) => format!("listed in {}", catalogue_entry(r)),
            None => "listed in the base image's catalogue entry".to_string(),
        },
        Origin::Unknown => match &fact.origin {
            Some((s, m)) => format!("{m} ({})", at(model, *s)),
            None => "known to exist".to_string(),
        },
    }
}

/// Why a path or name could not be decided.
fn unknown_reason(model: &Model<'_>, p: &Process<'_, '_>, name: &str) -> String {
    let Some(img) = p.image else {
        return match p.image_reference() {
            Some(i) => format!("image `{i}` is not modelled"),
            None => "the container has no `image`".to_string(),
        };
    };
    if !img.base_known {
        return if img.dockerfile.is_some() {
            format!(
                "the Dockerfile's base image `{}` is not in the catalogue, so what it contains is unknown",
                img.reference
            )
        } else {
            format!(
                "image `{}` is neither linked to a Dockerfile nor in the catalogue, so what it contains is unknown",
                img.reference
            )
        };
    }
    if name.contains('/') && !name.starts_with('/') && p.workdir.path.is_none() {
        return "a relative path, and the working directory is not known".to_string();
    }
    if p.path_var().is_none() && !name.contains('/') {
        return "the container's `env` sets PATH to a value kexit does not know".to_string();
    }
    if !name.contains('/') {
        use crate::image::installs::Plausible;
        let path = p.path_var().unwrap_or_default();
        let hit = img.pkg_fuzz.iter().rev().find(|f| {
            path.split(':')
                .any(|d| f.covers(d.trim_end_matches('/'), name))
        });
        match hit.map(|f| (&f.kind, f.dirs.join(", "))) {
            Some((Plausible::Pip, dirs)) => {
                return format!(
                    "a `pip install` may have put a console script named `{name}` in {dirs}: kexit knows the console scripts and dependencies of common PyPI packages, and a package outside that data (or a URL, a path, `-e`, another index, a constraints file, a requirement pinned to an older major version) may bring any name"
                )
            }
            Some((Plausible::Names(_), dirs)) => {
                return format!(
                    "a `pip install` may have put a console script named `{name}` in {dirs}: a package that ships it is installed only on some Python versions or platforms (an environment marker on the requirement or on a dependency)"
                )
            }
            Some((Plausible::Installer, dirs)) => {
                return format!(
                    "a `gem`/`bundle install` or a global `npm install` may have put a program named `{name}` in {dirs}: kexit has no data on those packages' programs (only the distributions' well-known programs, such as `curl` or `bash`, are ruled out)"
                )
            }
            Some((Plausible::Apk(..), dirs)) => {
                return format!(
                    "an `apk add` may have put a program named `{name}` in {dirs}: kexit has no Alpine package data, and an Alpine package may ship any name a Debian/Ubuntu package ships, a busybox applet, an Alpine tool, or a name like the packages requested"
                )
            }
            Some((Plausible::Unowned(..), dirs)) => {
                return format!(
                    "no package of the release ships `{name}`, but a package install may create it in {dirs} from a maintainer script (alternatives)"
                )
            }
            None => {}
        }
    }
    if let Some(span) = img.fuzzy_step(&candidates(p, name)) {
        return format!(
            "unknown because of {}: kexit cannot follow what that step creates (a package or script it has no data for, `curl | sh`, `make install`, an unknown COPY source), and it may have created `{name}`",
            instruction(model, span)
        );
    }
    let cands = candidates(p, name);
    let fuzzy: Vec<&str> = img.fuzzy.iter().map(|(d, _)| d.as_str()).collect();
    let fuzzy_covers = fuzzy
        .iter()
        .any(|d| cands.iter().any(|c| crate::image::build::under(d, c)));
    if let Some(o) = img
        .official
        .filter(|_| !fuzzy_covers && !name.contains('/'))
    {
        let shipped = crate::image::installs::debian_releases(img).is_some_and(|ids| {
            ids.iter()
                .filter_map(|id| crate::image::pkgdb::release(id))
                .any(|db| db.owns(name))
        });
        if shipped {
            return format!(
                "a Debian package of the image's release ships `{name}`, and kexit knows which packages the official `{}` image holds only for the commands its catalogue tracks",
                o.repo
            );
        }
    }
    if !fuzzy.is_empty() && fuzzy_covers {
        let dirs = if fuzzy.contains(&"/") {
            "anywhere".to_string()
        } else {
            fuzzy
                .iter()
                .take(4)
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return format!(
            "a build step kexit cannot follow (a package or script it has no data for, `curl | sh`, `make install`, an unknown COPY source) may have created files {}",
            if dirs == "anywhere" { dirs } else { format!("under {dirs}") }
        );
    }
    if !p.mounts.mounts.is_empty() {
        return "a volume mounted in the container may provide it".to_string();
    }
    format!(
        "the data on {} does not say whether it has `{name}`",
        img.description
    )
}

/// The paths `name` may be run from: itself when absolute, under the working directory when
/// relative, else in each absolute PATH directory.
fn candidates(p: &Process<'_, '_>, name: &str) -> Vec<String> {
    if name.starts_with('/') {
        vec![name.to_string()]
    } else if name.contains('/') {
        p.workdir
            .path
            .as_deref()
            .map(|wd| vec![format!("{}/{name}", wd.trim_end_matches('/'))])
            .unwrap_or_default()
    } else {
        p.path_var()
            .unwrap_or_default()
            .split(':')
            .filter(|d| d.starts_with('/'))
            .map(|d| format!("{}/{name}", d.trim_end_matches('/')))
            .collect()
    }
}

/// Why the program is not known although the image part is needed: an ENTRYPOINT kexit cannot
/// see may come first (the base image sets it), or nothing of the image is known.
fn image_part_reason(p: &Process<'_, '_>) -> String {
    let Some(img) = p
        .image
        .filter(|i| i.dockerfile.is_some() && i.entrypoint_may_be_inherited())
    else {
        return "no `command` in the manifest, and the image's ENTRYPOINT/CMD are not known"
            .to_string();
    };
    let base = if img.base_known {
        format!(
            "the base image `{}` may set an ENTRYPOINT kexit does not know",
            img.base.as_deref().unwrap_or(&img.reference)
        )
    } else {
        format!(
            "the base image `{}` is not in the catalogue and may set an ENTRYPOINT",
            img.reference
        )
    };
    match p.argv.args.first() {
        Some(_) => {
            let args: Vec<&str> = p.argv.values();
            let shown = serde_json::to_string(&args).unwrap_or_default();
            format!("{base}, which would run first with {shown} as its arguments")
        }
        None => format!("{base} or CMD (none is set here), which would run"),
    }
}

fn verdict_for(model: &Model<'_>, p: &Process<'_, '_>, name: &str) -> Verdict {
    match p.find(name) {
        Found::Yes(fact) => {
            let mut reason = origin_of(model, p, &fact);
            if fact.is_dir == Tri::Yes {
                reason.push_str("; it is a directory, not a program");
            } else if let Some(d) = &fact.denied {
                reason.push_str(&format!("; but {d} (permission denied)"));
            } else if fact.executable == Tri::No {
                reason.push_str("; it has no exec bit (not executable)");
            }
            Verdict {
                program: Some(name.to_string()),
                path: Some(fact.path),
                verdict: "present",
                reason,
            }
        }
        Found::No(fact) => {
            let img_desc = p.image_desc();
            let reason = if let Some(m) = &fact.mounted {
                format!("volume {m} hides it: {}", fact.path)
            } else if name.contains('/') {
                format!("nothing creates `{}` in {img_desc}", fact.path)
            } else {
                let source = p.image.map_or(String::new(), |img| {
                    if img.absent_cmds.iter().any(|c| c == name) {
                        format!(
                            "; {} records `{name}` as not installed",
                            catalogue_entry(img.base.as_deref().unwrap_or(&img.reference))
                        )
                    } else if img.fully_known() {
                        "; the image's contents are fully known".to_string()
                    } else if let Some(o) = img.official {
                        let pip = if img.pip_closed.is_empty() {
                            String::new()
                        } else {
                            format!(
                                ", nor a console script the Dockerfile's `pip install` writes to {} (its packages and their dependencies are all in kexit's PyPI data)",
                                img.pip_closed.join(", ")
                            )
                        };
                        let owned = crate::image::installs::debian_releases(img).is_some_and(|ids| {
                            ids.iter()
                                .filter_map(|id| crate::image::pkgdb::release(id))
                                .any(|db| db.owns(name))
                        });
                        let packages = if owned {
                            "the Debian packages that ship it need Debian's python3, which the image does not have,"
                        } else {
                            "it is in no package of the image's release,"
                        };
                        format!(
                            "; for `{name}`, {packages} and it is not a program the official `{}` Dockerfile creates{pip}",
                            o.repo
                        )
                    } else {
                        String::new()
                    }
                });
                format!("not in any PATH directory of {img_desc}{source}")
            };
            let path = (name.contains('/')).then_some(fact.path);
            Verdict {
                program: Some(name.to_string()),
                path,
                verdict: "absent",
                reason,
            }
        }
        Found::Unknown => Verdict::unknown(Some(name), unknown_reason(model, p, name)),
    }
}

fn interpreters(model: &Model<'_>, p: &Process<'_, '_>, a0: &Verdict) -> Vec<Verdict> {
    let mut out = Vec::new();
    if a0.verdict != "present" || p.argv.shell.is_some() {
        return out;
    }
    let Some(path) = a0.path.as_deref() else {
        return out;
    };
    let Some(st) = p.script(path) else {
        return out;
    };
    let Some(sb) = crate::shell::shebang(&st.text) else {
        return out;
    };
    let interp = sb.interpreter.trim_end_matches('\r').to_string();
    let mut v = if interp.starts_with('/') {
        verdict_for(model, p, &interp)
    } else {
        Verdict::unknown(Some(&interp), "a relative shebang interpreter")
    };
    v.reason = format!("shebang of {}: {}", st.describe, v.reason);
    let env_prog = sb.via_env() && v.verdict == "present";
    out.push(v);
    if env_prog {
        let prog = sb.program().to_string();
        let mut v = verdict_for(model, p, &prog);
        v.reason = format!("run by `{interp}` through PATH: {}", v.reason);
        out.push(v);
    }
    out
}

fn report(model: &Model<'_>, p: &Process<'_, '_>) -> ProcReport {
    let span = match p.runtime {
        Runtime::Kubernetes {
            workload,
            container,
        } => Some(workload.span(p.node.unwrap_or(container.node))),
        Runtime::Docker { image } => p.argv.argv0().and_then(|a| a.span).or(image.from_span),
        Runtime::Compose { service, .. } => {
            Some(p.argv.argv0().and_then(|a| a.span).unwrap_or(service.key))
        }
    };
    let (file, line) = match span {
        Some(s) => {
            let f = model.file(s.file);
            (f.path.clone(), f.line_col(s.start).0)
        }
        None => (String::new(), 0),
    };
    let reference = p.image_reference();
    let (image_source, dockerfile, image_reason) = image_source(model, reference, p.image);
    let argv: Vec<String> = p.argv.args.iter().map(|a| a.value.clone()).collect();
    let argv0 = match p.argv.argv0() {
        None if p.argv.image_part_unknown => Verdict::unknown(None, image_part_reason(p)),
        None => Verdict::unknown(None, "no command at all (no `command`, no ENTRYPOINT/CMD)"),
        Some(a) if !a.exact || a.value.contains("$(") => Verdict::unknown(
            Some(&a.value),
            "argv[0] holds a `$(VAR)` reference whose value kexit does not know",
        ),
        Some(a) if a.value.is_empty() => Verdict::unknown(Some(""), "argv[0] is empty"),
        Some(a) => verdict_for(model, p, &a.value),
    };
    let interpreters = interpreters(model, p, &argv0);
    ProcReport {
        file,
        line,
        object: p.object().map(std::sync::Arc::unwrap_or_clone),
        container: match p.runtime {
            Runtime::Kubernetes { container, .. } => container.name.to_string(),
            Runtime::Docker { image } => format!("docker run {}", image.reference),
            Runtime::Compose { service, .. } => format!("compose service {}", service.name),
        },
        process: process_name(p.kind),
        image: reference.map(str::to_string),
        image_source,
        dockerfile,
        image_reason,
        argv,
        // An image kexit knows nothing about has an unknown PATH (not containerd's default).
        path_env: p.path_var().filter(|_| {
            p.env.path().is_some()
                || p.image
                    .is_some_and(|i| i.base_known || i.env("PATH").is_some())
        }),
        user: user(p),
        argv0,
        interpreters,
    }
}

#[derive(Serialize)]
struct Out<'a> {
    version: u32,
    containers: &'a [ProcReport],
    summary: Summary,
}

/// The JSON report (version 1).
pub fn render_json(reports: &[ProcReport]) -> String {
    let out = Out {
        version: 1,
        containers: reports,
        summary: summary(reports),
    };
    let mut s = crate::text::json_inert(
        serde_json::to_string_pretty(&out).unwrap_or_else(|_| "{}".to_string()),
    );
    s.push('\n');
    s
}

fn verdict_line(label: &str, v: &Verdict) -> String {
    let what = match (&v.program, &v.path) {
        (Some(p), Some(path)) if p != path => format!("`{p}` → {path}"),
        (Some(p), _) => format!("`{p}`"),
        (None, _) => "-".to_string(),
    };
    format!("  {label:<11} {:<8} {what}: {}\n", v.verdict, v.reason)
}

/// The human report: one block per process, then the counts.
pub fn render_human(reports: &[ProcReport]) -> String {
    let mut s = String::new();
    for r in reports {
        let obj = match &r.object {
            Some(o) => format!("{} {}/{}", o.kind, o.namespace, o.name),
            None => String::new(),
        };
        let proc = if r.process == "container" {
            String::new()
        } else {
            format!(" {}", r.process)
        };
        s.push_str(&format!(
            "{}:{}: {obj} container `{}`{proc}\n",
            r.file, r.line, r.container
        ));
        s.push_str(&format!(
            "  {:<11} {} [{}] {}\n",
            "image",
            r.image.as_deref().unwrap_or("-"),
            r.image_source,
            r.image_reason
        ));
        let argv = if r.argv.is_empty() {
            "(unknown)".to_string()
        } else {
            serde_json::to_string(&r.argv).unwrap_or_default()
        };
        s.push_str(&format!("  {:<11} {argv}\n", "argv"));
        s.push_str(&format!(
            "  {:<11} {}\n",
            "PATH",
            r.path_env.as_deref().unwrap_or("(unknown)")
        ));
        s.push_str(&format!(
            "  {:<11} {}\n",
            "user",
            r.user.as_deref().unwrap_or("(unknown)")
        ));
        s.push_str(&verdict_line("argv[0]", &r.argv0));
        for i in &r.interpreters {
            s.push_str(&verdict_line("interpreter", i));
        }
        s.push('\n');
    }
    let sm = summary(reports);
    let pct = |k: usize, n: usize| (k * 100).checked_div(n).unwrap_or(0);
    s.push_str(&format!(
        "{} processes: {} present, {} absent, {} unknown; argv[0] verdict known for {} of {} containers ({}%)\n",
        sm.processes,
        sm.present,
        sm.absent,
        sm.unknown,
        sm.containers_known,
        sm.containers,
        pct(sm.containers_known, sm.containers)
    ));
    s
}
