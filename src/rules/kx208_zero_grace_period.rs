//! KX208 zero-grace-period: `terminationGracePeriodSeconds: 0`.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX208,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        let Some(n) = w.pod_spec.get("terminationGracePeriodSeconds") else {
            continue;
        };
        if n.as_i64() != Some(0) {
            continue;
        }
        out.push(
            Finding::new(
                &RULE,
                w.span(n),
                "terminationGracePeriodSeconds is 0: on every deletion, rollout or eviction the containers get no time to shut down (the kubelet's 2 s minimum at most) and are SIGKILLed (137); preStop hooks are cut short and in-flight work is lost",
            )
            .help("Remove it (default 30 s) or set the time the app needs to drain")
            .symptom("Last State: Terminated, Reason: Error, Exit Code: 137")
            .object(Some(w.object.reference())),
        );
    }
}
