//! KX211 liveness-kills-slow-start: a liveness probe that kills the container before a slow
//! starter is up.

use crate::finding::Finding;
use crate::k8s::probes::ProbeTiming;
use crate::k8s::{Container, ContainerKind, Workload};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::yaml::Node;

pub static RULE: Rule = Rule {
    meta: &meta::KX211,
    check,
};

const JVM_IMAGE_HINTS: [&str; 16] = [
    "java", "jdk", "jre", "temurin", "corretto", "zulu", "liberica", "semeru", "openj9", "tomcat",
    "wildfly", "jboss", "keycloak", "spring", "jetty", "payara",
];

/// Whether the container most likely runs a JVM (slow start): its image, command or JVM env.
pub fn is_jvm(model: &Model, w: &Workload<'_>, c: &Container<'_>) -> bool {
    let image = c.image().unwrap_or("").to_ascii_lowercase();
    let repo = image.rsplit('/').next().unwrap_or(&image);
    if JVM_IMAGE_HINTS.iter().any(|h| repo.contains(h)) {
        return true;
    }
    let words = c
        .command()
        .into_iter()
        .flatten()
        .chain(c.args().into_iter().flatten())
        .filter_map(Node::as_str);
    for w in words {
        if w.split_whitespace()
            .any(|t| t.rsplit('/').next() == Some("java") || t == "-jar")
        {
            return true;
        }
    }
    let jvm_env = ["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS"];
    if c.env().iter().any(|e| {
        e.get("name")
            .and_then(Node::as_str)
            .is_some_and(|n| jvm_env.contains(&n))
    }) {
        return true;
    }
    model
        .image_for(w, c)
        .is_some_and(|img| img.env("JAVA_HOME").is_some() || img.env("JAVA_VERSION").is_some())
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    let cfg = model.config();
    for w in &model.workloads {
        // A kustomize patch: what it leaves out is in the base.
        if model.is_patch(w) {
            continue;
        }
        for c in &w.containers {
            if !matches!(c.kind, ContainerKind::Regular | ContainerKind::Sidecar) {
                continue;
            }
            let Some((key, probe)) = c.node.entry("livenessProbe") else {
                continue;
            };
            if !probe.is_map() || c.get("startupProbe").is_some_and(|s| s.is_map()) {
                continue;
            }
            // A probe that only checks a file the command creates (`cat /tmp/healthy`) does not
            // wait for the app to start.
            if checks_file_only(probe) {
                continue;
            }
            let t = ProbeTiming::of(probe);
            let jvm = is_jvm(model, w, c);
            let threshold = i64::from(if jvm {
                cfg.liveness_threshold_jvm_seconds
            } else {
                cfg.liveness_threshold_seconds
            });
            let budget = t.kill_budget();
            if budget >= threshold {
                continue;
            }
            let what = if jvm { "a JVM app" } else { "the app" };
            // The probe itself is what needs a startupProbe next to it; the short delay is a label.
            let span = w.span(key);
            let mut f =
                Finding::new(
                    &RULE,
                    span,
                    format!(
                        "livenessProbe of container `{}` kills it if it is not answering within about {budget} s of starting (initialDelaySeconds {} + failureThreshold {} × periodSeconds {}), and there is no startupProbe: if {what} takes longer to start (threshold {threshold} s), it is restarted before it is ever up, in a loop ({})",
                        c.name,
                        t.initial_delay,
                        t.failure_threshold,
                        t.period,
                        if jvm { "the JVM exits 143 on SIGTERM, 137 if it does not stop in time" } else { "137 when SIGTERM is not handled in time" }
                    ),
                )
                .exit_code(Some(if jvm { 143 } else { 137 }))
                .help("Add a startupProbe (e.g. the same check with failureThreshold: 30, periodSeconds: 10) so liveness only starts once the app is up")
                .symptom("Warning Unhealthy … Liveness probe failed … Container app failed liveness probe, will be restarted")
                .object(Some(w.reference()))
                .container(c.name);
            if let Some(d) = probe.get("initialDelaySeconds") {
                f = f.label(w.span(d), "the only start-up allowance");
            }
            out.push(f);
        }
    }
}

/// Commands that only look at the file system.
const FILE_CHECKS: [&str; 5] = ["cat", "test", "[", "ls", "stat"];

/// An exec probe that only checks a file (`cat /tmp/healthy`, `test -f /tmp/ready`, or the same
/// in `sh -c`): it succeeds as soon as the file exists, whatever the app is doing.
fn checks_file_only(probe: &Node) -> bool {
    let Some(cmd) = probe.path(&["exec", "command"]) else {
        return false;
    };
    let words: Vec<&str> = cmd.items().iter().filter_map(Node::as_str).collect();
    let is_check = |w: &str| FILE_CHECKS.contains(&w.rsplit('/').next().unwrap_or(w));
    match words.as_slice() {
        [first, ..] if is_check(first) => true,
        [shell, flag, script] if matches!(shell.rsplit('/').next(), Some("sh" | "bash")) && *flag == "-c" => {
            !script.contains(['|', ';', '&', '$', '`', '\n'])
                && script.split_whitespace().next().is_some_and(is_check)
        }
        _ => false,
    }
}
