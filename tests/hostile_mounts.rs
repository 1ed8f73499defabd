//! Hostile inputs of issue 16, part 4: mount and volume fan-out. Every per-container scan of the
//! mounts is linear (volumes by name, shared volumes by name, projected files by a sorted index,
//! listed items per volume once). The sizes are chosen so that the old quadratic scans would
//! not finish within the harness's deadline (50,000 mounts x 50,000 volumes is 2.5e9 string
//! comparisons per scan); the linear code takes seconds. Same harness as tests/hostile.rs.

#![cfg(unix)]

use std::fs;

mod common;

#[path = "common/hostile.rs"]
mod harness;

use harness::*;

const HEAD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: fan\nspec:\n  containers:\n";

fn container(name: &str, mounts: &str) -> String {
    format!("  - name: {name}\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"sleep 1\"]\n    resources:\n      limits: {{memory: 64Mi}}\n    volumeMounts:\n{mounts}")
}

/// 50,000 mounts of 50,000 volumes in one container, one naming no volume.
#[test]
fn fifty_thousand_mounts_and_volumes() {
    let tmp = scene();
    let n = 50_000;
    let mut mounts = String::new();
    let mut volumes = String::from("  volumes:\n");
    for i in 0..n {
        mounts.push_str(&format!("    - {{name: v{i}, mountPath: /m/{i}}}\n"));
        volumes.push_str(&format!("  - {{name: v{i}, emptyDir: {{}}}}\n"));
    }
    mounts.push_str("    - {name: nosuchvolume, mountPath: /missing}\n");
    let text = format!("{HEAD}{}{volumes}", container("app", &mounts));
    fs::write(tmp.path().join("fan.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_located(&f, "fan.yaml", "KX302", line_of(&text, "nosuchvolume"));
}

/// 20 containers each mounting the same 5,000 volumes (shared: another container may write).
#[test]
fn many_containers_sharing_many_volumes() {
    let tmp = scene();
    let mut mounts = String::new();
    let mut volumes = String::from("  volumes:\n");
    for i in 0..5_000 {
        mounts.push_str(&format!("    - {{name: v{i}, mountPath: /m/{i}}}\n"));
        volumes.push_str(&format!("  - {{name: v{i}, emptyDir: {{}}}}\n"));
    }
    let mut text = String::from(HEAD);
    for c in 0..20 {
        text.push_str(&container(&format!("c{c}"), &mounts));
    }
    text.push_str(&container(
        "last",
        "    - {name: Nosuch_Volume, mountPath: /x}\n",
    ));
    volumes.push_str("  - {name: nosuch-volume, emptyDir: {}}\n");
    text.push_str(&volumes);
    fs::write(tmp.path().join("shared.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_located(&f, "shared.yaml", "KX302", line_of(&text, "Nosuch_Volume"));
}

/// A projected volume of 20,000 ConfigMap sources (one key each, remapped by `items`), mounted
/// 20,000 times by `subPath`; one subPath names no projected file.
#[test]
fn projected_volume_with_many_sources_and_subpath_mounts() {
    let tmp = scene();
    let n = 20_000;
    let mut cms = String::new();
    let mut sources = String::new();
    let mut mounts = String::new();
    for i in 0..n {
        cms.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm{i}}}\ndata: {{k: v}}\n"
        ));
        sources.push_str(&format!(
            "        - configMap: {{name: cm{i}, items: [{{key: k, path: d{i}/f}}]}}\n"
        ));
        mounts.push_str(&format!(
            "    - {{name: p, mountPath: /etc/c{i}, subPath: d{i}/f}}\n"
        ));
    }
    mounts.push_str("    - {name: p, mountPath: /etc/bad, subPath: nosuchfile}\n");
    let text = format!(
        "{HEAD}{}  volumes:\n  - name: p\n    projected:\n      sources:\n{sources}{cms}",
        container("app", &mounts)
    );
    fs::write(tmp.path().join("projected.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_located(&f, "projected.yaml", "KX301", line_of(&text, "nosuchfile"));
}

/// 10,000 mounts naming none of 10,000 volumes: one KX302 each, with a short help (it listed
/// every volume in every finding: 10,000 x 10,000 names).
#[test]
fn many_mounts_without_volumes() {
    let tmp = scene();
    let mut mounts = String::new();
    let mut volumes = String::from("  volumes:\n");
    for i in 0..10_000 {
        mounts.push_str(&format!("    - {{name: missing{i}, mountPath: /m/{i}}}\n"));
        volumes.push_str(&format!("  - {{name: v{i}, emptyDir: {{}}}}\n"));
    }
    let text = format!("{HEAD}{}{volumes}", container("app", &mounts));
    fs::write(tmp.path().join("missing.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let hits = in_file(&f, "missing.yaml")
        .into_iter()
        .filter(|f| f.rule == "KX302")
        .count();
    assert_eq!(hits, 10_000);
    assert!(f
        .iter()
        .any(|f| f.rule == "KX302" && f.message.contains("names no volume")));
    assert!(
        r.stdout.len() < 64 << 20,
        "{} bytes of output",
        r.stdout.len()
    );
    assert_located(&f, "missing.yaml", "KX302", line_of(&text, "missing9999,"));
}
