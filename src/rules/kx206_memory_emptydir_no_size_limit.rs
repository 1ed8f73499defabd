//! KX206 memory-emptydir-no-size-limit: a tmpfs emptyDir with no sizeLimit.

use crate::finding::Finding;
use crate::k8s::Workload;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::yaml::Node;

pub static RULE: Rule = Rule {
    meta: &meta::KX206,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        for v in w.pod_spec.get("volumes").map(Node::items).unwrap_or(&[]) {
            let Some(ed) = v.get("emptyDir") else {
                continue;
            };
            let Some(medium) = ed.get("medium") else {
                continue;
            };
            if medium.as_str() != Some("Memory") {
                continue;
            }
            if ed.get("sizeLimit").is_some_and(|s| !s.is_null()) {
                continue;
            }
            let name = v.get("name").and_then(Node::as_str).unwrap_or("");
            if shared_memory_only(w, name) {
                continue;
            }
            out.push(
                Finding::new(
                    &RULE,
                    w.span(medium),
                    format!(
                        "emptyDir volume `{name}` is a tmpfs (`medium: Memory`) without `sizeLimit`: every byte written to it is charged to the writing container's memory cgroup, so filling it pushes the container over its memory limit and it is OOM-killed (137)"
                    ),
                )
                .help("Add `sizeLimit` (e.g. `sizeLimit: 64Mi`) and count it in the container's memory limit")
                .symptom("Last State: Terminated, Reason: OOMKilled, Exit Code: 137")
                .object(Some(w.reference())),
            );
        }
    }
}

/// Every mount of the volume is at `/dev/shm`: the standard shared-memory pattern (`dshm` for
/// PyTorch data loaders, Chrome, PostgreSQL, NCCL), which replaces the runtime's 64 MiB
/// `/dev/shm`. The processes size their own shared memory; no finding.
fn shared_memory_only(w: &Workload<'_>, name: &str) -> bool {
    let mut mounts = w
        .containers
        .iter()
        .flat_map(|c| c.get("volumeMounts").map(Node::items).unwrap_or(&[]))
        .filter(|m| m.get("name").and_then(Node::as_str) == Some(name))
        .peekable();
    mounts.peek().is_some()
        && mounts.all(|m| {
            m.get("mountPath")
                .and_then(Node::as_str)
                .is_some_and(|p| p.trim_end_matches('/') == "/dev/shm")
        })
}
