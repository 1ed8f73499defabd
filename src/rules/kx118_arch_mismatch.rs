//! KX118 arch-mismatch: the image's platform differs from the node architecture the pod is
//! pinned to.

use crate::finding::Finding;
use crate::image::dockerfile::normalize_arch;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::yaml::Node;

pub static RULE: Rule = Rule {
    meta: &meta::KX118,
    check,
};

const ARCH_KEYS: [&str; 2] = ["kubernetes.io/arch", "beta.kubernetes.io/arch"];

/// The architectures the pod may run on, with the node to point at.
fn pinned(pod_spec: &Node) -> Option<(Vec<String>, &Node)> {
    if let Some(sel) = pod_spec.get("nodeSelector") {
        for k in ARCH_KEYS {
            if let Some(v) = sel.get(k) {
                if let Some(s) = v.as_str() {
                    return Some((vec![normalize_arch(s)], v));
                }
            }
        }
    }
    let terms = pod_spec
        .path(&[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ])
        .map(Node::items)?;
    // Terms are ORed: every term must pin the arch for the pod to be pinned.
    let mut all: Vec<String> = Vec::new();
    let mut at = None;
    for t in terms {
        let mut found = false;
        for e in t.get("matchExpressions").map(Node::items).unwrap_or(&[]) {
            let key = e.get("key").and_then(Node::as_str).unwrap_or("");
            if !ARCH_KEYS.contains(&key) || e.get("operator").and_then(Node::as_str) != Some("In") {
                continue;
            }
            let vals = e.get("values")?;
            for v in vals.items() {
                if let Some(s) = v.as_str() {
                    all.push(normalize_arch(s));
                }
            }
            at.get_or_insert(vals);
            found = true;
        }
        if !found {
            return None;
        }
    }
    Some((all, at?))
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        let Some((archs, at)) = pinned(w.pod_spec) else {
            continue;
        };
        if archs.is_empty() {
            continue;
        }
        for c in &w.containers {
            let Some(img) = model.image_for(w, c) else {
                continue;
            };
            let Some(p) = &img.platform else { continue };
            if archs.contains(&p.arch) {
                continue;
            }
            let span = c.get("image").map_or_else(|| w.span(at), |n| w.span(n));
            let mut f = Finding::new(
                &RULE,
                span,
                format!(
                    "container `{}` runs {} built for {}/{}, but the pod is pinned to {} nodes: every binary fails with `exec format error` (exit 255 with runc ≥ 1.2, 1 with older runc)",
                    c.name,
                    img.description,
                    p.os,
                    p.arch,
                    archs.join("/")
                ),
            )
            .label(w.span(at), "the pod is pinned to this architecture here")
            .symptom("exec /app: exec format error")
            .help("Build the image for the node architecture (`--platform`, or a multi-arch image), or pin the pod to matching nodes")
            .object(Some(w.reference()))
            .container(c.name);
            if let Some(s) = p.span {
                f = f.label(s, "the platform is fixed here");
            }
            out.push(f);
        }
    }
}
