//! KX124 no-command: neither the image nor the manifest sets a command.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX124,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        // A kustomize patch: what it leaves out is in the base.
        if model.is_patch(w) {
            continue;
        }
        for c in &w.containers {
            if c.command().is_some_and(|v| !v.is_empty()) || c.args().is_some_and(|v| !v.is_empty())
            {
                continue;
            }
            let Some(img) = model.image_for(w, c) else {
                continue;
            };
            if !img.base_known || img.entrypoint.is_some() || img.cmd.is_some() {
                continue;
            }
            let Some(node) = c.get("image") else { continue };
            let mut f = Finding::new(
                &RULE,
                w.span(node),
                format!(
                    "container `{}` has no command: {} sets no ENTRYPOINT or CMD and the container sets no `command`/`args`, so it cannot be created (CreateContainerError, no exit code)",
                    c.name, img.description
                ),
            )
            .symptom("Error: failed to create containerd container: no command specified")
            .help("Set `command:` on the container, or add ENTRYPOINT/CMD (exec form) to the image")
            .object(Some(w.reference()))
            .container(c.name);
            if let Some(from) = img.from_span {
                f = f.label(from, "this image has no ENTRYPOINT or CMD");
            }
            out.push(f);
        }
    }
    // `docker run` of a Dockerfile's final stage (a warning: it may be a base or data image
    // nothing runs) and Compose services (an error: `docker compose up` starts them).
    for p in crate::model::process::all(model) {
        if !p.is_docker() || p.kind != crate::model::process::ProcKind::Main {
            continue;
        }
        if !p.argv.args.is_empty() || p.argv.image_part_unknown {
            continue;
        }
        // An image every user in the tree gives its own command needs none. Only where the
        // whole image is known (scratch, distroless): a base's inherited CMD may be unlisted.
        let Some(img) = p.image else { continue };
        if p.overridden_default()
            || !img.complete_fs()
            || img.entrypoint.is_some()
            || img.cmd.is_some()
        {
            continue;
        }
        let (span, severity, what) = match p.service() {
            Some(sv) => (
                sv.key,
                crate::meta::Severity::Error,
                format!(
                    "Compose service `{}` has no command: {} sets no ENTRYPOINT or CMD and the service sets no `command`/`entrypoint`, so `docker compose up` cannot create its container (no exit code)",
                    sv.name, img.description
                ),
            ),
            None => {
                let Some(from) = img.from_span else { continue };
                // Nothing in the tree runs this image: a warning only where it is certainly
                // meant to run (it declares a port, a health check, a user or a stop signal)
                // and certainly has no inherited command; an export or data stage
                // (`FROM scratch` + COPY, built with `--output`) is an info.
                let meant_to_run = img.fully_known() && declares_runtime(model, img);
                (
                    from,
                    if meant_to_run {
                        crate::meta::Severity::Warning
                    } else {
                        crate::meta::Severity::Info
                    },
                    format!(
                        "{} sets no ENTRYPOINT or CMD, so `docker run` of it fails: the daemon refuses to create the container (`docker run` exits 125); nothing in the tree runs it, which is fine for a base, data or export image{}",
                        img.description,
                        if meant_to_run {
                            ", but it declares how it runs (EXPOSE, HEALTHCHECK, USER or STOPSIGNAL)"
                        } else {
                            ""
                        }
                    ),
                )
            }
        };
        let mut f = Finding::new(&RULE, span, what)
            .severity(severity)
            .exit_code(None)
            .symptom("Error response from daemon: No command specified")
            .help("Add an exec-form CMD or ENTRYPOINT to the image (or `command:` to the service)");
        if p.service().is_some() {
            if let Some(from) = img.from_span {
                f = f.label(from, "this image has no ENTRYPOINT or CMD");
            }
        }
        out.push(crate::rules::exec::for_runtime(&p, f));
    }
}

/// The image's Dockerfile stage (or a stage of the same file it builds on) declares how a
/// container of it runs: EXPOSE, HEALTHCHECK, USER or STOPSIGNAL.
fn declares_runtime(model: &Model, img: &crate::image::Image) -> bool {
    let (Some(di), Some(mut si)) = (img.dockerfile, img.stage) else {
        return false;
    };
    let Some(d) = model.dockerfiles().get(di) else {
        return false;
    };
    // Each step goes to an earlier stage, so the walk ends.
    while let Some(stage) = d.stages.get(si) {
        if stage.instructions.iter().any(|i| {
            matches!(
                i.keyword,
                "EXPOSE" | "HEALTHCHECK" | "USER" | "STOPSIGNAL"
            )
        }) {
            return true;
        }
        match d.stage_by_ref(&stage.from.image.value, si) {
            Some(parent) => si = parent.index,
            None => return false,
        }
    }
    false
}
