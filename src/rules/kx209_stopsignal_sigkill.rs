//! KX209 stopsignal-sigkill: the stop signal is SIGKILL, so every stop is a kill.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::yaml::Node;
use std::collections::HashSet;

pub static RULE: Rule = Rule {
    meta: &meta::KX209,
    check,
};

/// `SIGKILL`, `KILL`, `9` (any case).
pub fn is_sigkill(s: &str) -> bool {
    let t = s.trim().to_ascii_uppercase();
    matches!(t.as_str(), "SIGKILL" | "KILL" | "9")
}

const MESSAGE: &str = "so the app never gets a chance to shut down: every deletion, rollout or scale-down kills it outright (137), without flushing buffers or draining connections";

fn check(model: &Model, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    for w in &model.workloads {
        for c in &w.containers {
            if let Some(n) = c.node.path(&["lifecycle", "stopSignal"]) {
                if n.as_str().is_some_and(is_sigkill) {
                    out.push(
                        Finding::new(
                            &RULE,
                            w.span(n),
                            format!("container `{}` sets `lifecycle.stopSignal: {}`, {MESSAGE}", c.name, n.as_str().unwrap_or("")),
                        )
                        .help("Remove stopSignal (SIGTERM is the default) and handle SIGTERM in the app")
                        .symptom("Last State: Terminated, Reason: Error, Exit Code: 137")
                        .object(Some(w.reference()))
                        .container(c.name),
                    );
                }
                continue; // overrides the image's STOPSIGNAL
            }
            let Some(img) = model.image_for(w, c) else {
                continue;
            };
            // Windows containers have no POSIX signals: STOPSIGNAL does not apply.
            if img.windows {
                continue;
            }
            let Some((sig, origin)) = &img.stopsignal else {
                continue;
            };
            if !is_sigkill(sig) {
                continue;
            }
            let span = origin
                .span()
                .unwrap_or_else(|| w.span(c.get("image").unwrap_or(c.node)));
            if !seen.insert(span) {
                continue;
            }
            let mut f = Finding::new(
                &RULE,
                span,
                format!("the image of container `{}` has `STOPSIGNAL {sig}`, {MESSAGE}", c.name),
            )
            .help("Remove STOPSIGNAL (SIGTERM is the default), or use the signal the app handles (nginx: SIGQUIT)")
            .symptom("Last State: Terminated, Reason: Error, Exit Code: 137")
            .object(Some(w.reference()))
            .container(c.name);
            if origin.span().is_some() {
                if let Some(n) = c.get("image").filter(|n| !Node::is_null(n)) {
                    f = f.label(w.span(n), "image built from this Dockerfile");
                }
            }
            out.push(f);
        }
    }
    // Compose services: `stop_signal` replaces the image's STOPSIGNAL.
    for pr in &model.project.compose {
        for sv in &pr.services {
            let Some(st) = &sv.stop_signal else { continue };
            let Some(sig) = st.value.as_deref().filter(|s| is_sigkill(s)) else {
                continue;
            };
            out.push(
                Finding::new(
                    &RULE,
                    st.span,
                    format!("Compose service `{}` sets `stop_signal: {sig}`, so the app never gets a chance to shut down: every `docker compose stop`/`down` kills it outright (137), without flushing buffers or draining connections", sv.name),
                )
                .help("Remove stop_signal (SIGTERM is the default), or use the signal the app handles (nginx: SIGQUIT)")
                .symptom("docker inspect: State.ExitCode 137")
                .service(Some(sv.name.as_str())),
            );
        }
    }
    // Dockerfiles no linted workload runs: their final stage.
    let imgs = &model.images.images;
    for img in imgs {
        let (Some(d), Some(st)) = (img.dockerfile, img.stage) else {
            continue;
        };
        // Only the last stage (every stage has its image).
        if model.dockerfiles().get(d).map(|df| df.stages.len()) != Some(st + 1) {
            continue;
        }
        if img.windows {
            continue;
        }
        let Some((sig, origin)) = &img.stopsignal else {
            continue;
        };
        let Some(span) = origin.span() else { continue };
        if !is_sigkill(sig) || !seen.insert(span) {
            continue;
        }
        out.push(
            Finding::new(&RULE, span, format!("`STOPSIGNAL {sig}`: every container run from this image is stopped with SIGKILL, {MESSAGE}"))
                .help("Remove STOPSIGNAL (SIGTERM is the default), or use the signal the app handles (nginx: SIGQUIT)")
                .symptom("Last State: Terminated, Reason: Error, Exit Code: 137"),
        );
    }
}
