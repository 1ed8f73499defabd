//! Structure-aware generator for the hardening classes of issue 16: expansion chains and
//! mount/volume fan-out, built from the fuzzer's bytes (which choose the shape, the sizes and
//! the reference pattern). libFuzzer's `-timeout` and `-rss_limit_mb` turn unbounded work or
//! memory into a failure; the lint itself must end with findings, never a panic.
//!
//! Shapes (first byte):
//! 0. Kubernetes env chain: `V{i}` refers to earlier variables `$(V{j})`, k times each.
//! 1. Dockerfile `ARG`/`ENV` chain: `${V{j}}` references, k times each, some redefined.
//! 2. ConfigMap with n keys, mounted m times with `subPath` (plus items and a projected volume).
//! 3. Unclosed and nested references: `$(`, `${`, `$(V$(V…` repeated.
#![no_main]
use kexit::discover::Kind;
use kexit::project::Input;
use libfuzzer_sys::fuzz_target;
use std::fmt::Write;

/// Reads small numbers from the fuzzer's bytes (0 when they run out).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> usize {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b as usize
            }
            None => 0,
        }
    }
    /// A number in 0..=max, two bytes wide.
    fn upto(&mut self, max: usize) -> usize {
        ((self.next() << 8) | self.next()) % (max + 1)
    }
}

fn pod(env: &str, mounts: &str, volumes: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"echo $(V0) $(V1)\"]\n    env:\n{env}    volumeMounts:\n{mounts}  volumes:\n{volumes}"
    )
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let shape = b.next() % 4;
    let mut inputs = Vec::new();
    match shape {
        0 => {
            let n = b.upto(400);
            let k = 1 + b.upto(8);
            let mut env = String::new();
            for i in 0..n {
                let mut v = String::new();
                for _ in 0..k {
                    let j = if i == 0 { 0 } else { b.upto(i - 1) };
                    let _ = write!(v, "$(V{j})x");
                }
                let _ = writeln!(env, "    - name: V{i}\n      value: \"{v}\"");
            }
            inputs.push(manifest(pod(&env, "    - name: d\n      mountPath: /d\n", "  - name: d\n    emptyDir: {}\n")));
        }
        1 => {
            let n = b.upto(400);
            let k = 1 + b.upto(8);
            let mut df = String::from("FROM debian:bookworm-slim\nARG V0=ab\n");
            for i in 1..n {
                let kw = if b.next() % 2 == 0 { "ARG" } else { "ENV" };
                let mut v = String::new();
                for _ in 0..k {
                    let _ = write!(v, "${{V{}}}", b.upto(i - 1));
                }
                let name = if b.next() % 8 == 0 { b.upto(i - 1) } else { i };
                let _ = writeln!(df, "{kw} V{name}=\"{v}\"");
            }
            df.push_str("CMD [\"sh\", \"-c\", \"echo $V1\"]\n");
            inputs.push(Input::Text {
                name: "<fuzz>/Dockerfile".to_string(),
                kind: Kind::Dockerfile,
                text: df,
            });
        }
        2 => {
            let keys = b.upto(3000);
            let m = b.upto(300);
            let mut cm = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n");
            for i in 0..keys {
                let _ = writeln!(cm, "  k{i}: v");
            }
            let mut mounts = String::new();
            for i in 0..m {
                let key = b.upto(keys + 1);
                let _ = writeln!(mounts, "    - name: cfg\n      mountPath: /etc/c{i}\n      subPath: k{key}");
            }
            let volumes = "  - name: cfg\n    projected:\n      sources:\n      - configMap:\n          name: cm\n      - configMap:\n          name: cm\n          items:\n          - key: k0\n            path: a/k0\n";
            inputs.push(manifest(format!("{cm}---\n{}", pod("", &mounts, volumes))));
        }
        _ => {
            let n = b.upto(20000);
            let mut v = String::new();
            for _ in 0..n {
                v.push_str(match b.next() % 5 {
                    0 => "$(",
                    1 => "${",
                    2 => "$(V0",
                    3 => ")",
                    _ => "x",
                });
            }
            let env = format!("    - name: V0\n      value: a\n    - name: V1\n      value: '{}'\n", v.replace('\'', "''"));
            inputs.push(manifest(pod(&env, "    - name: d\n      mountPath: /d\n", "  - name: d\n    emptyDir: {}\n")));
        }
    }
    let out = kexit::lint::lint_inputs(inputs);
    let _ = kexit::output::concise::render(&out.project, &out.findings);
});

fn manifest(text: String) -> Input {
    Input::Text {
        name: "<fuzz>/pod.yaml".to_string(),
        kind: Kind::Manifest,
        text,
    }
}
