//! The front ends never panic: arbitrary bytes, arbitrary strings and generated YAML-ish and
//! Dockerfile-ish text go through `yaml::parse`, `docker::parse` and the whole pipeline
//! (`lint::lint_inputs`). The YAML tree's invariants are checked on every input: spans inside the
//! text and on character boundaries, depth within the cap.
//!
//! Case counts are modest so the file runs in a few seconds; raise `PROPTEST_CASES` to search
//! longer.

use kexit::discover::Kind;
use kexit::project::Input;
use kexit::yaml::{self, Node, Value, MAX_DEPTH};
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Height of a tree (a scalar is 1), checking spans on the way. Recursion is bounded by the
/// depth cap that this very check asserts.
fn check_node(text: &str, n: &Node, depth: usize) -> usize {
    assert!(depth <= MAX_DEPTH + 1, "tree deeper than the cap");
    assert!(
        n.span().start <= n.span().end && n.span().end <= text.len(),
        "span {:?} outside a text of {} bytes",
        n.span(),
        text.len()
    );
    assert!(
        text.is_char_boundary(n.span().start) && text.is_char_boundary(n.span().end),
        "span {:?} not on char boundaries",
        n.span()
    );
    match &n.value {
        Value::Seq(items) => items
            .iter()
            .map(|c| check_node(text, c, depth + 1) + 1)
            .max()
            .unwrap_or(1),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| check_node(text, k, depth + 1).max(check_node(text, v, depth + 1)) + 1)
            .max()
            .unwrap_or(1),
        _ => 1,
    }
}

fn check_yaml(text: &str) {
    let f = yaml::parse(text);
    for d in &f.docs {
        assert!(d.start <= text.len());
        check_node(text, &d.root, 1);
        let _ = d.root.to_json();
    }
    for e in &f.errors {
        assert!(
            e.span.start <= e.span.end && e.span.end <= text.len(),
            "{e:?}"
        );
        assert!(text.is_char_boundary(e.span.start), "{e:?}");
    }
}

fn lint_text(kind: Kind, name: &str, text: String) {
    let out = kexit::lint::lint_inputs(vec![Input::Text {
        name: name.to_string(),
        kind,
        text,
    }]);
    for f in &out.findings {
        let src = &out.project.files[f.span.file];
        assert!(f.span.end <= src.text.len().max(f.span.start), "{f:?}");
        let _ = src.line_col(f.span.start);
    }
}

/// Pieces that YAML's tricky corners are made of.
const YAML_TOKENS: &[&str] = &[
    "apiVersion: v1",
    "apiVersion: apps/v1",
    "kind: Pod",
    "kind: Deployment",
    "kind: ConfigMap",
    "kind: Secret",
    "kind: List",
    "kind: CronJob",
    "metadata:",
    "name: x",
    "spec:",
    "template:",
    "containers:",
    "initContainers:",
    "- name: app",
    "image: busybox",
    "command:",
    "args:",
    "env:",
    "value:",
    "data:",
    "items:",
    "replicas:",
    "ports:",
    "containerPort:",
    "resources:",
    "limits:",
    "memory:",
    "- ",
    "-",
    "? ",
    ": ",
    ":",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\"",
    "'",
    "\\",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: *a",
    "!!str ",
    "!!int ",
    "!!binary ",
    "!custom ",
    "! ",
    "|",
    "|-",
    ">",
    ">+2",
    "---",
    "...",
    "# c",
    "%YAML 1.1",
    "%TAG ! tag:x,2000:",
    "\t",
    "  ",
    "    ",
    "yes",
    "no",
    "on",
    "0755",
    "0x1F",
    "1_000",
    "1e3",
    ".inf",
    "~",
    "null",
    "512Mi",
    "${VAR}",
    "{{ .Values.x }}",
    "$(FOO)",
    "é",
    "日本",
    "🚀",
    "\u{feff}",
    "\r",
];

const DOCKER_TOKENS: &[&str] = &[
    "FROM alpine:3.20",
    "FROM scratch AS build",
    "FROM --platform=$BUILDPLATFORM x",
    "RUN ",
    "CMD ",
    "ENTRYPOINT ",
    "COPY ",
    "ADD ",
    "ENV ",
    "ARG ",
    "WORKDIR ",
    "USER ",
    "SHELL ",
    "HEALTHCHECK ",
    "STOPSIGNAL ",
    "EXPOSE ",
    "LABEL ",
    "ONBUILD ",
    "VOLUME ",
    "[\"sh\", \"-c\"]",
    "['x']",
    "[\"node\", 1]",
    "<<EOF",
    "EOF",
    "\\",
    "# syntax=docker/dockerfile:1",
    "# escape=`",
    "`",
    "$V",
    "${V:-d}",
    "${V:+x}",
    "--from=build",
    "--chmod=755",
    "/app",
    "app.py",
    "\"",
    "'",
    "=",
    " ",
    "\t",
    "é",
    "\r",
];

