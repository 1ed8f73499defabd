//! Probes, lifecycle hooks and termination timing (semantics.md §5).

use crate::k8s::{Container, Workload};
use crate::shell;
use crate::yaml::Node;

/// Default `terminationGracePeriodSeconds`.
pub const DEFAULT_GRACE_SECONDS: i64 = 30;

/// The pod's grace period and the node that sets it (None: the default 30 s).
pub fn grace_period<'p>(w: &Workload<'p>) -> (i64, Option<&'p Node>) {
    match w.pod_spec.get("terminationGracePeriodSeconds") {
        Some(n) => match n.as_i64() {
            Some(v) if v >= 0 => (v, Some(n)),
            _ => (DEFAULT_GRACE_SECONDS, None),
        },
        None => (DEFAULT_GRACE_SECONDS, None),
    }
}

/// Probe timing with the API defaults applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeTiming {
    pub initial_delay: i64,
    pub period: i64,
    pub timeout: i64,
    pub failure_threshold: i64,
}

impl ProbeTiming {
    pub fn of(probe: &Node) -> ProbeTiming {
        let get = |k: &str, d: i64| probe.get(k).and_then(Node::as_i64).unwrap_or(d);
        ProbeTiming {
            initial_delay: get("initialDelaySeconds", 0).max(0),
            period: get("periodSeconds", 10).max(1),
            timeout: get("timeoutSeconds", 1).max(1),
            failure_threshold: get("failureThreshold", 3).max(1),
        }
    }
    /// Seconds from container start until the first liveness kill, at the latest:
    /// `initialDelaySeconds + failureThreshold × periodSeconds`.
    pub fn kill_budget(&self) -> i64 {
        self.initial_delay
            .saturating_add(self.failure_threshold.saturating_mul(self.period))
    }
}

/// The handler of a probe: `httpGet`, `tcpSocket`, `grpc` or `exec`.
pub fn handler(probe: &Node) -> Option<(&'static str, &Node)> {
    ["httpGet", "tcpSocket", "grpc", "exec"]
        .into_iter()
        .find_map(|k| probe.get(k).map(|n| (k, n)))
}

/// A probe's port when it is a name (`port: http`): the name and its node.
pub fn named_port(probe: &Node) -> Option<(&str, &Node)> {
    let (kind, h) = handler(probe)?;
    if kind != "httpGet" && kind != "tcpSocket" {
        return None;
    }
    let port = h.get("port")?;
    let name = port.as_str()?;
    // A numeric string is resolved as a number by older kubelets; only real names count.
    if name.trim().is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((name, port))
}

/// Names of the container's declared ports.
pub fn port_names<'p>(c: &Container<'p>) -> Vec<&'p str> {
    c.get("ports")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|p| p.get("name").and_then(Node::as_str))
        .collect()
}

/// How long a preStop hook keeps the container from receiving its stop signal.
#[derive(Debug, Clone)]
pub struct PreStop<'p> {
    /// Seconds; `f64::INFINITY` for `sleep infinity`.
    pub seconds: f64,
    /// The node to point at (the sleep argument, the `sh -c` string, or `sleep.seconds`).
    pub node: &'p Node,
    /// How it was read, for messages (`sleep 40`, `preStop.sleep.seconds: 40`).
    pub what: String,
}

/// Parse a `sleep` duration (`10`, `1.5`, `30s`, `2m`, `1h`, `infinity`).
pub fn parse_sleep(arg: &str) -> Option<f64> {
    let a = arg.trim();
    if a == "infinity" || a == "inf" {
        return Some(f64::INFINITY);
    }
    let (num, mult) = match a.chars().last()? {
        's' => (&a[..a.len() - 1], 1.0),
        'm' => (&a[..a.len() - 1], 60.0),
        'h' => (&a[..a.len() - 1], 3600.0),
        'd' => (&a[..a.len() - 1], 86400.0),
        _ => (a, 1.0),
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    num.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|v| v * mult)
}

