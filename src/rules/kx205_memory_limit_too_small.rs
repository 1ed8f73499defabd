//! KX205 memory-limit-too-small: a memory limit of a few bytes or KiB (usually a missing unit).

use crate::finding::Finding;
use crate::k8s::quantity::format_bytes;
use crate::model::resources::{container_anchor, Origin, MEMORY};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX205,
    check,
};

/// Below this no container runtime init, let alone an application, fits.
const FLOOR: i128 = 4 << 20;

/// The Docker daemon refuses a memory limit below 6 MiB (`Minimum memory limit allowed is 6MB`).
const DOCKER_MIN: u64 = 6 << 20;

fn check(model: &Model, out: &mut Vec<Finding>) {
    // Compose: `mem_limit` / `deploy.resources.limits.memory` (a bare number is bytes).
    for pr in &model.project.compose {
        for sv in &pr.services {
            let Some(m) = &sv.mem_limit else { continue };
            let Some(bytes) = m.value.filter(|b| *b > 0 && *b < DOCKER_MIN) else {
                continue;
            };
            let text = model.file(m.span.file).slice(m.span).trim().to_string();
            let guess = if text.bytes().all(|b| b.is_ascii_digit()) {
                format!("; a bare number is bytes — did you mean `{text}m`?")
            } else {
                String::new()
            };
            out.push(
                Finding::new(
                    &RULE,
                    m.span,
                    format!(
                        "memory limit `{text}` of Compose service `{}` is {}: the Docker daemon refuses to create a container with less than 6 MiB, so `docker compose up` fails for this service{guess}",
                        sv.name,
                        format_bytes(i128::from(bytes))
                    ),
                )
                .exit_code(None)
                .help("Give the limit a unit: `m` or `g` (e.g. `256m`; in Compose `m` is MiB)")
                .symptom("Error response from daemon: Minimum memory limit allowed is 6MB")
                .service(Some(sv.name.as_str())),
            );
        }
    }
    for (wi, w) in model.workloads.iter().enumerate() {
        let Some(r) = model.resources(wi) else {
            continue;
        };
        for c in &r.containers {
            let Some(lim) = c.limits.get(MEMORY) else {
                continue;
            };
            let q = lim.quantity;
            // Zero means "no limit"; millibytes (`512m`) are KX203's; other fractional values
            // are rounded up to whole bytes by the kubelet.
            let millis = lim.node.scalar_text().is_some_and(|t| t.trim().ends_with('m'));
            if !q.is_positive() || (!q.is_integer() && millis) {
                continue;
            }
            let bytes = q.ceil_units();
            if bytes >= FLOOR {
                continue;
            }
            let text = lim.node.scalar_text().unwrap_or_default();
            let from = match (lim.origin, lim.limit_range) {
                (Origin::LimitRange, Some(lr)) => format!(" (default of LimitRange `{lr}`)"),
                _ => String::new(),
            };
            let guess = if text.trim().bytes().all(|b| b.is_ascii_digit()) {
                format!(
                    "; a bare number is bytes — did you mean `{}Mi`?",
                    text.trim()
                )
            } else {
                String::new()
            };
            let declared = lim.origin == Origin::Declared;
            let anchor = w
                .containers
                .get(c.container)
                .map(|k| w.span(container_anchor(k)))
                .unwrap_or_else(|| lim.span());
            let mut f = Finding::new(
                &RULE,
                if declared { lim.span() } else { anchor },
                format!(
                    "memory limit \"{text}\"{from} of container `{}` is {}: nothing fits in it, so the container is OOM-killed as soon as it starts (137, OOMKilled) or fails to start at all{guess}",
                    c.name,
                    format_bytes(bytes)
                ),
            )
            .help("Give the limit a unit: `Mi` or `Gi` (e.g. `256Mi`)")
            .symptom("Last State: Terminated, Reason: OOMKilled, Exit Code: 137 (or: container init was OOM-killed (memory limit too low?))")
            .object(Some(w.reference()))
            .container(c.name);
            if !declared {
                f = f.label(lim.span(), "default memory limit set here");
            }
            out.push(f);
        }
    }
}
