//! The workflows a new user goes through, from the command line: configuration, every
//! suppression form, output formats, several reports in one run, context loading for changed
//! files, helm-rendered stdin, completions and the man page.

mod common;

use common::{kexit, parse_json, Run};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const BAD_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: python:3.12-slim
      command: [\"python app.py\"]
";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

fn kexit_stdin(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kexit"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Findings of the given rules only (other rules evolve independently).
fn codes(run: &Run, keep: &[&str]) -> Vec<(String, u64, String)> {
    parse_json(&run.stdout)
        .into_iter()
        .filter(|f| keep.contains(&f.rule.as_str()))
        .map(|f| (f.file, f.line, f.rule))
        .collect()
}

#[test]
fn config_file_is_found_above_and_overrides_severity_and_fail_level() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "k8s/pod.yaml", BAD_POD);
    write(
        tmp.path(),
        ".kexit.yaml",
        "fail-level: none\nrules:\n  KX101: warning\n",
    );
    let run = kexit(
        &tmp.path().join("k8s"),
        &["lint", "-f", "json", "--select", "KX101", "."],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let f = parse_json(&run.stdout);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, "warning");
    // --fail-level on the command line wins over the file.
    let run = kexit(
        &tmp.path().join("k8s"),
        &[
            "lint",
            "-f",
            "json",
            "--fail-level",
            "warning",
            "--select",
            "KX101",
            ".",
        ],
    );
    assert_eq!(run.code, 1);
    // --no-config ignores it.
    let run = kexit(
        &tmp.path().join("k8s"),
        &[
            "lint",
            "-f",
            "json",
            "--no-config",
            "--select",
            "KX101",
            ".",
        ],
    );
    assert_eq!(run.code, 1);
    assert_eq!(parse_json(&run.stdout)[0].severity, "error");
}

