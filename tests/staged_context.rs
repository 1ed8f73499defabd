//! `--staged-context` (the pre-commit hooks): the repository context comes from git's index and
//! the context cache instead of a walk of the working tree. On a tree whose working files are
//! what is staged (as pre-commit leaves it), a run reports exactly what a walking run reports,
//! with the cache cold, warm, corrupt or disabled; what is context is what the next commit holds;
//! the cache lives in `$XDG_CACHE_HOME/kexit` and nothing is written inside the repository.
//! Skipped with a message when `git` is not installed.

mod common;

use common::{kexit_env, parse_json, write, CM_LOCAL, CM_SHARED, DEPLOY_SUBPATH};
use std::path::{Path, PathBuf};
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let st = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .unwrap();
    assert!(st.success(), "git {args:?}");
}

fn have_git() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: git is not installed");
    }
    ok
}

const FILES: [&str; 2] = ["apps/api/deployment.yaml", "apps/api/configmap.yaml"];

struct Repo {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    cache: PathBuf,
}

fn repo() -> Repo {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    let cache = tmp.path().join("cache");
    std::fs::create_dir(&dir).unwrap();
    git(&dir, &["init", "-q", "."]);
    write(&dir, FILES[0], DEPLOY_SUBPATH);
    write(&dir, FILES[1], CM_LOCAL);
    write(&dir, "shared/shop.yaml", CM_SHARED);
    for i in 0..30 {
        write(
            &dir,
            &format!("other/svc-{i}/cm.yaml"),
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other-{i}\n  namespace: shop\ndata:\n  k: v\n"
            ),
        );
    }
    // Ignored by git: not context, although on disk and tracked by nobody.
    write(&dir, ".gitignore", "build/\n");
    write(&dir, "build/shop.yaml", CM_SHARED);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "init"]);
    Repo {
        _tmp: tmp,
        dir,
        cache,
    }
}

/// The findings (rule, file, line) and exit code of `kexit lint -f json <extra> FILES`.
fn lint(r: &Repo, extra: &[&str]) -> (i32, Vec<(String, String, u64)>) {
    let mut args = vec!["lint", "-f", "json"];
    args.extend_from_slice(extra);
    args.extend(FILES);
    let cache = r.cache.to_string_lossy().into_owned();
    let run = kexit_env(&r.dir, &args, &[("XDG_CACHE_HOME", cache.as_str())]);
    assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
    let mut v: Vec<_> = parse_json(&run.stdout)
        .iter()
        .map(|f| (f.rule.clone(), f.file.clone(), f.line))
        .collect();
    v.sort();
    (run.code, v)
}

fn has(findings: &(i32, Vec<(String, String, u64)>), rule: &str) -> bool {
    findings.1.iter().any(|f| f.0 == rule)
}

fn cache_files(r: &Repo) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(r.cache.join("kexit"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn tree(dir: &Path, rel: &str, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir.join(rel)).unwrap().flatten() {
        let name = format!("{rel}{}", e.file_name().to_string_lossy());
        if e.path().is_dir() {
            tree(dir, &format!("{name}/"), out);
        } else {
            out.push(name);
        }
    }
}

#[test]
fn staged_context_reports_what_the_walk_reports_cold_warm_and_without_cache() {
    if !have_git() {
        return;
    }
    let r = repo();
    let mut before = Vec::new();
    tree(&r.dir, "", &mut before);
    let walk = lint(&r, &[]);
    // The shared ConfigMap resolves the subPath volume; the git-ignored copy is not needed.
    assert!(!has(&walk, "KX305"), "{walk:?}");
    assert!(has(&lint(&r, &["--no-context"]), "KX305"));
    let cold = lint(&r, &["--staged-context"]);
    assert_eq!(cold, walk);
    let files = cache_files(&r);
    assert_eq!(files.len(), 1, "{files:?}");
    let warm = lint(&r, &["--staged-context"]);
    assert_eq!(warm, walk);
    assert_eq!(lint(&r, &["--staged-context", "--no-cache"]), walk);
    // A corrupt cache is ignored (and rewritten).
    std::fs::write(&files[0], b"KXCTX garbage").unwrap();
    assert_eq!(lint(&r, &["--staged-context"]), walk);
    assert_eq!(lint(&r, &["--staged-context"]), walk);
    // Nothing was written inside the repository.
    let mut after = Vec::new();
    tree(&r.dir, "", &mut after);
    assert_eq!(before, after);
}

#[test]
fn staged_context_is_what_the_next_commit_holds() {
    if !have_git() {
        return;
    }
    let r = repo();
    assert!(!has(&lint(&r, &["--staged-context"]), "KX305"));
    // A staged change that removes the ConfigMap: seen at once (the cache is keyed by blob).
    write(
        &r.dir,
        "shared/shop.yaml",
        &CM_SHARED.replace("shop-shared", "shop-common"),
    );
    git(&r.dir, &["add", "shared/shop.yaml"]);
    let staged = lint(&r, &["--staged-context"]);
    assert!(has(&staged, "KX305"), "{staged:?}");
    assert_eq!(staged, lint(&r, &[]));
    // Restored on disk but no longer tracked: not in the next commit, so not context (the walk
    // still sees the file).
    write(&r.dir, "shared/shop.yaml", CM_SHARED);
    git(&r.dir, &["rm", "-q", "-f", "--cached", "shared/shop.yaml"]);
    assert!(has(&lint(&r, &["--staged-context"]), "KX305"));
    assert!(!has(&lint(&r, &[]), "KX305"));
}

#[test]
fn no_cache_writes_nothing_and_outside_git_the_walk_is_used() {
    if !have_git() {
        return;
    }
    let r = repo();
    let walk = lint(&r, &[]);
    assert_eq!(lint(&r, &["--staged-context", "--no-cache"]), walk);
    assert!(cache_files(&r).is_empty());
    // KEXIT_NO_CACHE does the same.
    let cache = r.cache.to_string_lossy().into_owned();
    let mut args = vec!["lint", "--staged-context"];
    args.extend(FILES);
    let run = kexit_env(
        &r.dir,
        &args,
        &[("XDG_CACHE_HOME", cache.as_str()), ("KEXIT_NO_CACHE", "1")],
    );
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(cache_files(&r).is_empty());
    // Not a git work tree (the root is marked by .kexit.yaml): the flag walks the tree.
    std::fs::remove_dir_all(r.dir.join(".git")).unwrap();
    write(&r.dir, ".kexit.yaml", "{}\n");
    let plain = lint(&r, &[]);
    assert!(!has(&plain, "KX305"));
    assert_eq!(lint(&r, &["--staged-context"]), plain);
}
