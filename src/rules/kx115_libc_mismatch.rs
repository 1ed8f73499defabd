//! KX115 libc-mismatch: a binary built against glibc in a builder stage, copied into an image
//! without glibc (alpine/musl, scratch, distroless static), and run as the entrypoint.

use crate::docker::{CommandArgs, CopySource, InstKind, Stage};
use crate::finding::Finding;
use crate::image::build::normalize;
use crate::image::{repository, CommandForm, Image, Libc, Resolved};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::source::Span;

pub static RULE: Rule = Rule {
    meta: &meta::KX115,
    check,
};

/// The stage's RUN text, after its ARG and ENV settings as `NAME=value` lines: an ARG is in
/// the environment of every RUN after it (`ARG NAME` alone takes the global default), ENV in the
/// image's. The values are the image model's (`Image::build_args`, `Image::env`), expanded once
/// there as BuildKit expands them (`ARG ZERO=0`, `ARG CGO_ENABLED=${ZERO}`).
fn run_text(img: &Image, s: &Stage) -> String {
    let mut t = String::new();
    for (k, v) in img.build_args.iter().chain(&img.env) {
        t.push_str(&format!("{k}={v}\n"));
    }
    for i in &s.instructions {
        if let InstKind::Run {
            command, heredocs, ..
        } = &i.kind
        {
            match &command.args {
                CommandArgs::Shell(x) => t.push_str(&x.value),
                CommandArgs::Exec(v) => {
                    for x in v {
                        t.push_str(&x.value);
                        t.push(' ');
                    }
                }
            }
            for h in heredocs {
                t.push_str(&h.value);
            }
            t.push('\n');
        }
    }
    t
}

/// Why the builder stage produces a glibc-linked binary, or None when it may be static.
fn glibc_builder(model: &Model, di: usize, s: &Stage) -> Option<String> {
    let img = model.images.stage(di, s.index)?;
    if img.libc != Libc::Glibc {
        return None;
    }
    let base = img.base.as_deref().map(repository).unwrap_or("");
    let text = run_text(img, s);
    let env_cgo = img.env("CGO_ENABLED");
    if base == "golang" && text.contains("go build") {
        if env_cgo == Some("0")
            || text.contains("CGO_ENABLED=0")
            || text.contains("netgo") && text.contains("osusergo")
            || text.contains("-static")
        {
            return None;
        }
        return Some(format!(
            "built with `go build` on {} (glibc) without CGO_ENABLED=0: a Go program that uses net or os/user links dynamically against glibc",
            img.base.as_deref().unwrap_or("golang")
        ));
    }
    if base == "rust" && text.contains("cargo build") {
        if text.contains("musl") || text.contains("crt-static") {
            return None;
        }
        return Some(format!(
            "built with `cargo build` on {} (glibc) for the default gnu target, which links dynamically against glibc",
            img.base.as_deref().unwrap_or("rust")
        ));
    }
    if base == "gcc" && (text.contains("gcc ") || text.contains("g++ ") || text.contains("make")) {
        if text.contains("-static") {
            return None;
        }
        return Some(format!(
            "compiled on {} (glibc) without -static",
            img.base.as_deref().unwrap_or("gcc")
        ));
    }
    None
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (di, d) in model.dockerfiles().iter().enumerate() {
        for &si in d.leaf_stages() {
            let Some(img) = model.images.stage(di, si) else {
                continue;
            };
            if !matches!(img.libc, Libc::Musl | Libc::None) || !img.base_known {
                continue;
            }
            // The executable that runs: argv[0] of ENTRYPOINT (else CMD), resolved.
            let Some(cmd) = img.entrypoint.as_ref().or(img.cmd.as_ref()) else {
                continue;
            };
            let CommandForm::Exec(argv) = &cmd.form else {
                continue;
            };
            let Some(argv0) = argv.first() else { continue };
            // The path argv[0] runs: resolved through PATH when known; for a bare name whose
            // resolution is unknown, any PATH directory holding the copied file.
            let resolved = match img.resolve(argv0, None) {
                Resolved::Found(p) => Some(p),
                Resolved::NotFound => continue,
                Resolved::Unknown => None,
            };
            let runs = |landed: &str| -> bool {
                if let Some(t) = &resolved {
                    return landed == t;
                }
                if argv0.contains('/') {
                    return normalize(&img.workdir, argv0) == landed;
                }
                match landed.rsplit_once('/') {
                    Some((dir, name)) => {
                        name == argv0.as_str()
                            && img
                                .path_env()
                                .split(':')
                                .any(|d| d == dir || (dir.is_empty() && d == "/"))
                    }
                    None => false,
                }
            };
            let Some(stage) = d.stages.get(si) else {
                continue;
            };
            for i in &stage.instructions {
                let InstKind::Copy { sources, dest, .. } = &i.kind else {
                    continue;
                };
                let Some(from) = i.flag("from").and_then(|f| f.value.as_deref()) else {
                    continue;
                };
                let Some(builder) = d.stage_by_ref(from, si) else {
                    continue;
                };
                let dest_dir = dest.value.ends_with('/') || sources.len() > 1;
                let mut target = String::new();
                let dest_p = normalize(&img.workdir, &dest.value);
                let hits = sources.iter().any(|s| match s {
                    CopySource::Path(p) => {
                        let name = p
                            .value
                            .trim_end_matches('/')
                            .rsplit('/')
                            .next()
                            .unwrap_or("");
                        let landed = if dest_dir || img.path(&dest_p).is_dir.is_yes() {
                            normalize(&dest_p, name)
                        } else {
                            dest_p.clone()
                        };
                        if runs(&landed) {
                            target = landed;
                            true
                        } else {
                            false
                        }
                    }
                    CopySource::Heredoc { .. } => false,
                });
                if !hits {
                    continue;
                }
                let Some(why) = glibc_builder(model, di, builder) else {
                    continue;
                };
                let final_kind = match img.libc {
                    Libc::Musl => "musl (no glibc dynamic loader)",
                    _ => "no libc at all",
                };
                out.push(
                    Finding::new(
                        &RULE,
                        Span::new(d.file, i.span.clone()),
                        format!(
                            "`{target}` is copied from stage {}, {why}; the final image ({}) has {final_kind}, so the kernel cannot find the binary's interpreter and the start fails with `no such file or directory` (127 under a shell; exec form: exit 255 with runc ≥ 1.2)",
                            builder.label(),
                            img.description
                        ),
                    )
                    .label(
                        Span::new(d.file, builder.from.span.clone()),
                        "glibc builder stage",
                    )
                    .symptom(format!("exec {target}: no such file or directory"))
                    .help("Build a static binary (`CGO_ENABLED=0 go build`, a musl target), build on the matching alpine image, or use a glibc runtime image (distroless/base, debian-slim)"),
                );
            }
        }
    }
}
