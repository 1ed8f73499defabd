//! KX204 request-exceeds-limit: a request above its limit is rejected by the API server.

use crate::finding::Finding;
use crate::k8s::quantity::format_quantity;
use crate::model::resources::{Origin, ResourceList, MEMORY};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX204,
    check,
};

fn compare(
    requests: &ResourceList<'_>,
    limits: &ResourceList<'_>,
    who: &str,
    out: &mut Vec<(
        crate::source::Span,
        String,
        String,
        crate::source::Span,
        String,
    )>,
) {
    for (name, req) in &requests.items {
        if req.origin != Origin::Declared {
            continue;
        }
        let Some(lim) = limits.get(name) else {
            continue;
        };
        if req.quantity <= lim.quantity {
            continue;
        }
        let mem = *name == MEMORY;
        let shown = |a: &crate::model::resources::Amount<'_>| {
            a.node
                .scalar_text()
                .map(|t| t.trim().to_string())
                .unwrap_or_else(|| format_quantity(a.quantity, mem))
        };
        let r = shown(req);
        let l = shown(lim);
        let (why, label) = match (lim.origin, lim.limit_range) {
            (Origin::LimitRange, Some(lr)) => (
                format!(" (the limit is the default of LimitRange `{lr}`, added at admission)"),
                format!("default {name} limit from LimitRange `{lr}`"),
            ),
            _ => (String::new(), format!("{name} limit {l}")),
        };
        out.push((
            req.span(),
            format!(
                "{who} requests {r} of {name} but its limit is {l}{why}: the API server rejects the pod (a request may not exceed its limit), so no pod is created"
            ),
            format!("Invalid value: \"{r}\": must be less than or equal to {name} limit of {l}"),
            lim.span(),
            label,
        ));
    }
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, w) in model.workloads.iter().enumerate() {
        let Some(r) = model.resources(wi) else {
            continue;
        };
        let mut hits = Vec::new();
        for c in &r.containers {
            let mut local = Vec::new();
            compare(
                &c.requests,
                &c.limits,
                &format!("container `{}`", c.name),
                &mut local,
            );
            for h in local {
                hits.push((Some(c.name), h));
            }
        }
        if let Some(p) = &r.pod {
            let mut local = Vec::new();
            compare(
                &p.requests,
                &p.limits,
                "the pod (pod-level `resources`)",
                &mut local,
            );
            for h in local {
                hits.push((None, h));
            }
        }
        for (cname, (span, msg, symptom, lspan, label)) in hits {
            let mut f = Finding::new(&RULE, span, msg)
                .symptom(symptom)
                .help("Lower the request to at most the limit, or raise the limit")
                .label(lspan, label)
                .object(Some(w.reference()));
            if let Some(c) = cname {
                f = f.container(c);
            }
            out.push(f);
        }
    }
}
