//! KX208 zero-grace-period: `terminationGracePeriodSeconds: 0`.

use crate::finding::Finding;
use crate::k8s::ContainerKind;
use crate::model::process::{all, ProcKind, Site};
use std::collections::HashMap;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX208,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    // Compose: `stop_grace_period: 0s` SIGKILLs right after SIGTERM at every stop/down.
    for p in all(model) {
        let Some(sv) = p.service() else { continue };
        let Some(g) = sv.stop_grace_ms.as_ref() else {
            continue;
        };
        if p.kind != ProcKind::Main
            || g.value != Some(0)
            || crate::rules::kx210_pid1_ignores_sigterm::only_idles(&p)
        {
            continue;
        }
        out.push(
            Finding::new(
                &RULE,
                g.span,
                format!(
                    "`stop_grace_period` of Compose service `{}` is 0: every `docker compose stop`/`down` SIGKILLs the container right after SIGTERM (137), so it never shuts down cleanly and in-flight work is lost",
                    sv.name
                ),
            )
            .help("Remove it (default 10 s) or set the time the app needs to drain")
            .symptom("Exited (137)")
            .service(Some(sv.name.as_str())),
        );
    }
    if !model.workloads.iter().any(|w| zero_grace(w).is_some()) {
        return;
    }
    // Containers that only idle (`sleep infinity`, the istio curl/sleep samples) lose
    // nothing when killed: a zero grace period is what makes their deletion quick. Whether
    // every main process of a workload only idles, by workload position (one pass over the
    // processes, not one per workload).
    let mut idles: HashMap<usize, bool> = HashMap::new();
    for p in all(model).filter(|p| p.kind == ProcKind::Main) {
        let Site::Kubernetes { workload, .. } = p.group.site else {
            continue;
        };
        if p
            .pod()
            .is_none_or(|(_, c)| matches!(c.kind, ContainerKind::Init | ContainerKind::Ephemeral))
        {
            continue;
        }
        let all_idle = idles.entry(workload).or_insert(true);
        *all_idle = *all_idle && crate::rules::kx210_pid1_ignores_sigterm::only_idles(&p);
    }
    for (i, w) in model.workloads.iter().enumerate() {
        let Some(n) = zero_grace(w) else {
            continue;
        };
        if idles.get(&i) == Some(&true) {
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
            .object(Some(w.reference())),
        );
    }
}

/// `terminationGracePeriodSeconds: 0` of a workload's pod.
fn zero_grace<'p>(w: &crate::k8s::Workload<'p>) -> Option<&'p crate::yaml::Node> {
    w.pod_spec
        .get("terminationGracePeriodSeconds")
        .filter(|n| n.as_i64() == Some(0))
}
