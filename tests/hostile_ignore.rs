//! Hostile ignore files (probe 13): the walker's own ignore-file handling opened `.gitignore`,
//! `.ignore`, `.kexitignore` and `.git/info/exclude` with no size cap and no file-type check — a
//! link to `/dev/zero` aborted kexit out of memory, a FIFO hung it forever — and compiled every
//! pattern (a 4 MB `.gitignore` of `?` globs: 2.26 GB of memory). Same harness as
//! tests/hostile.rs.

#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::Command;

mod common;

#[path = "common/hostile.rs"]
mod harness;

use harness::*;

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "mkfifo {} failed", path.display());
}

const IGNORE_FILES: [&str; 4] = [".gitignore", ".kexitignore", ".ignore", ".git/info/exclude"];

/// Each ignore file as a FIFO, a link to `/dev/zero`, and a file over the 1 MiB cap: never read
/// past the cap, never blocking; a located KX004 warning, and the run goes on (the manifests are
/// linted).
#[test]
fn special_ignore_files_are_warnings_not_hangs_or_aborts() {
    for name in IGNORE_FILES {
        for how in ["fifo", "zero", "huge"] {
            let tmp = scene();
            let d = tmp.path();
            fs::create_dir_all(d.join(".git/info")).unwrap();
            let p = d.join(name);
            match how {
                "fifo" => mkfifo(&p),
                "zero" => std::os::unix::fs::symlink("/dev/zero", &p).unwrap(),
                _ => {
                    let f = fs::File::create(&p).unwrap();
                    // Sparse: 64 GiB of zeros that take no disk.
                    f.set_len(64 << 30).unwrap();
                }
            }
            let (r, f) = lint_dir(d, &[]);
            assert!(r.elapsed < DEADLINE, "{name} {how}: {:?}", r.elapsed);
            assert_located(&f, name, "KX004", 1);
            let w = in_file(&f, name);
            assert!(
                w.iter()
                    .all(|w| w.severity == "warning" && w.message.contains("ignore file not used")),
                "{name} {how}: {w:#?}"
            );
        }
    }
}

/// A link to an ignore file outside the tree is not followed (a warning); one inside is used.
#[test]
fn ignore_file_links_stay_inside_the_tree() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("gi"), "good.yaml\n").unwrap();
    let tmp = scene();
    let d = tmp.path();
    std::os::unix::fs::symlink(outside.path().join("gi"), d.join(".gitignore")).unwrap();
    let (_, f) = lint_dir(d, &[]);
    assert_located(&f, ".gitignore", "KX004", 1);
    // Inside the tree: followed, and its patterns apply.
    fs::remove_file(d.join(".gitignore")).unwrap();
    fs::write(d.join("shared-ignore"), "bad.yaml\n").unwrap();
    fs::write(d.join("bad.yaml"), "kind: Pod\napiVersion: v1\nx: [\n").unwrap();
    std::os::unix::fs::symlink("shared-ignore", d.join(".gitignore")).unwrap();
    let (_, f) = lint_dir(d, &[]);
    assert!(in_file(&f, "bad.yaml").is_empty(), "{f:#?}");
    assert!(in_file(&f, ".gitignore").is_empty(), "{f:#?}");
}

/// A 4 MB `.gitignore` of sixty-`?` globs: 2.26 GB and 5.2 s before (each glob a regular
/// expression); now the patterns past the budget are not compiled, and one located KX011
/// warning says where that started. The patterns before it still apply.
#[test]
fn huge_gitignore_patterns_stay_within_the_budget() {
    let tmp = scene();
    let d = tmp.path();
    fs::write(d.join("early.yaml"), "kind: Pod\napiVersion: v1\nx: [\n").unwrap();
    let mut gi = String::from("early.yaml\n");
    let q = "?".repeat(60);
    // Under the 1 MiB file cap, far past the 128 KiB pattern budget.
    for i in 0..15_000 {
        gi.push_str(&format!("{q}{i}\n"));
    }
    fs::write(d.join(".gitignore"), &gi).unwrap();
    let (r, f) = lint_dir(d, &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_peak_under(&r, 300);
    assert!(in_file(&f, "early.yaml").is_empty(), "{f:#?}");
    let w: Vec<_> = in_file(&f, ".gitignore");
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].rule, "KX011");
    assert_eq!(w[0].severity, "warning");
    // 131,072 bytes of 62-64 byte patterns, after the first line.
    assert!(w[0].line > 2000 && w[0].line < 2200, "{w:#?}");
}