fn is_shell(argv0: &str) -> bool {
    let base = argv0.rsplit('/').next().unwrap_or(argv0);
    matches!(base, "sh" | "bash" | "ash" | "dash" | "zsh" | "busybox")
}

/// Index of the `-c` script in an argv like `sh -c SCRIPT`, `bash -ec SCRIPT`, `busybox sh -c`.
pub fn shell_script_index(argv: &[&str]) -> Option<usize> {
    let first = argv.first()?;
    if !is_shell(first) {
        return None;
    }
    let mut i = 1;
    if first.rsplit('/').next() == Some("busybox") {
        if argv.get(1).is_some_and(|a| is_shell(a)) {
            i = 2;
        } else {
            return None;
        }
    }
    while let Some(a) = argv.get(i) {
        if a.starts_with('-') && !a.starts_with("--") {
            if a.contains('c') {
                // `sh -c -- 'script'`: `--` ends the options.
                let j = if argv.get(i + 1) == Some(&"--") {
                    i + 2
                } else {
                    i + 1
                };
                return (j < argv.len()).then_some(j);
            }
            i += 1;
            continue;
        }
        return None;
    }
    None
}

fn is_sleep(name: &str) -> bool {
    name.rsplit('/').next() == Some("sleep")
}

/// The sleeping time of a container's preStop hook, when kexit can read it.
pub fn prestop<'p>(c: &Container<'p>) -> Option<PreStop<'p>> {
    let hook = c.node.path(&["lifecycle", "preStop"])?;
    if let Some(s) = hook.path(&["sleep", "seconds"]) {
        let v = s.as_i64()?;
        return Some(PreStop {
            seconds: v as f64,
            node: s,
            what: format!("preStop.sleep.seconds: {v}"),
        });
    }
    let cmd = hook.path(&["exec", "command"])?.items();
    let words: Vec<&str> = cmd.iter().filter_map(Node::as_str).collect();
    if words.len() != cmd.len() || words.is_empty() {
        return None;
    }
    if is_sleep(words[0]) {
        let arg = cmd.get(1)?;
        let secs = parse_sleep(words.get(1)?)?;
        return Some(PreStop {
            seconds: secs,
            node: arg,
            what: format!("sleep {}", words[1]),
        });
    }
    let si = shell_script_index(&words)?;
    let script = words[si];
    let parsed = shell::parse(script);
    let mut total = 0.0;
    let mut parts = Vec::new();
    for cmd in &parsed.commands {
        if !is_sleep(&cmd.name.text) || cmd.flow != shell::Flow::Plain {
            continue;
        }
        if let Some(secs) = cmd.args.first().and_then(|a| parse_sleep(&a.text)) {
            total += secs;
            parts.push(format!(
                "sleep {}",
                cmd.args.first().map_or("", |a| a.text.as_str())
            ));
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(PreStop {
        seconds: total,
        node: cmd.get(si)?,
        what: parts.join("; "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleep_durations() {
        assert_eq!(parse_sleep("10"), Some(10.0));
        assert_eq!(parse_sleep("1.5"), Some(1.5));
        assert_eq!(parse_sleep("2m"), Some(120.0));
        assert_eq!(parse_sleep("30s"), Some(30.0));
        assert_eq!(parse_sleep("infinity"), Some(f64::INFINITY));
        assert_eq!(parse_sleep("$DELAY"), None);
        assert_eq!(parse_sleep(""), None);
    }

    #[test]
    fn shell_index() {
        assert_eq!(shell_script_index(&["sh", "-c", "x"]), Some(2));
        assert_eq!(shell_script_index(&["/bin/bash", "-ec", "x"]), Some(2));
        assert_eq!(shell_script_index(&["bash", "-e", "-c", "x"]), Some(3));
        assert_eq!(shell_script_index(&["busybox", "sh", "-c", "x"]), Some(3));
        assert_eq!(shell_script_index(&["sh", "script.sh"]), None);
        assert_eq!(shell_script_index(&["python", "-c", "x"]), None);
        assert_eq!(shell_script_index(&["sh", "-c"]), None);
    }
}
