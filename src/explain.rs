//! `kexit explain`: what an exit code means (`kexit explain 137`), a rule's doc
//! (`kexit explain KX201`), a post-mortem of a `kubectl get pod -o yaml` dump
//! (`kexit explain --pod pod.yaml`), and a per-pod QoS / oom_score_adj listing
//! (`kexit explain --qos PATHS…`).

use crate::config::Config;
use crate::discover::{self, Kind};
use crate::k8s::quantity::Quantity;
use crate::lint;
use crate::model::resources::{effective, QosClass};
use crate::model::Model;
use crate::project::{Input, Project};
use crate::rules;
use crate::yaml::Node;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// An exit code (137, 127, 126, 128, 139, 143, any 128+n) or a rule code/name (KX201).
    pub topic: Option<String>,
    /// A `kubectl get pod -o yaml` dump: decode each container's last termination and lint its spec.
    #[arg(long, value_name = "FILE")]
    pub pod: Option<PathBuf>,
    /// List the QoS class and each container's oom_score_adj for every pod template under PATHS.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub qos: Vec<PathBuf>,
    /// Node memory capacity for oom_score_adj (a quantity, default 16Gi).
    #[arg(long, value_name = "QUANTITY")]
    pub node_memory: Option<String>,
}

fn signal_name(n: i64) -> Option<&'static str> {
    Some(match n {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        11 => "SIGSEGV",
        12 => "SIGUSR2",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        16 => "SIGSTKFLT",
        17 => "SIGCHLD",
        18 => "SIGCONT",
        19 => "SIGSTOP",
        20 => "SIGTSTP",
        21 => "SIGTTIN",
        22 => "SIGTTOU",
        23 => "SIGURG",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        26 => "SIGVTALRM",
        27 => "SIGPROF",
        28 => "SIGWINCH",
        29 => "SIGIO",
        30 => "SIGPWR",
        31 => "SIGSYS",
        _ => return None,
    })
}

/// Rules whose findings predict this exit code.
fn rules_for(code: u16) -> String {
    let list: Vec<String> = rules::RULES
        .iter()
        .filter(|r| r.exit_code == Some(code))
        .map(|r| format!("  {} {} — {}", r.code, r.name, r.summary))
        .collect();
    if list.is_empty() {
        "  (none)\n".to_string()
    } else {
        list.join("\n") + "\n"
    }
}

