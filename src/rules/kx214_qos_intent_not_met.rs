//! KX214 qos-intent-not-met: the declared QoS class (`kexit.io/qos`, or config) is not the one
//! the API server will assign.

use crate::finding::Finding;
use crate::k8s::quantity::format_quantity;
use crate::model::resources::{
    container_anchor, qos_intent, Origin, PodResources, QosClass, ResourceList, CPU,
    MEMORY,
};
use crate::k8s::Workload;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::source::Span;

pub static RULE: Rule = Rule {
    meta: &meta::KX214,
    check,
};

/// What breaks Guaranteed in one requests/limits pair: (span, message).
fn guaranteed_breaks(
    requests: &ResourceList<'_>,
    limits: &ResourceList<'_>,
    who: &str,
    anchor: Span,
) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    let missing: Vec<&str> = [CPU, MEMORY]
        .into_iter()
        .filter(|n| !limits.get(n).is_some_and(|a| a.quantity.is_positive()))
        .collect();
    if !missing.is_empty() {
        out.push((
            anchor,
            format!("{who} has no {} limit", missing.join(" or ")),
        ));
    }
    for name in [CPU, MEMORY] {
        let lim = limits.get(name).filter(|a| a.quantity.is_positive());
        let Some(lim) = lim else {
            continue;
        };
        let req = requests.get(name).filter(|a| a.quantity.is_positive());
        match req {
            Some(r) if r.quantity == lim.quantity => {}
            Some(r) => {
                let mem = name == MEMORY;
                let span = if r.origin == Origin::Declared {
                    r.span()
                } else {
                    anchor
                };
                let from = |a: &crate::model::resources::Amount<'_>| {
                    a.limit_range
                        .map(|n| format!(" (from LimitRange `{n}`)"))
                        .unwrap_or_default()
                };
                out.push((
                    span,
                    format!(
                        "{who} requests {}{} of {name} but its limit is {}{}",
                        format_quantity(r.quantity, mem),
                        from(r),
                        format_quantity(lim.quantity, mem),
                        from(lim)
                    ),
                ));
            }
            None => {
                let span = requests.get(name).map_or(anchor, |a| a.span());
                out.push((
                    span,
                    format!("{who} sets a zero {name} request next to a non-zero limit"),
                ));
            }
        }
    }
    out
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, w) in model.workloads.iter().enumerate() {
        // A kustomize patch: what it leaves out is in the base.
        if model.is_patch(w) {
            continue;
        }
        let Some(intent) = qos_intent(model, w) else {
            continue;
        };
        let Some(r) = model.resources(wi) else {
            continue;
        };
        let intent_span = intent.node.map(|n| w.span(n));
        let source = intent.source;
        match intent.class {
            QosClass::Guaranteed if r.qos != QosClass::Guaranteed => {
                // One finding per place: a container with no resources breaks both cpu and
                // memory at the same anchor.
                let mut merged: Vec<(Span, Vec<String>)> = Vec::new();
                for (span, why) in breaks(w, r) {
                    match merged.iter_mut().find(|(s, _)| *s == span) {
                        Some((_, whys)) => whys.push(why),
                        None => merged.push((span, vec![why])),
                    }
                }
                for (span, whys) in merged {
                    push(out, w, span, intent_span, source, r, &whys.join("; "));
                }
            }
            QosClass::Burstable if r.qos == QosClass::BestEffort => {
                let span = intent_span.unwrap_or_else(|| w.object.name_span());
                let why = if r.pod.as_ref().is_some_and(|p| p.empty) {
                    "the empty pod-level `resources: {}` makes the pod BestEffort".to_string()
                } else {
                    "no container sets a non-zero cpu or memory request or limit".to_string()
                };
                push(out, w, span, intent_span, source, r, &why);
            }
            _ => {}
        }
    }
}

fn breaks(w: &Workload<'_>, r: &PodResources<'_>) -> Vec<(Span, String)> {
    if let Some(p) = &r.pod {
        if p.empty {
            return vec![(
                w.span(p.key),
                "the pod-level `resources` is empty, which makes the pod BestEffort".to_string(),
            )];
        }
        return guaranteed_breaks(
            &p.requests,
            &p.limits,
            "the pod-level `resources`",
            w.span(p.key),
        );
    }
    let mut out = Vec::new();
    for c in &r.containers {
        let Some(k) = w.containers.get(c.container) else {
            continue;
        };
        let role = match c.kind {
            crate::k8s::ContainerKind::Init => "init container",
            crate::k8s::ContainerKind::Sidecar => "sidecar container",
            _ => "container",
        };
        out.extend(guaranteed_breaks(
            &c.requests,
            &c.limits,
            &format!("{role} `{}`", c.name),
            w.span(container_anchor(k)),
        ));
    }
    out
}

fn push(
    out: &mut Vec<Finding>,
    w: &Workload<'_>,
    span: Span,
    intent_span: Option<Span>,
    source: &str,
    r: &PodResources<'_>,
    why: &str,
) {
    let mut f = Finding::new(
        &RULE,
        span,
        format!(
            "QoS intent not met ({source}): {why}, so the pod is {} instead — under node memory pressure it is OOM-killed (137) or evicted before Guaranteed pods",
            r.qos.as_str()
        ),
    )
    .help("For Guaranteed, give every container (init containers and sidecars included) cpu and memory limits, with requests equal to the limits (or omit the requests: they default to the limits)")
    .symptom(format!("status.qosClass: {}", r.qos.as_str()))
    .object(Some(w.reference()));
    if let Some(s) = intent_span.filter(|s| *s != span) {
        f = f.label(s, "QoS intent declared here");
    }
    out.push(f);
}
