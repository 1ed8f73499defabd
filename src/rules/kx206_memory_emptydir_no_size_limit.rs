//! KX206 memory-emptydir-no-size-limit: a tmpfs emptyDir with no sizeLimit.

use crate::finding::Finding;
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
                .object(Some(w.object.reference())),
            );
        }
    }
}
