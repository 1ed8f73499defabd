//! KX208 zero-grace-period: `terminationGracePeriodSeconds: 0`.

use crate::finding::Finding;
use crate::k8s::ContainerKind;
use crate::model::process::{all, ProcKind};
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
        // Containers that only idle (`sleep infinity`, the istio curl/sleep samples) lose
        // nothing when killed: a zero grace period is what makes their deletion quick.
        let procs: Vec<_> = all(model)
            .into_iter()
            .filter(|p| p.kind == ProcKind::Main)
            .filter(|p| {
                p.pod().is_some_and(|(pw, c)| {
                    std::ptr::eq(pw, w) && !matches!(c.kind, ContainerKind::Init | ContainerKind::Ephemeral)
                })
            })
            .collect();
        if !procs.is_empty() && procs.iter().all(crate::rules::kx210_pid1_ignores_sigterm::only_idles) {
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
