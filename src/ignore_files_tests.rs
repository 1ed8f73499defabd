//! The ignore files read by kexit select the same files as the `ignore` crate's walker did with
//! its own ignore-file handling (a differential test on trees exercising precedence, negation,
//! nesting, directory patterns, `.git/info/exclude` and the parents of the walked root).

use super::*;
use std::fs;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        fs::create_dir_all(d).unwrap();
    }
    fs::write(p, text).unwrap();
}

/// The `.yaml` files the `ignore` crate's walker yields under `root` (kexit's former settings).
fn crate_walk(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_global(false)
        .require_git(false)
        .add_custom_ignore_filename(".kexitignore")
        .filter_entry(|e| e.file_name() != ".git")
        .build()
        .filter_map(Result::ok)
        .map(ignore::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

fn kexit_walk(root: &Path) -> Vec<PathBuf> {
    let excludes = crate::discover::build_excludes(&[]).unwrap();
    let mut v: Vec<PathBuf> = crate::discover::walk_parallel(root, &excludes, |_, _, _| true)
        .into_iter()
        .map(|f| f.path)
        .collect();
    v.sort();
    v
}

const FILES: &[&str] = &[
    "a.yaml",
    "top.yaml",
    "keep.yaml",
    "x.log.yaml",
    "build/b.yaml",
    "build/keep.yaml",
    "docs/d.yaml",
    "sub/a.yaml",
    "sub/important.yaml",
    "sub/y.yaml",
    "sub/top.yaml",
    "sub/build/c.yaml",
    "sub/deeper/e.yaml",
    "sub/deeper/f.yaml",
    "sub/deeper/g.yaml",
    "excluded.yaml",
    "excluded2.yaml",
    "other/docs",
    "other/z.yaml",
    "other/q.yaml",
    "w/r.yaml",
];

fn scene(root: &Path) {
    for f in FILES {
        write(root, f, "a: 1\n");
    }
    fs::create_dir_all(root.join(".git/info")).unwrap();
    write(
        root,
        ".git/info/exclude",
        "excluded.yaml\nexcluded2.yaml\nw/\n",
    );
    write(
        root,
        ".gitignore",
        "\u{feff}# comment\n*.log.yaml\nbuild/\n/top.yaml\ndocs\n!excluded2.yaml\nz.yaml\r\n",
    );
    write(root, ".ignore", "!z.yaml\nq.yaml\n");
    write(root, ".kexitignore", "sub/y.yaml\n!q.yaml\n");
    write(
        root,
        "sub/.gitignore",
        "*.yaml\n!important.yaml\n!y.yaml\n!build/\n!top.yaml\n!deeper/\n",
    );
    write(root, "sub/deeper/.kexitignore", "e.yaml\n");
    write(root, "sub/deeper/.gitignore", "!*.yaml\nf.yaml\n");
    write(root, "sub/deeper/.ignore", "!e.yaml\ng.yaml\n");
}

#[test]
fn same_files_as_the_ignore_crate() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    scene(&root);
    let want = crate_walk(&root);
    assert!(want.len() > 3 && want.len() < FILES.len(), "{want:#?}");
    assert_eq!(kexit_walk(&root), want);
    // A subdirectory: the ignore files of its parents apply.
    let sub = root.join("sub");
    assert_eq!(kexit_walk(&sub), crate_walk(&sub));
    let deeper = root.join("sub/deeper");
    assert_eq!(kexit_walk(&deeper), crate_walk(&deeper));
    // Relative roots, as the command line gives them.
    let cwd = std::env::current_dir().unwrap();
    let rel = pathdiff(&root, &cwd);
    assert_eq!(kexit_walk(&rel), crate_walk(&rel));
}

/// `root` relative to `base` (`../..` as needed).
fn pathdiff(root: &Path, base: &Path) -> PathBuf {
    let ups = base.components().count() - 1;
    let mut p = PathBuf::new();
    for _ in 0..ups {
        p.push("..");
    }
    p.join(root.strip_prefix("/").unwrap())
}

#[test]
fn unusable_ignore_files_are_problems_not_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "a.yaml", "a: 1\n");
    write(root, "b.yaml", "a: 1\n");
    std::os::unix::fs::symlink("/dev/zero", root.join(".gitignore")).unwrap();
    write(root, "sub/c.yaml", "a: 1\n");
    write(root, "sub/.kexitignore", &"x".repeat(2 << 20));
    let tree = Tree::new(root, Arc::new(Budget::default()));
    assert!(!tree.ignored(&root.join("a.yaml"), false));
    assert!(!tree.ignored(&root.join("sub/c.yaml"), false));
    let p = tree.problems();
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(p.iter().all(|p| p.why.starts_with("ignore file not used")));
}

#[test]
fn patterns_past_the_budget_are_not_compiled() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "a.yaml", "a: 1\n");
    write(root, "b.yaml", "a: 1\n");
    write(root, ".gitignore", "a.yaml\n# comment\nb.yaml\nc.yaml\n");
    // Room for the first pattern only.
    let tree = Tree::new(root, Arc::new(Budget::new(7)));
    assert!(tree.ignored(&root.join("a.yaml"), false));
    assert!(!tree.ignored(&root.join("b.yaml"), false));
    let p = tree.problems();
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].line, 3);
    assert!(p[0].budget.is_some());
}
