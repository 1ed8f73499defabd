//! KX212 liveness-equals-readiness: the liveness probe is the readiness probe.

use crate::finding::Finding;
use crate::k8s::probes::ProbeTiming;
use crate::k8s::ContainerKind;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

/// Failures tolerated this long (seconds) before a restart are not a brief overload.
const TOLERATED_SECONDS: i64 = 60;

pub static RULE: Rule = Rule {
    meta: &meta::KX212,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        for c in &w.containers {
            if !matches!(c.kind, ContainerKind::Regular | ContainerKind::Sidecar) {
                continue;
            }
            let (Some((lkey, live)), Some((rkey, ready))) = (
                c.node.entry("livenessProbe"),
                c.node.entry("readinessProbe"),
            ) else {
                continue;
            };
            if !live.is_map() || live.to_json() != ready.to_json() {
                continue;
            }
            // Only an HTTP endpoint is the kind of check that fails under load or when a
            // dependency is down (`/ready`, `/health` doing work). The same TCP connect, gRPC
            // health call or exec command for both is the common, sound pattern: the process is
            // up and listening.
            if live.get("httpGet").is_none() {
                continue;
            }
            // A liveness probe that tolerates a minute or more of failures
            // (failureThreshold × periodSeconds) does not turn a brief overload into restarts.
            let t = ProbeTiming::of(live);
            if t.failure_threshold.saturating_mul(t.period) >= TOLERATED_SECONDS {
                continue;
            }
            out.push(
                Finding::new(
                    &RULE,
                    w.span(lkey),
                    format!(
                        "livenessProbe of container `{}` is identical to its readinessProbe: when the app is slow or a dependency is down, the check that should only take it out of the Service also restarts it (137), so a brief overload becomes a restart loop",
                        c.name
                    ),
                )
                .help("Make liveness check only that the process is alive (a cheap endpoint, higher failureThreshold); keep dependency checks in readiness")
                .symptom("Warning Unhealthy … Liveness probe failed … will be restarted")
                .label(w.span(rkey), "same probe")
                .object(Some(w.reference()))
                .container(c.name),
            );
        }
    }
}
