//! Lazy repository context (src/repo_context.rs): a run on a few files inside a repository must
//! report, on those files, exactly what a run on the whole repository reports on them — while
//! reading only the context files that can matter.

mod common;

use common::{
    copy_tree, kexit, parse_json, root, write, JsonFinding, CM_LOCAL, CM_SHARED, DEPLOY_SUBPATH,
};
use std::path::{Path, PathBuf};

type Key = (String, u64, u64, String, String, Option<u64>, String);

fn key(f: &JsonFinding) -> Key {
    (
        f.file.clone(),
        f.line,
        f.column,
        f.rule.clone(),
        f.severity.clone(),
        f.exit_code,
        f.message.clone(),
    )
}

fn lint_json(dir: &Path, args: &[&str]) -> Vec<Key> {
    let mut a = vec!["lint", "-f", "json"];
    a.extend_from_slice(args);
    let run = kexit(dir, &a);
    assert!(
        run.code == 0 || run.code == 1,
        "kexit {a:?} exited {} in {}:\n{}{}",
        run.code,
        dir.display(),
        run.stdout,
        run.stderr
    );
    let mut v: Vec<Key> = parse_json(&run.stdout).iter().map(key).collect();
    v.sort();
    v
}

/// Files kexit lints in a tree (manifests and Dockerfiles), relative, `/`-separated.
fn lintable(dir: &Path, rel: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir.join(rel))
        .unwrap()
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == ".git" {
            continue;
        }
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if e.file_type().unwrap().is_dir() {
            lintable(dir, &r, out);
        } else if kexit::discover::classify(Path::new(&name)).is_some() {
            out.push(r);
        }
    }
}

/// For every lintable file of the repository at `dir`: `kexit lint FILE` (repository context)
/// reports exactly the whole-repository findings located in FILE.
fn assert_context_equivalent(dir: &Path) -> usize {
    let mut files = Vec::new();
    lintable(dir, "", &mut files);
    // The whole repository, every file named as the per-file runs name it (paths appear in
    // messages).
    let mut all = vec!["--no-context"];
    all.extend(files.iter().map(String::as_str));
    let full = lint_json(dir, &all);
    for f in &files {
        let expected: Vec<Key> = full.iter().filter(|k| &k.0 == f).cloned().collect();
        let got = lint_json(dir, &[f.as_str()]);
        let (in_file, elsewhere): (Vec<Key>, Vec<Key>) = got.into_iter().partition(|k| &k.0 == f);
        assert_eq!(
            in_file,
            expected,
            "context run on {f} differs from the whole-repository run in {}",
            dir.display()
        );
        // Scripts of a build context read for the file (reported as before): a subset of the
        // whole-repository findings.
        for k in elsewhere {
            assert!(
                !files.contains(&k.0) && full.contains(&k),
                "context run on {f} reports {k:?}, which the whole-repository run does not"
            );
        }
    }
    files.len()
}

fn repo_from(case: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(case, tmp.path());
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    tmp
}

#[test]
fn every_scenario_file_sees_the_same_findings_with_lazy_context() {
    let dir = root().join("fixtures/scenarios");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() > 10);
    let chunks: Vec<Vec<PathBuf>> = cases
        .chunks(cases.len().div_ceil(2))
        .map(<[_]>::to_vec)
        .collect();
    let checked: usize = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|c| assert_context_equivalent(repo_from(c).path()))
                        .sum::<usize>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert!(checked > 50, "{checked}");
}

fn unrelated(dir: &Path, n: usize) {
    for i in 0..n {
        write(
            dir,
            &format!("other/svc-{i}/cm.yaml"),
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other-{i}\n  namespace: shop\ndata:\n  k: v\n"
            ),
        );
    }
}

