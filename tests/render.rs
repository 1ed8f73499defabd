//! Helm charts and `--render`.
//!
//! No registry reachable here (crates.io, PyPI, Debian) ships a real `helm` binary, so the
//! helm tests put a stand-in `helm` on PATH that prints a `helm template` output recorded by hand
//! for the small chart in tests/data/helm/web (tests/data/helm/web.rendered.txt). The kustomize
//! tests use the real `kubectl kustomize` (or `kustomize`) when one is on PATH, and skip with a
//! message otherwise.

mod common;

use common::{kexit, root};
use std::path::{Path, PathBuf};

fn data(dir: &str) -> PathBuf {
    root().join("tests/data").join(dir)
}

fn concise(dir: &Path, args: &[&str], path: Option<&str>) -> (i32, String, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kexit"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    if let Some(p) = path {
        cmd.env("PATH", p);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A directory holding a stand-in `helm` that runs `script` (sh).
#[cfg(unix)]
fn fake_helm(script: &str) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("helm");
    std::fs::write(&p, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn chart_templates_are_never_parsed_as_yaml() {
    let run = kexit(&data("helm"), &["lint", "-f", "concise", "."]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("KX001"), "{}", run.stdout);
    let infos: Vec<&str> = run.stdout.lines().filter(|l| l.contains("KX010")).collect();
    assert_eq!(infos.len(), 1, "{}", run.stdout);
    assert!(
        infos[0].starts_with("./web/Chart.yaml:2:1: KX010 info: Helm chart `web` not rendered"),
        "{}",
        infos[0]
    );
}

#[cfg(unix)]
#[test]
fn rendered_chart_findings_point_at_the_template_line() {
    let recorded = data("helm/web.rendered.txt");
    let bin = fake_helm(&format!("cat '{}'", recorded.display()));
    let (code, out, err) = concise(
        &data("helm"),
        &["lint", "-f", "concise", "--render", "web"],
        Some(&path_with(bin.path())),
    );
    assert_eq!(code, 1, "{out}{err}");
    // `command: [{{ .Values.command | quote }}]` is line 19 of the template.
    assert!(
        out.starts_with("web/templates/deployment.yaml:19:11: KX101 error:"),
        "{out}"
    );
    assert!(!out.contains("KX010"), "{out}");
}

#[cfg(unix)]
#[test]
fn render_is_bounded_and_refuses_remote_values() {
    // A renderer that hangs is stopped after --render-timeout and the chart reported.
    let bin = fake_helm("sleep 30");
    let started = std::time::Instant::now();
    let (code, out, _) = concise(
        &data("helm"),
        &[
            "lint",
            "-f",
            "concise",
            "--render",
            "--render-timeout",
            "1",
            "web",
        ],
        Some(&path_with(bin.path())),
    );
    // The 1 s render timeout fired (a hang detector, not a speed test).
    assert!(started.elapsed().as_secs() < 120);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("did not finish within 1 s"), "{out}");
    // Output over the cap is refused.
    let bin = fake_helm("yes 'kind: X'");
    let (_, out, _) = concise(
        &data("helm"),
        &[
            "lint",
            "-f",
            "concise",
            "--render",
            "--max-file-size",
            "1000",
            "web",
        ],
        Some(&path_with(bin.path())),
    );
    assert!(out.contains("printed more than 1000 bytes"), "{out}");
    // A remote values file is refused unless allowed.
    let bin = fake_helm("echo should-not-run >&2; exit 1");
    let (_, out, _) = concise(
        &data("helm"),
        &[
            "lint",
            "-f",
            "concise",
            "--render",
            "--values",
            "https://example.com/values.yaml",
            "web",
        ],
        Some(&path_with(bin.path())),
    );
    assert!(out.contains("--render-allow-remote"), "{out}");
}

fn has_kustomize() -> bool {
    ["kubectl", "kustomize"].iter().any(|t| {
        std::process::Command::new(t)
            .arg("version")
            .arg("--client")
            .output()
            .is_ok()
    })
}

#[test]
fn rendered_kustomize_findings_map_to_source_file_and_line() {
    if !has_kustomize() {
        eprintln!("kustomize render test skipped: neither kubectl nor kustomize is on PATH");
        return;
    }
    let (code, out, err) = concise(
        &data("kustomize"),
        &["lint", "-f", "concise", "--render", "overlay"],
        None,
    );
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    // Unchanged by the overlay: the exact token in the base file.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("base/deploy.yaml:15:21: KX101 error:")),
        "{out}"
    );
    // Changed by a patch: the origin file, without a (wrong) line.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("base/deploy.yaml: KX203 error:")),
        "{out}"
    );
}

#[test]
fn remote_kustomize_bases_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("kustomization.yaml"),
        "resources:\n  - https://github.com/example/repo//deploy?ref=v1\n",
    )
    .unwrap();
    let run = kexit(tmp.path(), &["lint", "--render", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--render-allow-remote"),
        "{}",
        run.stderr
    );
}