fn tokens_text(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(tokens),
            prop::sample::select(&[" ", "", "\n", "\n  ", "\n    ", "\n- ", "\r\n"][..]),
        ),
        0..60,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(a, b)| [a, b])
            .collect::<String>()
    })
}

/// A valid-ish manifest with one field mutated at random, to reach the model and the rules.
fn mutated_manifest() -> impl Strategy<Value = String> {
    let base = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      volumes:\n        - name: cfg\n          configMap: {name: cfg, defaultMode: 0644}\n      containers:\n        - name: app\n          image: python:3.12-slim\n          command: [python, app.py]\n          args: [--port, \"8080\"]\n          env:\n            - {name: A, value: \"1\"}\n          ports: [{containerPort: 8080}]\n          resources: {limits: {memory: 512Mi}, requests: {memory: 256Mi, cpu: 100m}}\n          livenessProbe: {httpGet: {path: /, port: 8080}}\n          volumeMounts: [{name: cfg, mountPath: /cfg}]\n";
    (0..base.len(), prop::sample::select(YAML_TOKENS), 0..3usize).prop_map(
        move |(at, tok, mode)| {
            let mut at = at.min(base.len());
            while !base.is_char_boundary(at) {
                at -= 1;
            }
            match mode {
                0 => format!("{}{}{}", &base[..at], tok, &base[at..]),
                1 => {
                    let end = (at + tok.len()).min(base.len());
                    let mut end = end;
                    while !base.is_char_boundary(end) {
                        end -= 1;
                    }
                    format!("{}{}{}", &base[..at], tok, &base[end..])
                }
                _ => base[..at].to_string(),
            }
        },
    )
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn yaml_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_yaml(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn yaml_never_panics_on_arbitrary_strings(text in any::<String>()) {
        check_yaml(&text);
    }

    #[test]
    fn yaml_never_panics_on_yamlish_text(text in tokens_text(YAML_TOKENS)) {
        check_yaml(&text);
    }

    #[test]
    fn docker_never_panics(text in tokens_text(DOCKER_TOKENS)) {
        let _ = kexit::docker::parse(0, &text);
    }

    #[test]
    fn docker_never_panics_on_arbitrary_strings(text in any::<String>()) {
        let _ = kexit::docker::parse(0, &text);
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn lint_never_panics_on_yamlish_manifests(text in tokens_text(YAML_TOKENS)) {
        check_yaml(&text);
        lint_text(Kind::Manifest, "gen.yaml", text);
    }

    #[test]
    fn lint_never_panics_on_mutated_manifests(text in mutated_manifest()) {
        check_yaml(&text);
        lint_text(Kind::Manifest, "deploy.yaml", text);
    }

    #[test]
    fn lint_never_panics_on_dockerfiles(text in tokens_text(DOCKER_TOKENS)) {
        lint_text(Kind::Dockerfile, "Dockerfile", text);
    }

    #[test]
    fn lint_never_panics_on_manifest_and_dockerfile_together(
        manifest in mutated_manifest(),
        dockerfile in tokens_text(DOCKER_TOKENS),
    ) {
        let out = kexit::lint::lint_inputs(vec![
            Input::Text { name: "k8s/deploy.yaml".into(), kind: Kind::Manifest, text: manifest },
            Input::Text { name: "Dockerfile".into(), kind: Kind::Dockerfile, text: dockerfile },
        ]);
        let _ = out.findings.len();
    }

    #[test]
    fn lint_never_panics_on_json_inputs(text in any::<String>()) {
        lint_text(Kind::Json, "x.json", text);
    }
}

#[test]
fn pathological_yaml_is_bounded() {
    let mut laughs = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x]\n");
    for i in 1..12 {
        let p = i - 1;
        laughs.push_str(&format!(
            "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    let mut alias_depth = String::from("a0: &a0 x\n");
    for i in 1..60 {
        alias_depth.push_str(&format!(
            "a{i}: &a{i} {}*a{}{}\n",
            "[".repeat(60),
            i - 1,
            "]".repeat(60)
        ));
    }
    let cases = [
        laughs,
        alias_depth,
        "- ".repeat(100_000) + "x\n",
        "[".repeat(100_000) + &"]".repeat(100_000),
        "{a: ".repeat(100_000) + &"}".repeat(100_000),
        "? ".repeat(50_000) + "x\n",
        "a: &a [*a]\n".to_string(),
        (0..5_000).map(|i| format!("k{i}: &x{i} v\n")).collect(),
        (0..5_000).map(|_| "k: dup\n").collect(),
    ];
    for text in cases {
        let t = std::time::Instant::now();
        check_yaml(&text);
        lint_text(Kind::Manifest, "hostile.yaml", text.clone());
        assert!(
            // A hang detector, not a speed test (speed lives in benches/).
            t.elapsed() < std::time::Duration::from_secs(120),
            "{:?} for {:?}…",
            t.elapsed(),
            &text[..text.len().min(30)]
        );
    }
}