/// The explanation of an exit code, or None when the number is not one.
pub fn exit_code_text(code: i64) -> Option<String> {
    if !(0..=255).contains(&code) {
        return None;
    }
    let mut s = String::new();
    let body = match code {
        0 => "0: the process exited successfully. A container that exits 0 under a Deployment is restarted anyway (restartPolicy Always) and ends in CrashLoopBackOff: a command that finishes instead of serving.\n".to_string(),
        1 => "1: the application itself failed (an uncaught exception, a config error). Read its output: `kubectl logs POD -c CONTAINER --previous`.\n".to_string(),
        2 => "2: usually a shell syntax error or a misused builtin (busybox ash running a binary for another architecture as a script also gives 2). `kubectl logs --previous`.\n".to_string(),
        126 => "\
126: the command was found but could not be executed.
Common causes:
  - the file is not executable (mode 0644, e.g. a script mounted from a ConfigMap without defaultMode 0755, or COPY without chmod);
  - the path is a directory (a subPath to a missing ConfigMap key makes the kubelet create a directory);
  - an ELF binary for another CPU architecture run through bash/dash (`cannot execute binary file: Exec format error`).
Confirm: `kubectl logs POD --previous` (`Permission denied`, `Is a directory`); `kubectl exec POD -- ls -l PATH`.
Fix: `defaultMode: 0755` on the volume, `COPY --chmod=755`, build for the node's platform.
".to_string(),
        127 => "\
127: command not found — reported by a shell (`sh -c`, a shell-form CMD, an entrypoint script).
Common causes:
  - the program is not in the image or not on PATH (curl/bash missing in slim, alpine, distroless images);
  - a script's shebang names a missing interpreter, or has CRLF line endings (`#!/bin/sh\\r`);
  - a glibc binary on a musl (alpine) or scratch image (its dynamic loader is missing);
  - `$VAR` used in exec form, where no shell expands it.
Confirm: `kubectl logs POD --previous` (`sh: 1: x: not found`), `kubectl describe pod POD`.
Fix: install the program, use its full path, fix the shebang/line endings, or use a matching base image.
".to_string(),
        128 => "\
128: the runtime could not start the container's process (containerd `StartError`; `docker run` reports 127 or 126).
Common causes:
  - exec-form argv[0] not found (`exec: \"python app.py\": executable file not found in $PATH` — a command with spaces in one element, a missing binary, a wrong absolute path);
  - argv[0] is not executable or is a directory (`permission denied`);
  - a mount hides the directory that holds the command.
Confirm: `kubectl describe pod POD` (State: Terminated, Reason: StartError, Message: …).
Fix: split the command into list items, fix the path, add the exec bit.
".to_string(),
        137 => "\
137 = 128 + 9 (SIGKILL): the container was killed and could not clean up.
Common causes:
  - OOMKilled: it used more memory than its limit (`Reason: OOMKilled`). Often a heap flag (-Xmx, --max-old-space-size) at or near the limit, a tmpfs emptyDir without sizeLimit, or a limit with a wrong unit;
  - node memory pressure: the kernel OOM killer picked it by oom_score_adj (BestEffort 1000, Burstable 2–999, Guaranteed −997), or the kubelet evicted it;
  - the grace period ran out on stop: PID 1 (a shell left by `sh -c` without exec, `sleep`, a script without `exec \"$@\"`) ignored SIGTERM, or a preStop hook used up terminationGracePeriodSeconds, or the grace period is 0, or STOPSIGNAL is SIGKILL;
  - a liveness probe failed (a slow starter killed before it was up) and the process did not exit on SIGTERM.
Confirm: `kubectl describe pod POD` (Last State: Terminated, Reason: OOMKilled / Error, and `Killing`/`Unhealthy` events); `kubectl logs POD --previous`;
  on the node: `dmesg | grep -i -e oom -e killed` (or `journalctl -k`), the pod's `status.qosClass`, `cat /proc/PID/oom_score_adj`; `kexit explain --qos manifests/` lists the QoS and oom_score_adj kexit predicts.
Fix: size the memory limit to the real peak (and the heap to ~75 % of it), set sizeLimit on memory emptyDirs, `exec` the main process (or use tini), keep preStop shorter than the grace period, add a startupProbe.
".to_string(),
        139 => "\
139 = 128 + 11 (SIGSEGV): the process crashed on an invalid memory access.
Common causes: a native library built for another libc (glibc binary on alpine/musl with a compat shim), an ABI mismatch between image layers, a buggy native extension, stack overflow (too small ulimit/thread stack).
Confirm: `kubectl logs POD --previous`, `kubectl describe pod POD` (Exit Code: 139), core dumps on the node.
Fix: build native code for the image's libc and architecture; match base images between build and runtime stages.
".to_string(),
        143 => "\
143 = 128 + 15 (SIGTERM): the process was asked to stop and exited from the signal — a normal stop (rollout, scale-down, deletion, eviction, a liveness-probe restart).
The JVM exits 143 itself on SIGTERM; a process under tini/dumb-init (or with shareProcessNamespace) that has no handler dies from SIGTERM with 143.
Confirm: `kubectl describe pod POD` (events: Killing, Unhealthy … will be restarted), `kubectl get events`.
If it is unexpected: look for failing liveness probes (a missing startupProbe for slow starters) or evictions.
".to_string(),
        255 => "255: the process exited with -1, or (runc ≥ 1.2) execve failed inside the started container: a missing shebang interpreter or dynamic loader (`exec /x: no such file or directory`), or an ELF for another architecture (`exec format error`).\n".to_string(),
        n if n > 128 => match signal_name(n - 128) {
            Some(sig) => format!("{n} = 128 + {} ({sig}): the process was terminated by {sig}. `kubectl describe pod POD`, `kubectl logs POD --previous`.\n", n - 128),
            None => format!("{n} = 128 + {}: killed by a real-time or unknown signal.\n", n - 128),
        },
        n => format!("{n}: an application-specific exit status; read `kubectl logs POD --previous`.\n"),
    };
    s.push_str(&body);
    if let Ok(c) = u16::try_from(code) {
        if matches!(c, 126 | 127 | 128 | 137 | 143 | 255) {
            let _ = write!(s, "kexit rules that predict exit {c}:\n{}", rules_for(c));
        }
    }
    Some(s)
}

