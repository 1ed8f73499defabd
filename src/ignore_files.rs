//! The ignore files a walk honours (`.kexitignore`, `.ignore`, `.gitignore` in each directory and
//! its parents, `.git/info/exclude`), read by kexit itself rather than by the `ignore` crate's
//! walker, which opens them with no size cap and no file-type check: a `.gitignore` that is a
//! FIFO blocked the walk forever, one that is a link to `/dev/zero` (or a huge file) exhausted
//! memory. Here every ignore file goes through [`crate::source::read_bounded_within`] (regular
//! files only, FIFOs and devices never opened, at most [`MAX_IGNORE_FILE_BYTES`] read, a
//! symbolic link followed only inside the tree), and the patterns of one run compile within
//! [`crate::budget::MAX_IGNORE_PATTERN_BYTES`] (globset turns each pattern into a regular
//! expression: hundreds of bytes of memory per byte of pattern).
//!
//! Semantics are the `ignore` crate's (with `require_git(false)`, as kexit walks): within a
//! directory `.kexitignore` beats `.ignore`, which beats `.gitignore`, which beats
//! `.git/info/exclude`; for each of them the deepest directory with a matching pattern decides
//! (a negation `!x` there un-ignores); the parent directories of the walked root count too.
//! An ignore file that cannot be used is a [`Problem`]; the walk goes on without it.

use crate::budget::MAX_IGNORE_PATTERN_BYTES;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Largest ignore file read, in bytes actually read (real ones are a few KB).
pub const MAX_IGNORE_FILE_BYTES: u64 = 1024 * 1024;

/// Largest `.git` file (`gitdir: …`) or `commondir` file read.
const MAX_GIT_POINTER_BYTES: u64 = 4096;

/// The ignore file names of a directory, lowest precedence first.
const NAMES: [&str; 3] = [".gitignore", ".ignore", ".kexitignore"];

/// An ignore file kexit could not use (in full).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub path: PathBuf,
    /// The 1-based line it is about (1 when the file was not used at all).
    pub line: usize,
    /// Past the pattern budget (the file was read: its text, to locate the line), rather than
    /// unusable (a FIFO, a device, too large, outside the tree).
    pub budget: Option<String>,
    pub why: String,
}

/// Bytes of ignore patterns left for one run (shared by the walker threads).
pub struct Budget {
    left: AtomicUsize,
    /// The first file that ran out has been reported (one finding per run).
    reported: AtomicBool,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(MAX_IGNORE_PATTERN_BYTES)
    }
}

impl Budget {
    pub fn new(bytes: usize) -> Budget {
        Budget {
            left: AtomicUsize::new(bytes),
            reported: AtomicBool::new(false),
        }
    }

    /// Take `n` bytes; false when fewer are left, and from then on nothing is left (a shorter
    /// pattern of a later file does not slip in: past the budget, no pattern applies).
    pub fn take(&self, n: usize) -> bool {
        let ok = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| l.checked_sub(n))
            .is_ok();
        if !ok {
            self.left.store(0, Ordering::Relaxed);
        }
        ok
    }

    /// Whether a pattern did not fit (the walk's files then depend on which came first).
    pub fn exhausted(&self) -> bool {
        self.reported.load(Ordering::Relaxed)
    }
}

/// Add the patterns of the ignore file at `path` (if there is one) to `b`. A file that does not
/// exist (or a dangling link, as the `ignore` crate skips it) adds nothing and no problem.
/// `roots`: where a symbolic link may lead.
fn add_file(
    b: &mut GitignoreBuilder,
    path: &Path,
    roots: &[PathBuf],
    budget: &Budget,
    problems: &mut Vec<Problem>,
) {
    if std::fs::symlink_metadata(path).is_err() || std::fs::metadata(path).is_err() {
        return;
    }
    let bytes = match crate::source::read_bounded_within(path, MAX_IGNORE_FILE_BYTES, Some(roots)) {
        Ok(b) => b,
        Err(why) => {
            problems.push(Problem {
                path: path.to_path_buf(),
                line: 1,
                budget: None,
                // The cap of ignore files is fixed, not `--max-file-size`.
                why: format!(
                    "ignore file not used: {}",
                    why.replace(" (--max-file-size)", "")
                ),
            });
            return;
        }
    };
    // As `GitignoreBuilder::add`: lines split at `\n` (a `\r` before it dropped), a first-line
    // BOM dropped, a line that is not UTF-8 skipped, an invalid pattern ignored.
    for (i, raw) in bytes.split(|&c| c == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Ok(line) = std::str::from_utf8(raw) else {
            continue;
        };
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !budget.take(line.len()) {
            if !budget.reported.swap(true, Ordering::Relaxed) {
                problems.push(Problem {
                    path: path.to_path_buf(),
                    line: i + 1,
                    budget: Some(String::from_utf8_lossy(&bytes).into_owned()),
                    why: format!(
                        "ignore patterns past kexit's budget of {} per run are not applied: this line and the rest of the file (and of any ignore file read after it) are not used",
                        crate::budget::human(MAX_IGNORE_PATTERN_BYTES)
                    ),
                });
            }
            break;
        }
        let _ = b.add_line(Some(path.to_path_buf()), line);
    }
}

