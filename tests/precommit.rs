//! The real `pre-commit` tool runs this repository's `.pre-commit-hooks.yaml` (the
//! `kexit-system` hook, with the kexit under test on PATH) in a temporary git repository:
//! committing a bad manifest fails with kexit's message, a good one passes. Skipped with a
//! message when `pre-commit` or `git` is not installed (`pip install pre-commit`).
//!
//! The `language: rust` hook builds kexit with `cargo install` (minutes): run it by hand with
//! `KEXIT_PRECOMMIT_RUST=1 cargo test --test precommit`.

use std::path::Path;
use std::process::{Command, Output};

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(dir: &Path, cmd: &str, args: &[&str], path: &str, home: &Path) -> Output {
    Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const BAD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: python:3.12-slim\n      command: [\"python app.py\"]\n";

fn check_hook(hook: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("cache");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_kexit")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The hook source: this repository's hook definitions (and, for the rust hook, its sources),
    // committed to a scratch repository so that uncommitted work is tested too.
    let src = tmp.path().join("hooks");
    std::fs::create_dir(&src).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join(".pre-commit-hooks.yaml"),
        src.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    if hook == "kexit" {
        for f in ["Cargo.toml", "Cargo.lock", "README.md"] {
            std::fs::copy(root.join(f), src.join(f)).unwrap();
        }
        for d in ["src", "rules"] {
            let st = Command::new("cp")
                .args(["-r"])
                .arg(root.join(d))
                .arg(&src)
                .status()
                .unwrap();
            assert!(st.success());
        }
    }
    assert!(run(&src, "git", &["init", "-q", "."], &path, &home)
        .status
        .success());
    run(&src, "git", &["add", "-A"], &path, &home);
    let o = run(&src, "git", &["commit", "-qm", "hooks"], &path, &home);
    assert!(o.status.success(), "{}", text(&o));
    let sha =
        String::from_utf8_lossy(&run(&src, "git", &["rev-parse", "HEAD"], &path, &home).stdout)
            .trim()
            .to_string();

    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    assert!(run(&repo, "git", &["init", "-q", "."], &path, &home)
        .status
        .success());
    std::fs::write(
        repo.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {sha}\n    hooks:\n      - id: {hook}\n        args: [--select, KX101]\n",
            src.display()
        ),
    )
    .unwrap();
    let o = run(&repo, "pre-commit", &["install"], &path, &home);
    assert!(o.status.success(), "{}", text(&o));

    // A bad manifest: the commit is refused, with kexit's explanation.
    std::fs::create_dir(repo.join("k8s")).unwrap();
    std::fs::write(repo.join("k8s/web.yaml"), BAD).unwrap();
    run(&repo, "git", &["add", "-A"], &path, &home);
    let o = run(&repo, "git", &["commit", "-qm", "bad"], &path, &home);
    let out = text(&o);
    assert!(!o.status.success(), "the bad commit went through:\n{out}");
    assert!(out.contains("error[KX101]"), "{out}");
    assert!(out.contains("k8s/web.yaml:9:17"), "{out}");
    assert!(out.contains("executable file not found in $PATH"), "{out}");

    // Fixed: the commit passes.
    std::fs::write(
        repo.join("k8s/web.yaml"),
        BAD.replace("[\"python app.py\"]", "[\"python\", \"app.py\"]"),
    )
    .unwrap();
    run(&repo, "git", &["add", "-A"], &path, &home);
    let o = run(&repo, "git", &["commit", "-qm", "good"], &path, &home);
    assert!(
        o.status.success(),
        "the good commit was refused:\n{}",
        text(&o)
    );
}

#[test]
fn system_hook_blocks_a_bad_manifest_and_passes_a_good_one() {
    if !have("pre-commit") || !have("git") {
        eprintln!("skipping: `pre-commit` (pip install pre-commit) or `git` is not installed");
        return;
    }
    check_hook("kexit-system");
}

#[test]
fn rust_hook_builds_from_source() {
    if std::env::var_os("KEXIT_PRECOMMIT_RUST").is_none() {
        eprintln!("skipping the `language: rust` hook (slow): set KEXIT_PRECOMMIT_RUST=1");
        return;
    }
    if !have("pre-commit") || !have("git") || !have("cargo") {
        eprintln!("skipping: `pre-commit`, `git` or `cargo` is not installed");
        return;
    }
    check_hook("kexit");
}