fn node_memory(args: &ExplainArgs, cfg: &mut Config) -> Result<(), String> {
    if let Some(q) = &args.node_memory {
        let v = Quantity::parse(q).map_err(|e| format!("--node-memory {q}: {e}"))?;
        if !v.is_positive() {
            return Err(format!("--node-memory {q}: must be positive"));
        }
        cfg.node_memory_bytes = u64::try_from(v.ceil_units()).unwrap_or(u64::MAX);
    }
    Ok(())
}

/// Entry point for `kexit explain`; returns the process exit code.
pub fn run(args: ExplainArgs, emit: &dyn Fn(&str)) -> i32 {
    let mut cfg = Config::default();
    if let Err(e) = node_memory(&args, &mut cfg) {
        eprintln!("kexit: {e}");
        return 2;
    }
    if let Some(p) = &args.pod {
        return explain_pod(p, cfg, emit);
    }
    if !args.qos.is_empty() {
        return list_qos(&args.qos, cfg, emit);
    }
    let Some(topic) = args.topic else {
        eprintln!("kexit: explain needs an exit code, a rule code, --pod FILE or --qos PATHS");
        return 2;
    };
    if let Ok(n) = topic.trim().parse::<i64>() {
        return match exit_code_text(n) {
            Some(t) => {
                emit(&t);
                0
            }
            None => {
                eprintln!("kexit: exit codes range from 0 to 255");
                2
            }
        };
    }
    match rules::by_code(&topic) {
        Some(r) => {
            emit(r.doc);
            0
        }
        None => {
            eprintln!("kexit: no rule or topic named `{topic}` (see `kexit rules`)");
            2
        }
    }
}

fn list_qos(paths: &[PathBuf], cfg: Config, emit: &dyn Fn(&str)) -> i32 {
    let excludes = match discover::build_excludes(&[]) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("kexit: {e}");
            return 2;
        }
    };
    let found = discover::discover(paths, &excludes);
    let project = Project::load(found.files.into_iter().map(Input::Path).collect(), cfg);
    let model = Model::build(&project);
    let mut s = String::new();
    for w in &model.workloads {
        let r = effective(&model, w);
        let f = model.file(w.object.file);
        let (line, _) = f.line_col(w.object.node.span.start);
        let cs: Vec<String> = r
            .containers
            .iter()
            .map(|c| format!("{}={}", c.name, c.oom_score_adj))
            .collect();
        // Objects created with `generateName` have no name: show the prefix.
        let name = if w.object.name.is_empty() {
            w.object
                .node
                .path(&["metadata", "generateName"])
                .and_then(Node::as_str)
                .map_or_else(String::new, |g| format!("{g}*"))
        } else {
            w.object.name.to_string()
        };
        let lr = if r.limit_ranges.is_empty() {
            String::new()
        } else {
            format!(" (LimitRange {})", r.limit_ranges.join(", "))
        };
        let _ = writeln!(
            s,
            "{}:{line}: {}/{}/{name}: {} oom_score_adj[{}]{lr}",
            f.path,
            w.object.kind,
            w.object.namespace,
            r.qos.as_str(),
            cs.join(" ")
        );
    }
    emit(&s);
    0
}

