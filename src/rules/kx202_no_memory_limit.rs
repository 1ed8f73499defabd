//! KX202 no-memory-limit: a container without a memory limit.

use crate::finding::{Finding, Severity};
use crate::model::resources::{container_anchor, qos_intent, QosClass, MEMORY};
use crate::k8s::ContainerKind;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX202,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, w) in model.workloads.iter().enumerate() {
        let Some(r) = model.resources(wi) else {
            continue;
        };
        let intent = qos_intent(model, w).map(|i| i.class);
        let guaranteed = intent == Some(QosClass::Guaranteed);
        // A pod-level memory limit bounds every container of the pod.
        if r.pod
            .as_ref()
            .and_then(|p| p.limits.quantity(MEMORY))
            .is_some_and(|q| q.is_positive())
        {
            continue;
        }
        for cr in &r.containers {
            if cr.limits.quantity(MEMORY).is_some_and(|q| q.is_positive()) {
                continue;
            }
            // Plain init containers run to completion before the app starts: only the QoS
            // class cares about them.
            if cr.kind == ContainerKind::Init && !guaranteed {
                continue;
            }
            let Some(c) = w.containers.get(cr.container) else {
                continue;
            };
            let role = match cr.kind {
                ContainerKind::Init => "init container",
                ContainerKind::Sidecar => "sidecar container",
                _ => "container",
            };
            let mut message = format!(
                "{role} `{}` has no memory limit: it can grow until the node runs short, and is then OOM-killed (137) or evicted; the pod is {} (oom_score_adj {})",
                cr.name,
                r.qos.as_str(),
                cr.oom_score_adj
            );
            if guaranteed {
                message.push_str(", not the Guaranteed class its QoS intent asks for");
            }
            let mut f = Finding::new(&RULE, w.span(container_anchor(c)), message)
                .help("Set `resources.limits.memory` (and a matching request) sized to the process's peak use")
                .symptom("Last State: Terminated, Reason: OOMKilled, Exit Code: 137 (or: The node was low on resource: memory. Container … was using …, request is 0)")
                .object(Some(w.object.reference()))
                .container(cr.name);
            if guaranteed {
                f = f.severity(Severity::Error);
            }
            out.push(f);
        }
    }
}
