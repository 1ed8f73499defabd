//! KX215 empty-pod-resources: `spec.resources: {}` at pod level.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX215,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, w) in model.workloads.iter().enumerate() {
        // A kustomize patch: what it leaves out is in the base.
        if model.is_patch(w) {
            continue;
        }
        let Some(r) = model.resources(wi) else {
            continue;
        };
        let Some(p) = &r.pod else { continue };
        if !p.empty {
            continue;
        }
        let containers_set = r
            .containers
            .iter()
            .any(|c| !c.requests.is_empty() || !c.limits.is_empty());
        let extra = if containers_set {
            " even though its containers set requests/limits"
        } else {
            ""
        };
        out.push(
            Finding::new(
                &RULE,
                w.span(p.key),
                format!(
                    "pod-level `resources` is empty: kubelets without the fix for kubernetes#135082 treat the pod as BestEffort{extra} (oom_score_adj 1000), so it is the first process the kernel OOM-kills (137) or the kubelet evicts under memory pressure"
                ),
            )
            .help("Remove the empty `resources: {}` from the pod spec (or give it real requests/limits)")
            .symptom("status.qosClass: BestEffort")
            .object(Some(w.reference())),
        );
    }
}