fn explain_pod(path: &std::path::Path, cfg: Config, emit: &dyn Fn(&str)) -> i32 {
    let read = crate::source::read_bounded(path, cfg.max_file_size)
        .and_then(|b| String::from_utf8(b).map_err(|_| "not valid UTF-8".to_string()));
    let text = match read {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kexit: {}: {e}", path.display());
            return 2;
        }
    };
    let name = path.to_string_lossy().into_owned();
    let project = Project::load(
        vec![Input::Text {
            name,
            kind: Kind::Manifest,
            text,
        }],
        cfg,
    );
    let mut s = String::new();
    {
        let model = Model::build(&project);
        for w in model.workloads.iter().filter(|w| w.object.kind == "Pod") {
            let r = effective(&model, w);
            let status = w.object.node.get("status");
            let reported = status
                .and_then(|st| st.get("qosClass"))
                .and_then(Node::as_str)
                .and_then(QosClass::parse);
            let _ = writeln!(
                s,
                "Pod {}/{}: QoS {} (kexit computes {}{})",
                w.object.namespace,
                w.object.name,
                reported.map_or("unknown", |q| q.as_str()),
                r.qos.as_str(),
                if reported.is_some_and(|q| q != r.qos) {
                    " — differs: check LimitRanges or pod-level resources"
                } else {
                    ""
                }
            );
            for list in ["initContainerStatuses", "containerStatuses"] {
                for cs in status
                    .and_then(|st| st.get(list))
                    .map(Node::items)
                    .unwrap_or(&[])
                {
                    describe_status(&mut s, cs, &r);
                }
            }
        }
    }
    let outcome = lint::lint(project);
    if outcome.findings.is_empty() {
        s.push_str("\nkexit finds nothing in the pod spec that predicts these exits.\n");
    } else {
        s.push_str("\nLikely causes found in the pod spec (kexit lint):\n");
        s.push_str(&crate::output::concise::render(
            &outcome.project,
            &outcome.findings,
        ));
    }
    emit(&s);
    0
}

fn describe_status(s: &mut String, cs: &Node, r: &crate::model::resources::PodResources<'_>) {
    let name = cs.get("name").and_then(Node::as_str).unwrap_or("?");
    let restarts = cs.get("restartCount").and_then(Node::as_i64).unwrap_or(0);
    let adj = r
        .containers
        .iter()
        .find(|c| c.name == name)
        .map_or(String::new(), |c| {
            format!(", oom_score_adj {}", c.oom_score_adj)
        });
    let _ = writeln!(s, "\ncontainer `{name}` (restarts {restarts}{adj})");
    if let Some(w) = cs.path(&["state", "waiting"]) {
        let reason = w.get("reason").and_then(Node::as_str).unwrap_or("");
        let msg = w.get("message").and_then(Node::as_str).unwrap_or("");
        let _ = writeln!(s, "  waiting: {reason} {msg}");
    }
    for (label, path) in [
        ("last termination", ["lastState", "terminated"]),
        ("terminated", ["state", "terminated"]),
    ] {
        let Some(t) = cs.path(&path) else { continue };
        let code = t.get("exitCode").and_then(Node::as_i64);
        let reason = t.get("reason").and_then(Node::as_str).unwrap_or("");
        let signal = t.get("signal").and_then(Node::as_i64);
        let _ = writeln!(
            s,
            "  {label}: exit {} reason {}{}",
            code.map_or("?".to_string(), |c| c.to_string()),
            if reason.is_empty() { "-" } else { reason },
            signal
                .and_then(signal_name)
                .map_or(String::new(), |n| format!(" signal {n}"))
        );
        let hint = match (code, reason) {
            (_, "OOMKilled") => "the container exceeded its memory limit (or the node ran out): see KX201/KX202/KX205/KX206",
            (Some(137), _) => "SIGKILL without OOMKilled: the grace period ran out on stop (KX207/KX208/KX209/KX210) or a liveness kill (KX211/KX212)",
            (Some(143), _) => "stopped by SIGTERM: a normal stop, or a liveness-probe restart (KX211/KX212)",
            (Some(127), _) => "command not found under a shell (KX1xx)",
            (Some(126), _) => "found but not executable (KX110, KX306)",
            (Some(128), _) | (_, "StartError") => "the runtime could not start the process (KX101, KX103, KX110)",
            _ => "",
        };
        if !hint.is_empty() {
            let _ = writeln!(s, "  → {hint}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert!(exit_code_text(137).is_some_and(|t| t.contains("SIGKILL") && t.contains("KX201")));
        assert!(exit_code_text(143).is_some_and(|t| t.contains("SIGTERM")));
        assert!(exit_code_text(127).is_some_and(|t| t.contains("not found")));
        assert!(exit_code_text(134).is_some_and(|t| t.contains("SIGABRT")));
        assert!(exit_code_text(300).is_none());
    }
}
