//! The CLI as a user runs it: formats, exit codes, stdin, broken pipes, bad files next to good ones.

mod common;

use assert_cmd::Command;
use common::{kexit, parse_json, BAD_DEPLOY};
use predicates::prelude::*;
use std::fs;

fn bin() -> Command {
    let mut c = Command::cargo_bin("kexit").unwrap();
    c.env("NO_COLOR", "1");
    c
}

#[test]
fn json_shape_and_exit_code_1() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("app.yaml"), BAD_DEPLOY).unwrap();
    let run = kexit(tmp.path(), &["lint", "--format", "json", "app.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "KX101")
        .expect("a KX101 finding");
    assert_eq!(f["name"], "command-with-spaces");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["exit_code"], 128);
    assert_eq!(f["file"], "app.yaml");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(15), Some(21))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(15), Some(36))
    );
    assert_eq!(f["object"]["kind"], "Deployment");
    assert_eq!(f["object"]["namespace"], "default");
    assert_eq!(f["object"]["name"], "web");
    assert_eq!(f["container"], "app");
    for key in ["message", "help"] {
        assert!(f[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
    }
    let s = &v["summary"];
    assert_eq!(s["files"], 1);
    assert_eq!(s["documents"], 1);
    assert_eq!(s["errors"], 1);
    for key in ["findings", "warnings", "infos"] {
        assert!(s[key].is_u64(), "{key}");
    }
}

#[test]
fn concise_format() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("app.yaml"), BAD_DEPLOY).unwrap();
    let run = kexit(tmp.path(), &["lint", "--format", "concise", "app.yaml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("app.yaml:15:21: KX101 error: ")),
        "{}",
        run.stdout
    );
}

#[test]
fn clean_input_exits_0_and_fail_level_none() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n",
    )
    .unwrap();
    assert_eq!(kexit(tmp.path(), &["lint", "cm.yaml"]).code, 0);
    fs::write(tmp.path().join("app.yaml"), BAD_DEPLOY).unwrap();
    assert_eq!(
        kexit(tmp.path(), &["lint", "--fail-level", "none", "."]).code,
        0
    );
}

#[test]
fn missing_explicit_path_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let run = kexit(tmp.path(), &["lint", "does-not-exist.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does-not-exist.yaml"));
}

#[test]
fn usage_error_exits_2() {
    bin().args(["lint", "--format", "nope"]).assert().code(2);
    bin().arg("frobnicate").assert().code(2);
}

#[test]
fn stdin_with_filename() {
    bin()
        .args([
            "lint",
            "--format",
            "concise",
            "--stdin-filename",
            "k8s/app.yaml",
            "-",
        ])
        .write_stdin(BAD_DEPLOY)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("k8s/app.yaml:15:21: KX101 error"));
}

#[test]
fn broken_pipe_is_not_a_crash() {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..300 {
        fs::write(tmp.path().join(format!("app{i}.yaml")), BAD_DEPLOY).unwrap();
    }
    let mut child = Std::new(env!("CARGO_BIN_EXE_kexit"))
        .args(["lint", "--format", "concise", "."])
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is now closed: the rest of the output hits a broken pipe.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        out.status.code().is_some_and(|c| c <= 2),
        "{:?}",
        out.status
    );
}

/// The backbone's acceptance check: a broken YAML file is reported with its line, and the valid
/// Deployment and a Dockerfile with a heredoc next to it are still linted.
#[test]
fn broken_file_does_not_stop_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("broken.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [unclosed\n  b: c\n",
    )
    .unwrap();
    fs::write(tmp.path().join("app.yaml"), BAD_DEPLOY).unwrap();
    fs::write(
        tmp.path().join("Dockerfile"),
        "FROM alpine:3.20\nRUN <<EOF\nset -e\napk add --no-cache curl\nEOF\nCMD ['sleep', 'infinity']\n",
    )
    .unwrap();
    let run = kexit(tmp.path(), &["lint", "--format", "json", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings = parse_json(&run.stdout);
    let broken: Vec<_> = findings
        .iter()
        .filter(|f| f.file == "broken.yaml")
        .collect();
    assert!(
        broken.iter().any(|f| f.rule == "KX001" && f.line >= 6),
        "{findings:?}"
    );
    assert!(findings
        .iter()
        .any(|f| f.file == "app.yaml" && f.rule == "KX101" && f.line == 15));
    assert!(
        findings
            .iter()
            .any(|f| f.file == "Dockerfile" && f.line == 6),
        "the Dockerfile after the heredoc is linted: {findings:?}"
    );
}

#[test]
fn rules_and_explain() {
    bin().arg("rules").assert().success().stdout(
        predicate::str::contains("KX101").and(predicate::str::contains("command-with-spaces")),
    );
    bin()
        .args(["explain", "KX101"])
        .assert()
        .success()
        .stdout(predicate::str::contains("# KX101 command-with-spaces"));
}

#[test]
fn output_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..40 {
        fs::write(tmp.path().join(format!("d{i}.yaml")), BAD_DEPLOY).unwrap();
    }
    let a = kexit(tmp.path(), &["lint", "--format", "json", "."]).stdout;
    for _ in 0..3 {
        assert_eq!(
            a,
            kexit(tmp.path(), &["lint", "--format", "json", "."]).stdout
        );
    }
}

/// A symlinked manifest is linted; links to directories, FIFOs, devices and link loops are
/// skipped without blocking.
#[cfg(unix)]
#[test]
fn symlinked_manifests_are_followed_safely() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("real")).unwrap();
    fs::write(d.join("real/deploy.txt"), BAD_DEPLOY).unwrap();
    symlink("real/deploy.txt", d.join("app.yaml")).unwrap();
    symlink("loop.yaml", d.join("loop.yaml")).unwrap();
    symlink("/dev/zero", d.join("zero.yaml")).unwrap();
    symlink(".", d.join("dirloop")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(d.join("fifo.yaml"))
        .status()
        .unwrap();
    assert!(status.success());
    symlink("fifo.yaml", d.join("fifo-link.yaml")).unwrap();
    let run = kexit(d, &["lint", "--format", "json", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings = parse_json(&run.stdout);
    assert!(findings
        .iter()
        .any(|f| f.file == "app.yaml" && f.rule == "KX101" && f.line == 15));
}