/// `.kexit.yaml` `ignore-paths` of ~1 MB of sixty-`?` globs: 700 MB before; now the globs past
/// the budget are dropped with a located warning on stderr, and the ones before still apply.
#[test]
fn huge_config_ignore_paths_stay_within_the_budget() {
    let tmp = scene();
    let d = tmp.path();
    fs::write(d.join("early.yaml"), "kind: Pod\napiVersion: v1\nx: [\n").unwrap();
    let q = "?".repeat(60);
    let mut cfg = String::from("ignore-paths:\n  - early.yaml\n");
    for i in 0..14_000 {
        cfg.push_str(&format!("  - '{q}{i}'\n"));
    }
    fs::write(d.join(".kexit.yaml"), &cfg).unwrap();
    let r = run(d, &["lint", "--format", "json", "."]);
    assert!(r.code == 0 || r.code == 1, "{}", trunc(&r.stderr));
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_peak_under(&r, 300);
    let f = r.findings();
    assert_good(&f);
    assert!(in_file(&f, "early.yaml").is_empty(), "{f:#?}");
    assert!(
        r.stderr.contains("warning: .kexit.yaml:")
            && r.stderr.contains("past kexit's budget of 128 KiB"),
        "{}",
        trunc(&r.stderr)
    );
}

/// Forty directories with 5 KiB of ignore patterns each (200 KiB: past the 128 KiB budget).
/// Which file met the budget first used to depend on the walker's threads, so the files
/// linted (and the KX011 warning) could differ between runs. Past the budget the tree is
/// walked again in one thread, in name order: every run gives the same output, the
/// directories before the one that met the budget keep their patterns, the later ones lose
/// them.
#[test]
fn ignore_budget_is_spent_in_name_order() {
    let tmp = scene();
    let d = tmp.path();
    let filler: String = (0..80)
        .map(|i| format!("{}{i}\n", "?".repeat(60)))
        .collect();
    for i in 0..40 {
        let sub = d.join(format!("d{i:02}"));
        fs::create_dir(&sub).unwrap();
        fs::write(sub.join("bad.yaml"), "kind: Pod\napiVersion: v1\nx: [\n").unwrap();
        fs::write(sub.join(".gitignore"), format!("bad.yaml\n{filler}")).unwrap();
    }
    let runs: Vec<Vec<F>> = (0..3)
        .map(|_| {
            let (r, f) = lint_dir(d, &[]);
            assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
            f
        })
        .collect();
    let shown = |f: &[F]| -> Vec<String> {
        f.iter()
            .map(|f| format!("{}:{}:{} {}", f.file, f.line, f.column, f.rule))
            .collect()
    };
    assert_eq!(shown(&runs[0]), shown(&runs[1]));
    assert_eq!(shown(&runs[0]), shown(&runs[2]));
    let f = &runs[0];
    let budget: Vec<_> = f.iter().filter(|f| f.rule == "KX011").collect();
    assert_eq!(budget.len(), 1, "{f:#?}");
    let met = budget[0].file.trim_end_matches("/.gitignore").to_string();
    // Every directory after the one that met the budget lints its bad.yaml; none before.
    for i in 0..40 {
        let dir = format!("d{i:02}");
        let linted = !in_file(f, &format!("{dir}/bad.yaml")).is_empty();
        assert_eq!(linted, dir > met, "{dir} (budget met in {met}): {f:#?}");
    }
}
