//! Snapshots of the default human output (colour off): header, location, snippet with the
//! primary label, secondary labels (also in another file), exit/runtime/help notes, summary.

mod common;

use common::kexit;
use kexit::discover::Kind;
use kexit::finding::Finding;
use kexit::output::{human, Summary};
use kexit::project::{Input, Project};
use kexit::source::Span;
use std::path::Path;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn human_output_of_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: python:3.12-slim\n      command: [\"python app.py\"]\n      env:\n        - name: A\n          value: x\n      env: []\n",
    );
    let run = kexit(tmp.path(), &["lint", "--select", "KX101,KX003", "pod.yaml"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("human_run", run.stdout);
    let run = kexit(
        tmp.path(),
        &[
            "lint", "--select", "KX101", "--quiet", "--color", "never", "pod.yaml",
        ],
    );
    assert!(!run.stdout.contains("documents"));
    // --color always forces ANSI even into a pipe; NO_COLOR wins in auto mode.
    let run = kexit(
        tmp.path(),
        &["lint", "--select", "KX101", "--color", "always", "pod.yaml"],
    );
    assert!(run.stdout.contains("\u{1b}["));
    let run = kexit(tmp.path(), &["lint", "--select", "KX101", "pod.yaml"]);
    assert!(!run.stdout.contains("\u{1b}["));
}

#[test]
fn human_output_with_a_label_in_another_file() {
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.0\n          args: [\"--port=8080\"]\n";
    let dockerfile =
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"/app/entrypoint.sh\"]\n";
    let project = Project::load(
        vec![
            Input::Text {
                name: "k8s/api.yaml".into(),
                kind: Kind::Manifest,
                text: manifest.into(),
            },
            Input::Text {
                name: "services/api/Dockerfile".into(),
                kind: Kind::Dockerfile,
                text: dockerfile.into(),
            },
        ],
        Default::default(),
    );
    let m = project
        .files
        .iter()
        .position(|f| f.path == "k8s/api.yaml")
        .unwrap();
    let d = project
        .files
        .iter()
        .position(|f| f.path == "services/api/Dockerfile")
        .unwrap();
    let img = manifest.find("registry").unwrap();
    let ep = dockerfile.find("\"/app/entrypoint.sh\"").unwrap();
    let cp = dockerfile.find("COPY . .").unwrap();
    let rule = kexit::rules::by_code("KX110").unwrap();
    let f = Finding::new(
        rule,
        Span::new(m, img..img + "registry.example.com/api:1.0".len()),
        "container `api` runs /app/entrypoint.sh, which is not executable in the image",
    )
    .label(Span::new(d, ep..ep + 20), "ENTRYPOINT set here")
    .label(Span::new(d, cp..cp + 8), "copied without +x")
    .symptom("exec: \"/app/entrypoint.sh\": permission denied")
    .help("`chmod +x entrypoint.sh` in the repository, or `COPY --chmod=755`")
    .exit_code(Some(128));
    let findings = vec![f];
    let summary = Summary::new(2, 1, &findings);
    let out = human::render(
        &project,
        &findings,
        None,
        summary,
        &human::Options::default(),
    );
    insta::assert_snapshot!("human_cross_file", out);
}