/// A matcher built from `files` (in precedence order, lowest first) for paths under `dir`;
/// None when they hold no pattern.
fn matcher(
    dir: &Path,
    files: &[PathBuf],
    roots: &[PathBuf],
    budget: &Budget,
    problems: &mut Vec<Problem>,
) -> Option<Gitignore> {
    let mut b = GitignoreBuilder::new(dir);
    for f in files {
        add_file(&mut b, f, roots, budget, problems);
    }
    match b.build() {
        Ok(gi) if !gi.is_empty() => Some(gi),
        Ok(_) => None,
        Err(e) => {
            if let Some(f) = files.first() {
                problems.push(Problem {
                    path: f.clone(),
                    line: 1,
                    budget: None,
                    why: format!("ignore file not used: {e}"),
                });
            }
            None
        }
    }
}

/// The common git directory of the work tree at `dir` (`dir/.git`, or what a `.git` file and
/// its `commondir` point at), where `info/exclude` lives; None when `dir` holds no `.git`.
fn git_common_dir(dir: &Path) -> Option<PathBuf> {
    let dot = dir.join(".git");
    let meta = std::fs::metadata(&dot).ok()?;
    if !meta.is_file() {
        return Some(dot);
    }
    let first_line = |p: &Path| -> Option<String> {
        let bytes = crate::source::read_bounded(p, MAX_GIT_POINTER_BYTES).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        Some(text.lines().next()?.trim_end().to_string())
    };
    let line = first_line(&dot)?;
    let git_dir = dir.join(line.strip_prefix("gitdir:")?.trim());
    let common = first_line(&git_dir.join("commondir"))?;
    Some(git_dir.join(common))
}

/// The ignore matchers of one directory, by precedence (lowest first): `.git/info/exclude`,
/// `.gitignore`, `.ignore`, `.kexitignore`.
#[derive(Default)]
struct Level {
    by_kind: [Option<Gitignore>; 4],
}

impl Level {
    /// `dir`'s ignore files; None when it has none. `roots`: where their links may lead.
    fn read(
        dir: &Path,
        roots: &[PathBuf],
        budget: &Budget,
        problems: &mut Vec<Problem>,
    ) -> Option<Level> {
        let mut level = Level::default();
        if let Some(common) = git_common_dir(dir) {
            // The exclude file may be a link inside the git directory too.
            let mut r = roots.to_vec();
            r.extend(std::fs::canonicalize(&common).ok());
            let exclude = common.join("info").join("exclude");
            level.by_kind[0] = matcher(dir, &[exclude], &r, budget, problems);
        }
        for (k, name) in NAMES.iter().enumerate() {
            level.by_kind[k + 1] = matcher(dir, &[dir.join(name)], roots, budget, problems);
        }
        level.by_kind.iter().any(Option::is_some).then_some(level)
    }
}

/// A directory's matchers and its nearest ancestor's that has any.
struct Node {
    level: Option<Level>,
    parent: Option<Arc<Node>>,
}

/// The ignore files of one walked tree, read lazily as the walk reaches each directory (from any
/// walker thread).
pub struct Tree {
    /// The walked root, as given (the paths the walk yields start with it).
    root: PathBuf,
    /// Its canonical path, for the parent directories' patterns.
    abs_root: Option<PathBuf>,
    /// Where an ignore file of the tree may link to: the tree, and the repository holding it.
    roots: Vec<PathBuf>,
    /// The parent directories' matchers, nearest first.
    parents: Vec<Level>,
    dirs: Mutex<HashMap<PathBuf, Arc<Node>>>,
    budget: Arc<Budget>,
    problems: Mutex<Vec<Problem>>,
}

