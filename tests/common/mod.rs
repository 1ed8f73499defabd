//! Helpers shared by the integration tests: copy inputs to a temp dir and run the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A Deployment with one known finding: KX101 at 15:21 (`command: ["python app.py"]`).
pub const BAD_DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: python:3.12-slim
          command: [\"python app.py\"]
";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copy a file or directory tree (keeping unix modes) into `dest`.
pub fn copy_tree(src: &Path, dest: &Path) {
    let meta = std::fs::symlink_metadata(src).unwrap();
    if meta.is_dir() {
        std::fs::create_dir_all(dest).unwrap();
        let mut entries: Vec<_> = std::fs::read_dir(src).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            copy_tree(&e.path(), &dest.join(e.file_name()));
        }
    } else if meta.is_file() {
        std::fs::copy(src, dest).unwrap();
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `kexit <args>` in `dir`.
pub fn kexit(dir: &Path, args: &[&str]) -> Run {
    kexit_env(dir, args, &[])
}

/// Run `kexit <args>` in `dir` with these environment variables. The terminal width (COLUMNS)
/// and the locale of the test runner are not passed on: output is the piped, English one unless
/// `env` says otherwise.
pub fn kexit_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kexit"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    for v in ["COLUMNS", "LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// One finding as printed by `--format json`.
#[derive(Debug, Clone)]
pub struct JsonFinding {
    pub rule: String,
    pub severity: String,
    pub exit_code: Option<u64>,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

pub fn parse_json(stdout: &str) -> Vec<JsonFinding> {
    let v: serde_json::Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("kexit printed invalid JSON ({e}):\n{stdout}"));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| JsonFinding {
            rule: f["rule"].as_str().unwrap().to_string(),
            severity: f["severity"].as_str().unwrap().to_string(),
            exit_code: f["exit_code"].as_u64(),
            file: f["file"]
                .as_str()
                .unwrap()
                .trim_start_matches("./")
                .to_string(),
            line: f["line"].as_u64().unwrap(),
            column: f["column"].as_u64().unwrap(),
            message: f["message"].as_str().unwrap_or("").to_string(),
        })
        .collect()
}

/// Lint a copy of `case` (file or directory) in a fresh temp dir, as `kexit lint --format json .`.
pub fn lint_copy(case: &Path) -> (tempfile::TempDir, Run, Vec<JsonFinding>) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = if case.is_dir() {
        tmp.path().to_path_buf()
    } else {
        tmp.path().join(case.file_name().unwrap())
    };
    copy_tree(case, &dest);
    let run = kexit(tmp.path(), &["lint", "--format", "json", "."]);
    assert!(
        run.code == 0 || run.code == 1,
        "kexit exited {} on {}:\n{}{}",
        run.code,
        case.display(),
        run.stdout,
        run.stderr
    );
    let findings = parse_json(&run.stdout);
    (tmp, run, findings)
}

/// Write `text` to `dir/rel`, creating the directories on the way.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

/// A Deployment in namespace `shop` reading ConfigMap `api-env` (envFrom, next to it in the
/// repository scenarios) and mounting one key of ConfigMap `shop-shared` by subPath (defined
/// elsewhere): without the repository as context, KX305.
pub const DEPLOY_SUBPATH: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/shop/api:1.0
          envFrom:
            - configMapRef:
                name: api-env
          volumeMounts:
            - name: shared
              mountPath: /etc/api/settings.yaml
              subPath: settings.yaml
      volumes:
        - name: shared
          configMap:
            name: shop-shared
";

/// ConfigMap `api-env` of [`DEPLOY_SUBPATH`].
pub const CM_LOCAL: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: api-env
  namespace: shop
data:
  LOG_LEVEL: info
";

/// ConfigMap `shop-shared` of [`DEPLOY_SUBPATH`], with its `settings.yaml` key.
pub const CM_SHARED: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-shared
  namespace: shop
data:
  settings.yaml: |
    port: 8080
";
