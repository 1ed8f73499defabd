//! KX202 no-memory-limit: a workload with containers without a memory limit (one finding per
//! workload).

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
    // The quota that applies depends only on (namespace, unit, explicit namespace): looked up
    // once per key, not once per workload (thousands of quotas in one namespace).
    let mut quotas = std::collections::HashMap::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        // A kustomize patch: what it leaves out is in the base.
        if model.is_patch(w) {
            continue;
        }
        let Some(r) = model.resources(wi) else {
            continue;
        };
        let intent = qos_intent(model, w).map(|i| i.class);
        let guaranteed = intent == Some(QosClass::Guaranteed);
        let key = (
            w.object.namespace,
            model.unit_of(w.object.file),
            w.object.node.path(&["metadata", "namespace"]).is_some(),
        );
        let quota = *quotas
            .entry(key)
            .or_insert_with(|| memory_limit_quota(model, w));
        // A pod-level memory limit bounds every container of the pod.
        if r.pod
            .as_ref()
            .and_then(|p| p.limits.quantity(MEMORY))
            .is_some_and(|q| q.is_positive())
        {
            continue;
        }
        // One finding per workload: the containers without a limit are listed.
        let mut missing = Vec::new();
        for cr in &r.containers {
            if cr.limits.quantity(MEMORY).is_some_and(|q| q.is_positive()) {
                continue;
            }
            // Plain init containers run to completion before the app starts: only the QoS
            // class cares about them.
            if cr.kind == ContainerKind::Init && !guaranteed && quota.is_none() {
                continue;
            }
            let Some(c) = w.containers.get(cr.container) else {
                continue;
            };
            missing.push((cr, c));
        }
        let Some(&(first, c)) = missing.first() else {
            continue;
        };
        let role = |kind: ContainerKind| match kind {
            ContainerKind::Init => "init container",
            ContainerKind::Sidecar => "sidecar container",
            _ => "container",
        };
        let who = if missing.len() == 1 {
            format!("{} `{}` has", role(first.kind), first.name)
        } else {
            let names: Vec<String> = missing.iter().map(|(cr, _)| format!("`{}`", cr.name)).collect();
            format!("containers {} have", names.join(", "))
        };
        let mut message = format!(
            "{who} no memory limit: nothing bounds {} memory use, so under node memory pressure the pod is among the first OOM-killed (137) or evicted; the pod is {} (oom_score_adj {})",
            if missing.len() == 1 { "its" } else { "their" },
            r.qos.as_str(),
            first.oom_score_adj
        );
        if guaranteed {
            message.push_str(", not the Guaranteed class its QoS intent asks for");
        }
        if let Some(q) = quota {
            message = format!(
                "{who} no memory limit, and ResourceQuota `{}` of namespace `{}` sets `limits.memory`: the API server rejects every pod of this {} at admission (quota needs a memory limit on every container), so none is created",
                q.name, w.object.namespace, w.object.kind
            );
        }
        let mut f = Finding::new(&RULE, w.span(container_anchor(c)), message)
            .help("Set `resources.limits.memory` (and a matching request) sized to the process's peak use")
            .symptom("Last State: Terminated, Reason: OOMKilled, Exit Code: 137 (or: The node was low on resource: memory. Container … was using …, request is 0)")
            .object(Some(w.reference()))
            .container(first.name);
        for (cr, c) in missing.iter().skip(1) {
            f = f.label(w.span(container_anchor(c)), format!("`{}`: no memory limit either", cr.name));
        }
        // Most workloads run without a memory limit and never meet a node under pressure: a
        // note, unless the declared QoS intent needs the limit.
        if let Some(q) = quota {
            f = f
                .severity(Severity::Error)
                .exit_code(None)
                .symptom(format!(
                    "Error creating: pods \"…\" is forbidden: failed quota: {}: must specify limits.memory for: {}",
                    q.name,
                    missing.iter().map(|(cr, _)| cr.name).collect::<Vec<_>>().join(",")
                ))
                .label(q.name_span(), "requires `limits.memory` on every container");
        } else if guaranteed {
            f = f.severity(Severity::Error);
        }
        out.push(f);
    }
}

/// A ResourceQuota of the workload's namespace, in its deployment unit or one enclosing it, that
/// tracks `limits.memory` for every pod (no `scopes`/`scopeSelector`): admission then rejects a
/// pod with a container without a memory limit.
fn memory_limit_quota<'m, 'p>(
    model: &'m Model<'p>,
    w: &crate::k8s::Workload<'p>,
) -> Option<&'m crate::k8s::Object<'p>> {
    let mut quotas = model.quotas_in(w.object.namespace).peekable();
    // Most namespaces have no quota: skip the unit lookups.
    quotas.peek()?;
    crate::model::units::applicable(model, quotas, &w.object)
        .into_iter()
        .find(|o| {
            o.node.path(&["spec", "scopes"]).is_none()
                && o.node.path(&["spec", "scopeSelector"]).is_none()
                && o.node
                    .path(&["spec", "hard"])
                    .is_some_and(|h| h.get("limits.memory").is_some())
        })
}
