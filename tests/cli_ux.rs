//! The edges a new user meets first: stdin as the only input, a path holding nothing to lint,
//! severity spellings, man pages.

mod common;

use assert_cmd::Command;
use common::BAD_DEPLOY;
use predicates::prelude::*;
use std::fs;

fn bin() -> Command {
    let mut c = Command::cargo_bin("kexit").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// A directory with a bad manifest of its own: a stdin run from there must not lint it.
fn dir_with_a_bad_file() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join(".git")).unwrap();
    fs::write(tmp.path().join("other.yaml"), BAD_DEPLOY).unwrap();
    tmp
}

const DOCKERFILE: &str =
    "FROM alpine:3.20\n# kexit ignore=KX101 -- nothing here\nCMD [\"echo\", \"c\"]\n";

#[test]
fn stdin_is_the_only_input() {
    let tmp = dir_with_a_bad_file();
    for args in [
        &[
            "lint",
            "-f",
            "concise",
            "--stdin-filename",
            "Dockerfile",
            "-",
        ][..],
        // `--stdin-filename` alone reads stdin too, as in ruff and eslint.
        &["lint", "-f", "concise", "--stdin-filename", "Dockerfile"][..],
    ] {
        let out = bin()
            .current_dir(tmp.path())
            .args(args)
            .write_stdin(DOCKERFILE)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stdout}");
        assert!(
            stdout.contains("Dockerfile:2:16: KX008 info"),
            "{args:?}: {stdout}"
        );
        assert!(!stdout.contains("other.yaml"), "{args:?}: {stdout}");
    }
    // With paths named too, they are linted alongside stdin.
    bin()
        .current_dir(tmp.path())
        .args([
            "lint",
            "-f",
            "concise",
            "--stdin-filename",
            "Dockerfile",
            "-",
            "other.yaml",
        ])
        .write_stdin(DOCKERFILE)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("other.yaml:15:21: KX101")
                .and(predicate::str::contains("Dockerfile:2:16: KX008")),
        );
}

#[test]
fn a_path_with_nothing_to_lint_warns_and_fails_under_strict() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("empty")).unwrap();
    fs::write(tmp.path().join("empty/README.md"), "nothing\n").unwrap();
    fs::create_dir_all(tmp.path().join("k8s")).unwrap();
    fs::write(
        tmp.path().join("k8s/ok.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    )
    .unwrap();
    bin()
        .current_dir(tmp.path())
        .args(["lint", "empty"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "no manifests or Dockerfiles found under empty",
        ));
    bin()
        .current_dir(tmp.path())
        .args(["lint", "--strict", "empty", "k8s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("under empty").and(predicate::str::contains("k8s").not()));
    bin()
        .current_dir(tmp.path())
        .args(["lint", "--strict", "k8s"])
        .assert()
        .code(0)
        .stderr(predicate::str::is_empty());
}

#[test]
fn warn_is_a_severity_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("app.yaml"), BAD_DEPLOY).unwrap();
    for level in ["warn", "warning"] {
        bin()
            .current_dir(tmp.path())
            .args(["lint", "--fail-level", level, "app.yaml"])
            .assert()
            .code(1);
    }
    fs::write(tmp.path().join(".kexit.yaml"), "fail-level: warn\n").unwrap();
    bin()
        .current_dir(tmp.path())
        .args(["lint", "app.yaml"])
        .assert()
        .code(1);
}

#[test]
fn man_pages_for_every_subcommand() {
    let top = bin().arg("man").output().unwrap();
    assert_eq!(top.status.code(), Some(0));
    let top = String::from_utf8_lossy(&top.stdout);
    assert!(top.contains("\n.TH kexit 1 "), "{top}");
    assert_eq!(top.matches(".ds Aq").count(), 2, "one preamble");
    assert!(top.contains("kexit\\-lint(1)"), "{top}");
    let lint = bin().args(["man", "lint"]).output().unwrap();
    let lint = String::from_utf8_lossy(&lint.stdout);
    assert!(lint.contains("\n.TH kexit-lint 1 "), "{lint}");
    for part in [
        "\\-\\-fail\\-level",
        "\\-\\-stdin\\-filename",
        "EXIT STATUS",
        "ENVIRONMENT",
        "NO_COLOR",
    ] {
        assert!(lint.contains(part), "kexit-lint(1) lacks {part}");
    }
    bin().args(["man", "nope"]).assert().code(2);

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man1");
    bin()
        .args(["man", "--dir"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    for name in [
        "kexit.1",
        "kexit-lint.1",
        "kexit-explain.1",
        "kexit-rules.1",
        "kexit-completions.1",
        "kexit-man.1",
    ] {
        let text = fs::read_to_string(dir.join(name)).unwrap();
        assert!(text.contains(".SH \"EXIT STATUS\""), "{name}");
    }
}
