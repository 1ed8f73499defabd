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

/// The demo repository at 80 and 120 columns (COLUMNS), and piped (no wrapping): headlines fit
/// one line, the detail is in `= note:`, notes wrap on word boundaries under their value.
#[test]
fn human_output_fits_the_terminal() {
    let demo = common::root().join("fixtures/demo");
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&demo, &tmp.path().join("demo"));
    let args = ["lint", "--no-config", "demo"];
    for cols in [80usize, 120] {
        let c = cols.to_string();
        let run = common::kexit_env(tmp.path(), &args, &[("COLUMNS", c.as_str())]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        for line in run.stdout.lines() {
            // Source lines in snippets are shown as they are; everything kexit writes fits.
            let is_source = line.contains(" │ ") || line.contains(" · ");
            assert!(
                is_source || line.chars().count() <= cols,
                "{cols} columns: {line:?}"
            );
            assert!(!line.contains("# expect"), "{line}");
        }
        for line in run.stdout.lines().filter(|l| l.contains("error[")) {
            assert!(line.chars().count() <= 116, "headline too long: {line}");
        }
        insta::assert_snapshot!(format!("human_demo_{cols}_columns"), run.stdout);
    }
    // Piped without COLUMNS: nothing is wrapped, one line per note.
    let piped = common::kexit(tmp.path(), &args);
    let notes = |s: &str| s.lines().filter(|l| l.starts_with("  = ")).count();
    let lines = |s: &str| s.lines().count();
    let narrow = common::kexit_env(tmp.path(), &args, &[("COLUMNS", "80")]);
    assert_eq!(notes(&piped.stdout), notes(&narrow.stdout));
    assert!(lines(&piped.stdout) < lines(&narrow.stdout));
}

/// More than ten findings end with the per-rule table (counts by rule and severity); --quiet
/// and --statistics do not repeat it; concise output is unchanged.
#[test]
fn many_findings_end_with_a_rule_table() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..6 {
        write(tmp.path(), &format!("d{i}.yaml"), common::BAD_DEPLOY);
    }
    let run = kexit(tmp.path(), &["lint", "."]);
    assert_eq!(run.code, 1);
    let tail: Vec<&str> = run.stdout.lines().rev().take(5).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    insta::assert_snapshot!("human_rule_table", tail.join("\n"));
    let quiet = kexit(tmp.path(), &["lint", "--quiet", "."]);
    assert!(!quiet.stdout.contains("findings by rule"));
    let stats = kexit(tmp.path(), &["lint", "--statistics", "."]);
    // Six headlines and one --statistics row.
    assert_eq!(stats.stdout.matches("KX101").count(), 6 + 1);
    assert!(!stats.stdout.contains("findings by rule"));
    let few = kexit(tmp.path(), &["lint", "d0.yaml"]);
    assert!(!few.stdout.contains("findings by rule"));
}

#[test]
fn headlines_split_at_the_first_clause() {
    use human::split_message;
    let (h, d) = split_message(
        "container `web` has no memory limit: it can grow until the node runs short; the pod is BestEffort",
        "no-memory-limit",
    );
    assert_eq!(h, "container `web` has no memory limit");
    assert_eq!(
        d.as_deref(),
        Some("it can grow until the node runs short; the pod is BestEffort")
    );
    // Separators inside backticks, quotes and parentheses do not count.
    let (h, _) = split_message(
        "preStop hook of container `app` (preStop.sleep.seconds: 30) runs 30 s: too long",
        "x",
    );
    assert_eq!(
        h,
        "preStop hook of container `app` (preStop.sleep.seconds: 30) runs 30 s"
    );
    // A location alone is preceded by the rule's name.
    let (h, _) = split_message(
        "`spec.containers[0].env[1].value`: quote it",
        "yaml11-scalar",
    );
    assert_eq!(h, "yaml11-scalar: `spec.containers[0].env[1].value`");
    // A long clause loses its asides; the note then holds the whole message.
    let long = "container `bff` runs `node`, which is not on the PATH of Dockerfile stage #1 (services/bff/Dockerfile, FROM gcr.io/distroless/nodejs22-debian12) (PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin): it fails";
    let (h, d) = split_message(long, "x");
    assert_eq!(
        h,
        "container `bff` runs `node`, which is not on the PATH of Dockerfile stage #1"
    );
    assert_eq!(d.as_deref(), Some(long));
    // Still too long: cut at a word boundary.
    let words = "word ".repeat(40);
    let (h, d) = split_message(words.trim(), "x");
    assert!(h.ends_with('…') && h.chars().count() <= 101, "{h}");
    assert_eq!(d.as_deref(), Some(words.trim()));
    // A short message stays whole.
    assert_eq!(
        split_message("invalid YAML", "x"),
        ("invalid YAML".to_string(), None)
    );
}

/// A finding far into a long line: miette drew the whole line for each finding (a 3.7 MB
/// one-line JSON List of 30,000 Pods took 34 s) and a column past 65,535 overflowed its
/// formatting widths (a panic, exit 101). Long lines are shown cropped around the finding, with
/// the real line and column.
#[test]
fn a_finding_far_into_a_long_line_is_shown_cropped() {
    let tmp = tempfile::tempdir().unwrap();
    let pods: Vec<String> = (0..1_000)
        .map(|i| {
            format!(
                "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"p{i}\"}},\"spec\":{{\"containers\":[{{\"name\":\"c\",\"image\":\"python:3.12-slim\",\"command\":[\"python app.py\"]}}]}}}}"
            )
        })
        .collect();
    let text = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{}]}}\n",
        pods.join(",")
    );
    assert!(text.len() > 100_000);
    write(tmp.path(), "list.json", &text);
    let run = kexit(tmp.path(), &["lint", "--select", "KX101", "list.json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The last Pod's command, at its real column.
    let last = text.rfind("\"python app.py\"").unwrap();
    let col = text[..last].chars().count() + 1;
    assert!(
        run.stdout
            .contains(&format!("list.json:1:{col} (Pod default/p999)")),
        "{}",
        &run.stdout[run.stdout.len().saturating_sub(2000)..]
    );
    assert!(run.stdout.contains(" │ …"));
    let longest = run.stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 400, "a snippet line of {longest} characters");
}
