//! `kexit inspect`: the JSON contract (version 1) and the human report, on a small repository
//! with a linked Dockerfile, a catalogue image and an unknown image.

mod common;

use common::kexit;
use std::path::Path;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: prod
spec:
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/app:1.0
          livenessProbe:
            exec:
              command: [curl, -f, http://localhost:8080/health]
        - name: cache
          image: example.com/unknown/cache:2
        - name: tools
          image: python:3.12-slim
          command: [python, -m, tools]
";

fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "k8s/deploy.yaml", DEPLOY);
    write(
        tmp.path(),
        "app/Dockerfile",
        "FROM alpine:3.20\nCOPY --chmod=755 run.sh /app/run.sh\nUSER 10001\nENTRYPOINT [\"/app/run.sh\"]\n",
    );
    write(tmp.path(), "app/run.sh", "#!/bin/bash\nexec server\n");
    tmp
}

#[test]
fn inspect_json_contract() {
    let tmp = repo();
    let run = kexit(tmp.path(), &["inspect", "--format", "json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let cs = v["containers"].as_array().unwrap();
    assert_eq!(cs.len(), 4);
    // Every documented key of version 1 is there.
    for c in cs {
        for k in [
            "file",
            "line",
            "object",
            "container",
            "image",
            "image_source",
            "dockerfile",
            "argv",
            "argv0",
        ] {
            assert!(c.get(k).is_some(), "{k} missing in {c}");
        }
        for k in ["path", "verdict", "reason"] {
            assert!(c["argv0"].get(k).is_some(), "argv0.{k} missing in {c}");
        }
    }
    let app = &cs[0];
    assert_eq!(app["container"], "app");
    assert_eq!(app["process"], "container");
    assert_eq!(app["line"], 14);
    assert_eq!(app["object"]["kind"], "Deployment");
    assert_eq!(app["object"]["namespace"], "prod");
    assert_eq!(app["image_source"], "dockerfile");
    assert_eq!(app["dockerfile"], "./app/Dockerfile");
    assert_eq!(app["argv0"]["verdict"], "present");
    assert_eq!(app["argv0"]["path"], "/app/run.sh");
    assert!(app["argv0"]["reason"]
        .as_str()
        .unwrap()
        .contains("Dockerfile:2"));
    assert_eq!(app["user"], "10001");
    // The shebang interpreter: alpine has no bash.
    assert_eq!(app["interpreters"][0]["program"], "/bin/bash");
    assert_eq!(app["interpreters"][0]["verdict"], "absent");
    // The liveness probe: no curl in alpine.
    let probe = &cs[1];
    assert_eq!(probe["process"], "livenessProbe");
    assert_eq!(probe["argv0"]["verdict"], "absent");
    assert_eq!(probe["argv0"]["path"], serde_json::Value::Null);
    // Unknown image: unknown, and why.
    let cache = &cs[2];
    assert_eq!(cache["image_source"], "unknown");
    assert_eq!(cache["dockerfile"], serde_json::Value::Null);
    assert_eq!(cache["argv0"]["verdict"], "unknown");
    let tools = &cs[3];
    assert_eq!(tools["image_source"], "catalogue");
    assert_eq!(tools["argv0"]["verdict"], "present");
    assert_eq!(tools["argv0"]["path"], "/usr/local/bin/python");
    insta::assert_snapshot!("inspect_json", run.stdout);
}

#[test]
fn inspect_human_report() {
    let tmp = repo();
    let run = kexit(tmp.path(), &["inspect", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("inspect_human", run.stdout);
    assert!(run
        .stdout
        .contains("argv[0] verdict known for 2 of 3 containers"));
    // A missing path is a usage error, as for lint.
    let run = kexit(tmp.path(), &["inspect", "nope"]);
    assert_eq!(run.code, 2);
}
