//! KX207 prestop-exceeds-grace: the preStop hook uses up the whole termination grace period.

use crate::finding::Finding;
use crate::k8s::probes::{grace_period, prestop};
use crate::k8s::ContainerKind;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX207,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        let (grace, grace_node) = grace_period(w);
        if grace == 0 {
            continue; // KX208
        }
        for c in &w.containers {
            if c.kind == ContainerKind::Ephemeral {
                continue;
            }
            let Some(ps) = prestop(c) else { continue };
            let g = grace as f64;
            let left = g - ps.seconds;
            let grace_text = match grace_node {
                Some(_) => format!("terminationGracePeriodSeconds: {grace}"),
                None => format!("the default terminationGracePeriodSeconds of {grace}"),
            };
            let dur = if ps.seconds.is_infinite() {
                "forever".to_string()
            } else {
                format!("{} s", ps.seconds)
            };
            // A warning (the rule's severity) in every case: the kubelet still gives the app
            // at least 2 s after SIGTERM, and an app that stops within them (nginx with no open
            // connections) exits normally. Only a slower shutdown is SIGKILLed.
            let msg = if left <= 0.0 {
                format!(
                    "preStop hook of container `{}` ({}) runs {dur}, which uses up all of {grace_text}: SIGTERM only reaches the app at the deadline, with the kubelet's 2 s minimum to exit; unless it stops within those 2 s it is SIGKILLed (137)",
                    c.name, ps.what
                )
            } else if left < 3.0 {
                format!(
                    "preStop hook of container `{}` ({}) runs {dur} of {grace_text}, leaving the app {left} s to shut down after SIGTERM; unless it stops within them it is SIGKILLed (137)",
                    c.name, ps.what
                )
            } else {
                continue;
            };
            let suggested = if ps.seconds.is_finite() {
                (ps.seconds.ceil() as i64).saturating_add(15)
            } else {
                grace
            };
            let mut f = Finding::new(&RULE, w.span(ps.node), msg)
                .help(format!(
                    "Raise terminationGracePeriodSeconds above the preStop time plus the app's shutdown time (e.g. {suggested}), or shorten the preStop sleep"
                ))
                .symptom("Last State: Terminated, Reason: Error, Exit Code: 137 (event: FailedPreStopHook / Killing … exceeded grace period)")
                .object(Some(w.reference()))
                .container(c.name);
            if let Some(n) = grace_node {
                f = f.label(w.span(n), "grace period set here");
            }
            out.push(f);
        }
    }
}