#[test]
fn config_errors_are_located_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "pod.yaml", BAD_POD);
    for (cfg, expect) in [
        ("rulez: {}\n", ".kexit.yaml:1:1: unknown setting `rulez`"),
        (
            "rules:\n  KX1O1: off\n",
            ".kexit.yaml:2:3: unknown rule `KX1O1`",
        ),
        (
            "rules:\n  KX101: loud\n",
            ".kexit.yaml:2:10: rule setting must be",
        ),
        (
            "fail-level: high\n",
            ".kexit.yaml:1:13: `fail-level` must be",
        ),
        (
            "node-memory: lots\n",
            ".kexit.yaml:1:14: expected a byte quantity",
        ),
        (
            "images:\n  - image: a/b:1\n    dockerfile: D\n",
            ".kexit.yaml:2:12: `image` is a repository",
        ),
        (
            "qos:\n  - class: Gold\n",
            ".kexit.yaml:2:12: `class` must be",
        ),
        (
            "liveness:\n  treshold: 30\n",
            ".kexit.yaml:2:3: unknown key `treshold`",
        ),
        (
            "ignore:\n  - rules: [KX101]\n",
            ".kexit.yaml:2:5: missing required key `reason`",
        ),
        ("strict: [\n", ".kexit.yaml:"),
    ] {
        write(tmp.path(), ".kexit.yaml", cfg);
        let run = kexit(tmp.path(), &["lint", "."]);
        assert_eq!(run.code, 2, "{cfg}: {}", run.stderr);
        assert!(run.stderr.starts_with(expect), "{cfg}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    // --config names the file explicitly.
    write(tmp.path(), "other.yaml", "strict: maybe\n");
    let run = kexit(tmp.path(), &["lint", "--config", "other.yaml", "pod.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("other.yaml:1:9: expected true or false"),
        "{}",
        run.stderr
    );
}

#[test]
fn full_config_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "pod.yaml", BAD_POD);
    write(
        tmp.path(),
        ".kexit.yaml",
        "# every setting\nfail-level: warning\nstrict: false\ndefault-namespace: apps\nmax-file-size: 5Mi
rules:\n  KX202: off\n  command-with-spaces: error\ndisable: [KX215]\nignore-paths: [vendor/**]
ignore:\n  - rules: [KX206]\n    paths: [legacy/**]\n    reason: legacy charts are being replaced
images:\n  - image: registry.example.com/shop/api\n    dockerfile: services/api/Dockerfile\n    context: services/api\n    target: runtime
qos:\n  - namespace: prod\n    kind: Deployment\n    class: Guaranteed
liveness:\n  threshold: 45s\n  jvm-threshold: 2m\nnode-memory: 32Gi
external-objects:\n  - kind: ConfigMap\n    namespace: kube-system\n    name: coredns\n    keys: [Corefile]
doc-url: https://example.com/kexit/rules/\n",
    );
    let run = kexit(tmp.path(), &["lint", "-f", "json", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let cfg = kexit::config::Config::load(&tmp.path().join(".kexit.yaml")).unwrap();
    assert_eq!(cfg.liveness_threshold_seconds, 45);
    assert_eq!(cfg.liveness_threshold_jvm_seconds, 120);
    assert_eq!(cfg.node_memory_bytes, 32 << 30);
    assert_eq!(cfg.max_file_size, 5 << 20);
    assert_eq!(cfg.default_namespace, "apps");
    assert!(cfg.disabled.contains(&"KX202".to_string()));
    assert!(cfg.disabled.contains(&"KX215".to_string()));
    assert_eq!(cfg.image_links[0].target.as_deref(), Some("runtime"));
    assert_eq!(cfg.qos_intent[0].class, "Guaranteed");
    assert_eq!(cfg.external_objects[0].keys, ["Corefile"]);
    assert_eq!(cfg.base_dir, tmp.path());
}

#[test]
fn ignore_paths_are_context_only() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "vendor/pod.yaml", BAD_POD);
    write(tmp.path(), "app/pod.yaml", BAD_POD);
    write(tmp.path(), ".kexit.yaml", "ignore-paths: [vendor]\n");
    let run = kexit(
        tmp.path(),
        &["lint", "-f", "json", "--select", "KX101", "."],
    );
    assert_eq!(
        codes(&run, &["KX101"]),
        [("app/pod.yaml".into(), 9, "KX101".into())]
    );
}

/// The first configured `ignore` entry that matches a finding gives its reason, whichever way
/// each entry matches (by rule only, by path, by object or container, or by nothing but paths).
#[test]
fn first_matching_config_ignore_entry_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let pod = |name: &str| BAD_POD.replace("name: web", &format!("name: {name}"));
    write(tmp.path(), "a/one.yaml", &pod("one"));
    write(tmp.path(), "a/b/two.yaml", &pod("two"));
    write(tmp.path(), "c/three.yaml", &pod("three"));
    write(tmp.path(), "four.yaml", &pod("four"));
    write(
        tmp.path(),
        ".kexit.yaml",
        "ignore:
  - {rules: [KX204], reason: other rule}
  - {paths: [a/b], objects: [Pod/*/two], reason: path and object}
  - {objects: [pod/four], containers: [app], reason: object and container}
  - {rules: [KX101], paths: ['**/one.yaml', a], reason: rule and path}
  - {paths: ['c/*.yaml'], reason: path only}
  - {rules: [KX202, KX101], reason: rule only}
  - {objects: ['*/*'], reason: every object}
",
    );
    let run = kexit(
        tmp.path(),
        &[
            "lint",
            "-f",
            "json",
            "--select",
            "KX101",
            "--show-suppressed",
            ".",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut got: Vec<(String, String)> = v["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let want = [
        ("a/b/two.yaml", "path and object"),
        ("a/one.yaml", "rule and path"),
        ("c/three.yaml", "path only"),
        ("four.yaml", "object and container"),
    ];
    assert_eq!(
        got,
        want.map(|(f, r)| (f.to_string(), r.to_string())).to_vec()
    );
}

const SUPPRESSED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    kexit.io/ignore.b: \"KX101 -- b is replaced next sprint\"
    kexit.io/ignore.ghost: KX101
spec:
  containers:
    - name: app
      image: python:3.12-slim
      command: [\"python app.py\"] # kexit:ignore KX101 -- fixed in the image
    - name: b
      image: python:3.12-slim
      command: [\"python b.py\"]
    # kexit:ignore KX101 -- the whole container
    - name: c
      image: python:3.12-slim
      command: [\"python c.py\"]
    - name: d
      image: python:3.12-slim
      # kexit:ignore KX101,KX999
      command: [\"python d.py\"]
    - name: e
      image: python:3.12-slim
      command: [\"python e.py\"]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      annotations:
        kexit.io/ignore: KX101
    spec:
      containers:
        - name: api
          image: python:3.12-slim
          command: [\"python api.py\"]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ok
  annotations:
    kexit.io/ignore: KX101 -- nothing to silence
spec:
  template:
    spec:
      containers:
        - name: ok
          image: python:3.12-slim
          command: [\"python\", \"ok.py\"]
";

#[test]
fn every_suppression_form_and_unused_ones() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "pod.yaml", SUPPRESSED);
    let run = kexit(
        tmp.path(),
        &[
            "lint",
            "-f",
            "json",
            "--select",
            "KX101,KX008",
            "--show-suppressed",
            ".",
        ],
    );
    let found = codes(&run, &["KX101", "KX008"]);
    assert_eq!(
        found,
        [
            ("pod.yaml".into(), 7, "KX008".into()),  // ghost container
            ("pod.yaml".into(), 22, "KX008".into()), // KX999 is no rule
            ("pod.yaml".into(), 26, "KX101".into()), // e: not suppressed
            ("pod.yaml".into(), 48, "KX008".into()), // silences nothing
        ],
        "{}",
        run.stdout
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let sup = v["suppressed"].as_array().unwrap();
    let lines: Vec<u64> = sup.iter().map(|s| s["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [12, 15, 19, 23, 41]);
    assert_eq!(sup[0]["reason"], "fixed in the image");
    assert_eq!(sup[0]["suppressed_by"], "./pod.yaml:12");
    assert_eq!(sup[1]["reason"], "b is replaced next sprint");
    assert_eq!(sup[3]["reason"], "(no reason given)");
    // Without --show-suppressed the JSON shape is unchanged.
    let run = kexit(
        tmp.path(),
        &["lint", "-f", "json", "--select", "KX101", "."],
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(v.get("suppressed").is_none());
    // Human output lists them with their reasons.
    let run = kexit(
        tmp.path(),
        &["lint", "--select", "KX101", "--show-suppressed", "."],
    );
    assert!(run.stdout.contains("suppressed (5):"), "{}", run.stdout);
    assert!(run
        .stdout
        .contains("silenced by ./pod.yaml:12: fixed in the image"));
    assert!(run.stdout.contains("(5 suppressed)"));
}

#[test]
fn strict_makes_inline_suppressions_inert() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "pod.yaml", SUPPRESSED);
    let run = kexit(
        tmp.path(),
        &[
            "lint",
            "-f",
            "json",
            "--select",
            "KX101,KX008",
            "--strict",
            ".",
        ],
    );
    let found = codes(&run, &["KX101", "KX008"]);
    assert_eq!(found.len(), 6, "{}", run.stdout);
    assert!(found.iter().all(|f| f.2 == "KX101"));
    write(tmp.path(), ".kexit.yaml", "strict: true\nignore:\n  - objects: [Pod/web]\n    rules: [KX101]\n    containers: [app, b, c, d, e]\n    reason: config ignores stay active\n");
    let run = kexit(
        tmp.path(),
        &["lint", "-f", "json", "--select", "KX101,KX008", "."],
    );
    assert_eq!(
        codes(&run, &["KX101", "KX008"]),
        [("pod.yaml".into(), 41, "KX101".into())],
        "{}",
        run.stdout
    );
}

#[test]
fn dockerfile_and_hadolint_comments() {
    let tmp = tempfile::tempdir().unwrap();
    // The directives are checked through KX008: a kexit directive that silences nothing is
    // reported; hadolint's never are (they also serve hadolint).
    write(
        tmp.path(),
        "Dockerfile",
        "FROM alpine:3.20\n# kexit ignore=KX119 -- two CMDs on purpose\nCMD [\"a\"]\n# hadolint ignore=DL4003,DL3008\nCMD [\"b\"]\n# kexit ignore=KX777\nRUN true\n",
    );
    let run = kexit(
        tmp.path(),
        &["lint", "-f", "json", "--show-suppressed", "."],
    );
    let f: Vec<_> = parse_json(&run.stdout)
        .into_iter()
        .filter(|f| f.rule == "KX008" || f.rule == "KX119")
        .collect();
    let got: Vec<(u64, u64, &str)> = f
        .iter()
        .map(|f| (f.line, f.column, f.rule.as_str()))
        .collect();
    assert_eq!(got, [(6, 16, "KX008")], "{}", run.stdout);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let sup: Vec<(u64, &str)> = v["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["rule"] == "KX119")
        .map(|s| (s["line"].as_u64().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(sup, [(3, "two CMDs on purpose")], "{}", run.stdout);
}

#[test]
fn several_reports_in_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "pod.yaml", BAD_POD);
    let run = kexit(
        tmp.path(),
        &[
            "lint",
            "--select",
            "KX101",
            "-f",
            "sarif",
            "-o",
            "out.sarif",
            "-f",
            "json",
            "-o",
            "out.json",
            "-f",
            "concise",
            "--statistics",
            ".",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("./pod.yaml:9:17: KX101 error:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("     1  KX101  error    128  command-with-spaces"),
        "{}",
        run.stdout
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("out.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let json = std::fs::read_to_string(tmp.path().join("out.json")).unwrap();
    assert_eq!(parse_json(&json).len(), 1);
    // More outputs than formats is a usage error.
    let run = kexit(tmp.path(), &["lint", "-o", "a", "-o", "b", "."]);
    assert_eq!(run.code, 2);
    // Two reports to one file (the second replaced the first) is one too.
    let run = kexit(
        tmp.path(),
        &[
            "lint",
            "-f",
            "json",
            "-o",
            "same.out",
            "-f",
            "sarif",
            "-o",
            "./same.out",
            ".",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--output ./same.out is given twice"),
        "{}",
        run.stderr
    );
    assert!(!tmp.path().join("same.out").exists());
}

#[test]
fn github_workflow_commands() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "pod.yaml", BAD_POD);
    let run = kexit(
        tmp.path(),
        &["lint", "--select", "KX101", "-f", "github", "pod.yaml"],
    );
    assert!(
        run.stdout.starts_with(
            "::error file=pod.yaml,line=9,col=17,endLine=9,endColumn=32,title=KX101 command-with-spaces::`command[0]`"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().count(), 1);
    assert!(run.stdout.contains("%0AFix: Split it"));
}

#[test]
fn changed_files_are_linted_with_the_repository_as_context() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    write(tmp.path(), "a/pod.yaml", BAD_POD);
    write(tmp.path(), "b/pod.yaml", BAD_POD);
    // Only a/pod.yaml is reported, although b/ is loaded.
    let run = kexit(
        tmp.path(),
        &["lint", "-f", "json", "--select", "KX101", "a/pod.yaml"],
    );
    assert_eq!(
        codes(&run, &["KX101"]),
        [("a/pod.yaml".into(), 9, "KX101".into())]
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 1);
    // A ConfigMap elsewhere in the repository is visible: nothing is reported about it, and
    // with --no-context the same command sees only the file given.
    let run = kexit(
        tmp.path(),
        &[
            "lint",
            "-f",
            "json",
            "--select",
            "KX101",
            "--no-context",
            "a/pod.yaml",
        ],
    );
    assert_eq!(codes(&run, &["KX101"]).len(), 1);
    let run = kexit(
        tmp.path(),
        &[
            "lint",
            "-f",
            "json",
            "--select",
            "KX101",
            "--context",
            "b",
            "a/pod.yaml",
        ],
    );
    assert_eq!(codes(&run, &["KX101"]).len(), 1);
}

#[test]
fn helm_template_output_maps_to_template_files() {
    let tmp = tempfile::tempdir().unwrap();
    let rendered = format!(
        "---\n# Source: shop/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\n# Source: shop/templates/pod.yaml\n{BAD_POD}"
    );
    let run = kexit_stdin(
        tmp.path(),
        &["lint", "-f", "json", "--select", "KX101", "-"],
        &rendered,
    );
    let f = parse_json(&run.stdout);
    assert_eq!(f.len(), 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(f[0].file, "shop/templates/pod.yaml");
    assert_eq!(f[0].line, 11);
    assert!(f[0]
        .message
        .ends_with("(rendered by helm; line refers to the rendered output)"));
    // Plain stdin keeps its name.
    let run = kexit_stdin(
        tmp.path(),
        &[
            "lint",
            "-f",
            "json",
            "--select",
            "KX101",
            "--stdin-filename",
            "x.yaml",
            "-",
        ],
        BAD_POD,
    );
    assert_eq!(parse_json(&run.stdout)[0].file, "x.yaml");
}

#[test]
fn render_without_a_tool_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "k/kustomization.yaml",
        "resources: [pod.yaml]\n",
    );
    write(tmp.path(), "k/pod.yaml", BAD_POD);
    let out = Command::new(env!("CARGO_BIN_EXE_kexit"))
        .args(["lint", "--render", "k"])
        .current_dir(tmp.path())
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--render needs `kubectl` or `kustomize`"),
        "{err}"
    );
}

#[test]
fn completions_man_version() {
    let tmp = tempfile::tempdir().unwrap();
    let run = kexit(tmp.path(), &["completions", "bash"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("_kexit()"));
    let run = kexit(tmp.path(), &["man"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains(".TH kexit"));
    let run = kexit(tmp.path(), &["--version"]);
    assert!(run.stdout.starts_with("kexit "));
    let run = kexit(tmp.path(), &["lint", "--format", "xml", "."]);
    assert_eq!(run.code, 2);
}

#[test]
fn closing_the_pipe_early_is_not_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..200 {
        write(tmp.path(), &format!("p{i}.yaml"), BAD_POD);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_kexit"))
        .args(["lint", "."])
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}