impl Tree {
    pub fn new(root: &Path, budget: Arc<Budget>) -> Tree {
        let abs_root = std::fs::canonicalize(root).ok();
        let mut roots: Vec<PathBuf> = abs_root.iter().cloned().collect();
        let mut problems = Vec::new();
        let mut parents = Vec::new();
        if let Some(abs) = &abs_root {
            // The repository: the nearest directory (the root or above) holding `.git`.
            if let Some(repo) = abs.ancestors().skip(1).find(|a| a.join(".git").exists()) {
                if !abs.join(".git").exists() {
                    roots.push(repo.to_path_buf());
                }
            }
            for a in abs.ancestors().skip(1) {
                // Above the repository, a link may lead within its own directory only.
                let r = if roots.iter().any(|r| a.starts_with(r)) {
                    roots.clone()
                } else {
                    vec![a.to_path_buf()]
                };
                if let Some(level) = Level::read(a, &r, &budget, &mut problems) {
                    parents.push(level);
                }
            }
        }
        Tree {
            root: root.to_path_buf(),
            abs_root,
            roots,
            parents,
            dirs: Mutex::new(HashMap::new()),
            budget,
            problems: Mutex::new(problems),
        }
    }

    /// The node of directory `dir` (the root or below it), built on first use.
    fn node(&self, dir: &Path) -> Arc<Node> {
        if let Some(n) = self.dirs.lock().ok().and_then(|m| m.get(dir).cloned()) {
            return n;
        }
        let parent = if dir == self.root || !dir.starts_with(&self.root) {
            None
        } else {
            dir.parent().map(|p| self.node(p))
        };
        let mut problems = Vec::new();
        let level = Level::read(dir, &self.roots, &self.budget, &mut problems);
        if !problems.is_empty() {
            if let Ok(mut p) = self.problems.lock() {
                p.extend(problems);
            }
        }
        let node = match (level, parent) {
            // No ignore file here: the parent's node serves (chains stay short).
            (None, Some(parent)) => parent,
            (level, parent) => Arc::new(Node { level, parent }),
        };
        match self.dirs.lock() {
            Ok(mut m) => m.entry(dir.to_path_buf()).or_insert(node).clone(),
            Err(_) => node,
        }
    }

    /// Whether the walk skips `path` (a directory when `is_dir`), met in its parent directory.
    pub fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        let Some(dir) = path.parent() else {
            return false;
        };
        let node = self.node(dir);
        let abs = match (&self.abs_root, path.strip_prefix(&self.root)) {
            (Some(a), Ok(rel)) if !self.parents.is_empty() => Some(a.join(rel)),
            _ => None,
        };
        // By kind, highest precedence first; within a kind, the deepest directory decides.
        for kind in (0..4).rev() {
            let mut n = Some(&node);
            while let Some(x) = n {
                if let Some(gi) = x.level.as_ref().and_then(|l| l.by_kind[kind].as_ref()) {
                    let m = gi.matched(path, is_dir);
                    if !m.is_none() {
                        return m.is_ignore();
                    }
                }
                n = x.parent.as_ref();
            }
            if let Some(abs) = &abs {
                for l in &self.parents {
                    if let Some(gi) = &l.by_kind[kind] {
                        let m = gi.matched(abs, is_dir);
                        if !m.is_none() {
                            return m.is_ignore();
                        }
                    }
                }
            }
        }
        false
    }

    /// The problems met so far, sorted.
    pub fn problems(&self) -> Vec<Problem> {
        let mut v = self.problems.lock().map(|p| p.clone()).unwrap_or_default();
        v.sort();
        v.dedup_by(|a, b| a.path == b.path && a.budget.is_some() == b.budget.is_some());
        v
    }
}

/// The matcher of one ignore file (with the directory it applies to), read as a walk reads it;
/// None when there is none or it cannot be used. For callers outside a walk (git's index, a
/// Compose path check).
pub fn read_one(dir: &Path, file: &Path, roots: &[PathBuf], budget: &Budget) -> Option<Gitignore> {
    matcher(dir, &[file.to_path_buf()], roots, budget, &mut Vec::new())
}

#[cfg(test)]
#[path = "ignore_files_tests.rs"]
mod tests;
