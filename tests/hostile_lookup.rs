//! Hostile inputs of issue 16, part 7: a finding or a reference checked against a list the
//! input makes long, once per finding or reference (found by a probe on 2026-12-14): the
//! objects of a config `ignore` entry, the config's `external-objects`, the directories next to
//! a ConfigMap (KX303's files named like a missing key). Each is now looked up in an index or a
//! listing made once per run. The sizes are chosen so that the old scans would not finish within
//! the harness's deadline in a debug build. Same harness as tests/hostile.rs.

#![cfg(unix)]

use std::fs;

mod common;

#[path = "common/hostile.rs"]
mod harness;

use harness::*;

/// Lint `dir` with its `.kexit.yaml` (lint_dir passes `--no-config`).
fn lint_with_config(dir: &std::path::Path) -> (Run, Vec<F>) {
    let r = run(dir, &["lint", "--format", "json", "."]);
    assert!(r.code == 0 || r.code == 1, "{}", trunc(&r.stderr));
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let f = r.findings();
    assert_good(&f);
    (r, f)
}

/// One `ignore` entry naming 80,000 objects, over 20,000 findings: each finding tried every
/// object (40,000 × 200,000 in a release build: 34 s). Now the entry is found by the finding's
/// object. The one Pod it names loses its finding; the others keep theirs.
#[test]
fn config_ignore_many_objects() {
    let tmp = scene();
    let objects: Vec<String> = (0..80_000).map(|i| format!("Pod/n{i}")).collect();
    let cfg = format!(
        "ignore:\n- rules: [KX202]\n  objects: [{}, pod/P7]\n  reason: x\n",
        objects.join(",")
    );
    fs::write(tmp.path().join(".kexit.yaml"), &cfg).unwrap();
    let n = 20_000;
    let pods: String = (0..n)
        .map(|i| format!("---\n{{apiVersion: v1, kind: Pod, metadata: {{name: p{i}}}, spec: {{containers: [{{name: c, image: a}}]}}}}\n"))
        .collect();
    fs::write(tmp.path().join("pods.yaml"), &pods).unwrap();
    let (_, f) = lint_with_config(tmp.path());
    let kx202: Vec<&F> = in_file(&f, "pods.yaml")
        .into_iter()
        .filter(|f| f.rule == "KX202")
        .collect();
    assert_eq!(kx202.len(), n - 1);
    let p7 = line_of(&pods, "name: p7}");
    assert!(kx202.iter().all(|f| f.line != p7), "p7 not ignored");
    assert!(kx202.iter().all(|f| !f.message.is_empty()));
}

/// 30,000 `external-objects` and 60,000 references (in four files: at most 1,000,000 YAML
/// nodes are read per file) to ConfigMaps neither in the tree nor declared: each reference
/// scanned the whole list (20,000 × 30,000 in a release build: 5.6 s). Now one look-up by kind and name. A key missing from the last declared object is
/// still found.
#[test]
fn many_external_objects() {
    let tmp = scene();
    let e = 30_000;
    let mut cfg = String::from("external-objects:\n");
    for i in 0..e {
        cfg.push_str(&format!("- {{kind: ConfigMap, name: e{i}}}\n"));
    }
    cfg.push_str("- {kind: ConfigMap, name: last, keys: [a]}\n");
    fs::write(tmp.path().join(".kexit.yaml"), &cfg).unwrap();
    for file in 0..4 {
        let pods: String = (file * 15_000..(file + 1) * 15_000)
            .map(|i| format!("---\n{{apiVersion: v1, kind: Pod, metadata: {{name: p{i}}}, spec: {{containers: [{{name: c, image: a, resources: {{limits: {{memory: 1Gi}}}}, envFrom: [{{configMapRef: {{name: c{i}}}}}]}}]}}}}\n"))
            .collect();
        fs::write(tmp.path().join(format!("pods{file}.yaml")), &pods).unwrap();
    }
    let pods = String::from("---\n{apiVersion: v1, kind: Pod, metadata: {name: q}, spec: {containers: [{name: c, image: a, resources: {limits: {memory: 1Gi}}, env: [{name: B, valueFrom: {configMapKeyRef: {name: last, key: missing-b}}}]}]}}\n");
    fs::write(tmp.path().join("pods.yaml"), &pods).unwrap();
    let (_, f) = lint_with_config(tmp.path());
    assert_located(&f, "pods.yaml", "KX303", line_of(&pods, "missing-b"));
    assert_eq!(f.iter().filter(|f| f.rule == "KX303").count(), 1);
}

/// 80,000 keys missing from a ConfigMap whose directory holds 256 subdirectories: each finding
/// listed the directory and looked for its key in every subdirectory (40,000 keys in a release
/// build: 35 s, mostly system time). Now each directory is listed once per run. The one key
/// with a file of its name in a subdirectory is still only a warning.
#[test]
fn missing_keys_next_to_many_directories() {
    let tmp = scene();
    for i in 0..256 {
        fs::create_dir(tmp.path().join(format!("d{i}"))).unwrap();
    }
    fs::write(tmp.path().join("d200/k5"), "v").unwrap();
    let n = 80_000;
    let env: Vec<String> = (0..n)
        .map(|i| format!("{{name: a, valueFrom: {{configMapKeyRef: {{name: cm, key: k{i}}}}}}}"))
        .collect();
    let text = format!(
        "{{apiVersion: v1, kind: ConfigMap, metadata: {{name: cm}}, data: {{x: y}}}}\n---\n{{apiVersion: v1, kind: Pod, metadata: {{name: p}}, spec: {{containers: [{{name: c, image: nginx, env: [{}]}}]}}}}\n",
        env.join(",\n")
    );
    fs::write(tmp.path().join("p.yaml"), &text).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    let kx303: Vec<&F> = in_file(&f, "p.yaml")
        .into_iter()
        .filter(|f| f.rule == "KX303")
        .collect();
    assert_eq!(kx303.len(), n);
    let k5 = line_of(&text, "key: k5}");
    let warned: Vec<u64> = (kx303.iter())
        .filter(|f| f.severity == "warning")
        .map(|f| f.line)
        .collect();
    assert_eq!(warned, vec![k5]);
}
