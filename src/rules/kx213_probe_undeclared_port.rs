//! KX213 probe-undeclared-port: a probe uses a port name the container does not declare.

use crate::finding::{Finding, Severity};
use crate::k8s::probes::{named_port, port_names};
use crate::k8s::ContainerKind;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX213,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        // A kustomize patch: what it leaves out is in the base.
        if model.is_patch(w) {
            continue;
        }
        for c in &w.containers {
            if c.kind == ContainerKind::Ephemeral {
                continue;
            }
            let names = port_names(c);
            for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                let Some(p) = c.get(probe) else { continue };
                let Some((name, node)) = named_port(p) else {
                    continue;
                };
                if names.contains(&name) {
                    continue;
                }
                let declared = if names.is_empty() {
                    "declares no named ports".to_string()
                } else {
                    format!(
                        "declares {}",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let (severity, effect) = match probe {
                    "livenessProbe" => (
                        Severity::Warning,
                        "the kubelet cannot resolve it, the probe errors and its result is thrown away: the liveness check is silently disabled and a hung app is never restarted",
                    ),
                    "readinessProbe" => (
                        Severity::Error,
                        "the kubelet cannot resolve it, the probe errors and its result is thrown away: the container never becomes Ready, so it gets no Service traffic and a rollout never completes",
                    ),
                    _ => (
                        Severity::Error,
                        "the kubelet cannot resolve it, the probe errors and never succeeds: the container is never marked started or Ready, and a rollout never completes",
                    ),
                };
                out.push(
                    Finding::new(
                        &RULE,
                        w.span(node),
                        format!(
                            "{probe} of container `{}` uses port `{name}`, but the container {declared}: {effect}",
                            c.name
                        ),
                    )
                    .severity(severity)
                    .help(format!(
                        "Declare the port in this container (`ports: [{{name: {name}, containerPort: …}}]`) or use the port number"
                    ))
                    .symptom(format!("Warning Unhealthy … {} probe errored: port \"{name}\" not found (older kubelets: strconv.Atoi: parsing \"{name}\": invalid syntax)", &probe[..probe.len() - 5]))
                    .object(Some(w.reference()))
                    .container(c.name),
                );
            }
        }
    }
}
