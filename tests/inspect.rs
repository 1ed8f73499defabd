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

/// Programs a Dockerfile builds or copies without kexit seeing their source: a COPY of a literal
/// path cannot succeed without it, and `go build -o`/`go install`/`cc -o` create their output.
#[test]
fn inspect_built_and_copied_programs() {
    let tmp = tempfile::tempdir().unwrap();
    let img = |n: &str| format!("registry.example.com/shop/{n}:1");
    let mut deploy =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: shop\nspec:\n  containers:\n");
    for (name, command) in [
        ("gosvc", ""),
        ("prebuilt", ""),
        ("external", "[tool]"),
        ("wildcard", "[svc]"),
        ("dirdest", "[/opt/thing]"),
        ("goinstall", "[grpc_health_probe]"),
        ("cc", "[hello]"),
        ("inherited", ""),
    ] {
        deploy.push_str(&format!("    - name: {name}\n      image: {}\n", img(name)));
        if !command.is_empty() {
            deploy.push_str(&format!("      command: {command}\n"));
        }
    }
    write(tmp.path(), "k8s/pod.yaml", &deploy);
    let files = [
        ("gosvc", "FROM golang:1.22 AS builder\nWORKDIR /src\nCOPY . .\nRUN go mod download && CGO_ENABLED=0 go build -ldflags \"-s -w\" -o /out/gosvc ./cmd/gosvc\nFROM gcr.io/distroless/static-debian12\nCOPY --from=builder /out/gosvc /app/gosvc\nENTRYPOINT [\"/app/gosvc\"]\n"),
        // Built outside `docker build`: not in the context, but the COPY needs it.
        ("prebuilt", "FROM scratch\nCOPY server /server\nENTRYPOINT [\"/server\"]\n"),
        ("external", "FROM alpine:3.20\nCOPY --from=registry.example.com/tools/x:1 /bin/tool /usr/local/bin/tool\n"),
        // A wildcard may match nothing; a source that may be a directory lands as its contents.
        ("wildcard", "FROM golang:1.22 AS builder\nRUN make\nFROM alpine:3.20\nCOPY --from=builder /out/* /usr/local/bin/\n"),
        ("dirdest", "FROM alpine:3.20\nCOPY --from=registry.example.com/tools/x:1 /opt/thing /opt/\n"),
        ("goinstall", "FROM golang:1.22 AS b\nRUN go install github.com/grpc-ecosystem/grpc-health-probe@v0.4.25\nFROM alpine:3.20\nCOPY --from=b /go/bin/grpc-health-probe /bin/grpc_health_probe\n"),
        ("cc", "FROM debian:bookworm\nCOPY hello.c /src/hello.c\nRUN apt-get update && apt-get install -y gcc && gcc -O2 -o /usr/local/bin/hello /src/hello.c\n"),
        ("inherited", "FROM registry.example.com/base:1\nCMD [\"/usr/bin/dumb-init\", \"/run.sh\"]\n"),
    ];
    for (dir, text) in files {
        write(tmp.path(), &format!("{dir}/Dockerfile"), text);
    }
    write(tmp.path(), "cc/hello.c", "int main(void) { return 0; }\n");
    let run = kexit(tmp.path(), &["inspect", "--format", "json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let by = |name: &str| {
        v["containers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["container"] == name && c["process"] == "container")
            .unwrap_or_else(|| panic!("{name} not inspected"))
            .clone()
    };
    let verdict = |name: &str| by(name)["argv0"]["verdict"].as_str().unwrap().to_string();
    let reason = |name: &str| by(name)["argv0"]["reason"].as_str().unwrap().to_string();
    for present in ["gosvc", "prebuilt", "external", "goinstall", "cc"] {
        assert_eq!(
            verdict(present),
            "present",
            "{present}: {}",
            reason(present)
        );
    }
    assert!(reason("gosvc").contains("the build fails if the source is missing"));
    assert!(reason("gosvc").contains("Dockerfile:6"));
    assert_eq!(by("goinstall")["argv0"]["path"], "/bin/grpc_health_probe");
    assert!(reason("cc").contains("created by"), "{}", reason("cc"));
    for unknown in ["wildcard", "dirdest", "inherited"] {
        assert_eq!(
            verdict(unknown),
            "unknown",
            "{unknown}: {}",
            reason(unknown)
        );
    }
    assert!(reason("inherited").contains("may set an ENTRYPOINT"));
    assert!(reason("inherited").contains("/usr/bin/dumb-init"));
}

/// An unknown argv[0] names the Dockerfile step that made it unknown (issue 11).
#[test]
fn inspect_names_the_step_behind_unknown() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "Dockerfile",
        "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN curl -fsSL https://example.com/install.sh | sh\nCMD [\"acme-agent\"]\n",
    );
    let run = kexit(tmp.path(), &["inspect", "--format", "json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let a0 = &v["containers"][0]["argv0"];
    assert_eq!(a0["verdict"], "unknown", "{a0}");
    let reason = a0["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("unknown because of ./Dockerfile:3 (`RUN curl -fsSL"),
        "{reason}"
    );
}