#[test]
fn configmap_in_a_sibling_directory_resolves_a_reference() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(d, "apps/api/deployment.yaml", DEPLOY_SUBPATH);
    write(d, "apps/api/configmap.yaml", CM_LOCAL);
    write(d, "shared/shop.yaml", CM_SHARED);
    unrelated(d, 5);
    let files = ["apps/api/deployment.yaml", "apps/api/configmap.yaml"];
    // Without context the shared ConfigMap is missing: KX305 on the volume reference.
    let mut args = vec!["--no-context"];
    args.extend(files);
    let alone = lint_json(d, &args);
    assert!(alone.iter().any(|k| k.3 == "KX305"), "{alone:?}");
    // With the repository as context it resolves, as in a whole-repository run.
    let ctx = lint_json(d, &files);
    assert!(!ctx.iter().any(|k| k.3 == "KX305"), "{ctx:?}");
    let full = lint_json(
        d,
        &[
            "--no-context",
            "apps/api/deployment.yaml",
            "apps/api/configmap.yaml",
            "shared/shop.yaml",
        ],
    );
    let expected: Vec<Key> = full
        .into_iter()
        .filter(|k| files.contains(&k.0.as_str()))
        .collect();
    assert_eq!(ctx, expected);
    assert_context_equivalent(d);
}

#[test]
fn dockerfile_linked_by_directory_name_and_by_skaffold() {
    let case = root().join("fixtures/scenarios/127-multistage-entrypoint-wrong-name");
    // By directory name: the manifest in deploy/, the Dockerfile in services/api/.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    copy_tree(&case.join("k8s"), &d.join("deploy/shop"));
    copy_tree(&case.join("api"), &d.join("services/api"));
    copy_tree(&case.join("api"), &d.join("services/worker"));
    unrelated(d, 5);
    // A change to the Dockerfile alone: the workload running its image is found.
    let df = lint_json(d, &["services/api/Dockerfile"]);
    assert!(df.iter().any(|k| k.3 == "KX122"), "{df:?}");
    assert_context_equivalent(d);

    // By skaffold.yaml: the directory name does not match the image.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    copy_tree(&case.join("k8s"), &d.join("deploy/shop"));
    copy_tree(&case.join("api"), &d.join("build/backend"));
    write(
        d,
        "skaffold.yaml",
        "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: registry.example.com/shop/api\n      context: build/backend\n",
    );
    unrelated(d, 3);
    let df = lint_json(d, &["build/backend/Dockerfile"]);
    assert!(df.iter().any(|k| k.3 == "KX122"), "{df:?}");
    assert_context_equivalent(d);
}

#[test]
fn limitrange_in_another_directory_applies() {
    let case = root().join("fixtures/scenarios/137-qos-limitrange-burstable");
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    std::fs::create_dir_all(d.join("apps/worker")).unwrap();
    std::fs::create_dir_all(d.join("namespaces/tenant-b")).unwrap();
    copy_tree(&case.join("app.yaml"), &d.join("apps/worker/app.yaml"));
    copy_tree(
        &case.join("limitrange.yaml"),
        &d.join("namespaces/tenant-b/limitrange.yaml"),
    );
    unrelated(d, 3);
    let alone = lint_json(d, &["--no-context", "apps/worker/app.yaml"]);
    let ctx = lint_json(d, &["apps/worker/app.yaml"]);
    assert_ne!(alone, ctx, "the LimitRange should change the findings");
    assert_context_equivalent(d);
}

#[test]
fn context_from_a_subdirectory_and_an_explicit_root() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(d, "apps/api/deployment.yaml", DEPLOY_SUBPATH);
    write(d, "apps/api/configmap.yaml", CM_LOCAL);
    write(d, "shared/shop.yaml", CM_SHARED);
    // Run from a subdirectory: context paths are shown relative to it.
    let sub = d.join("apps/api");
    let a = lint_json(&sub, &["deployment.yaml", "configmap.yaml"]);
    assert!(!a.iter().any(|k| k.3 == "KX305"), "{a:?}");
    let b = lint_json(
        d,
        &[
            "--context",
            "shared",
            "apps/api/deployment.yaml",
            "apps/api/configmap.yaml",
        ],
    );
    assert!(!b.iter().any(|k| k.3 == "KX305"), "{b:?}");
}
