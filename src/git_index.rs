//! git's index (`.git/index`, gitformat-index(5)): the tracked files of a work tree as the next
//! commit holds them, with each file's staged blob id and the stat data git recorded for it.
//!
//! Read for `--staged-context` runs (pre-commit): the file list replaces the directory walk, and
//! the blob ids key the context cache ([`crate::context_cache`]), so an unchanged file is neither
//! walked to nor read. Only what that needs is read (path, blob id, size, mtime, mode, flags);
//! anything this reader does not handle exactly (a split or sparse index, unmerged entries, an
//! unknown version or extension layout, a path that is not UTF-8) gives `None`, and the caller
//! walks the working tree as without the flag. Versions 2, 3 and 4 (path prefix compression),
//! SHA-1 and SHA-256 object ids (told apart by where the entries end).
//!
//! Not the `gix-index` crate: it brings 83 packages (a second `syn`, a date library, a progress
//! library) for a file format whose part needed here is a few fixed-size fields per entry.

use std::path::{Path, PathBuf};

/// Size of an index file read at most (a 1,000,000-file repository's index is ~100 MB).
const MAX_INDEX_BYTES: u64 = 256 * 1024 * 1024;

/// A blob id: SHA-1 (20 bytes) or SHA-256 (32), zero-padded.
pub type Oid = [u8; 32];

/// One tracked file.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Relative to the work tree, `/`-separated.
    pub path: String,
    pub oid: Oid,
    /// Size and modification time as git last saw the file (its stat cache).
    pub size: u32,
    pub mtime: (u32, u32),
    pub mode: u32,
    /// `git add -N`: tracked, with no content staged yet.
    pub intent_to_add: bool,
    /// Sparse checkout: not in the work tree.
    pub skip_worktree: bool,
}

impl Entry {
    /// A regular file (not a symlink or submodule).
    pub fn is_file(&self) -> bool {
        self.mode & 0o170000 == 0o100000
    }
}

#[derive(Debug)]
pub struct Index {
    pub entries: Vec<Entry>,
    /// Modification time of the index file itself (git's racy-clean rule: an entry whose
    /// mtime is not older than this cannot be trusted from its stat data alone).
    pub mtime: std::time::SystemTime,
}

/// The git directory of a work tree root: `.git` as a directory, or the `gitdir:` a `.git` file
/// names (worktrees, submodules).
pub fn git_dir(work_tree: &Path) -> Option<PathBuf> {
    let dot = work_tree.join(".git");
    let meta = std::fs::symlink_metadata(&dot).ok()?;
    if meta.is_dir() {
        return Some(dot);
    }
    if !meta.is_file() || meta.len() > 4096 {
        return None;
    }
    let text = std::fs::read_to_string(&dot).ok()?;
    let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
    let p = Path::new(target);
    let dir = if p.is_absolute() {
        p.to_path_buf()
    } else {
        work_tree.join(p)
    };
    dir.is_dir().then_some(dir)
}

/// The index of the work tree rooted at `work_tree`, or `None` (see the module doc).
pub fn read(work_tree: &Path) -> Option<Index> {
    let path = git_dir(work_tree)?.join("index");
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_INDEX_BYTES {
        return None;
    }
    let bytes = crate::source::read_bounded(&path, MAX_INDEX_BYTES).ok()?;
    let entries = parse(&bytes, 20).or_else(|| parse(&bytes, 32))?;
    Some(Index {
        entries,
        mtime: meta.modified().ok()?,
    })
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.b.get(self.at..end)?;
        self.at = end;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        let s = self.take(4)?;
        Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u16(&mut self) -> Option<u16> {
        let s = self.take(2)?;
        Some(u16::from_be_bytes([s[0], s[1]]))
    }
    /// Bytes up to a NUL (consumed, not returned).
    fn cstr(&mut self) -> Option<&'a [u8]> {
        let rest = self.b.get(self.at..)?;
        let n = rest.iter().position(|&c| c == 0)?;
        self.at += n + 1;
        Some(&rest[..n])
    }
    /// Version 4's offset varint (git's `decode_varint`).
    fn varint(&mut self) -> Option<usize> {
        let mut c = *self.take(1)?.first()?;
        let mut val = usize::from(c & 0x7f);
        while c & 0x80 != 0 {
            c = *self.take(1)?.first()?;
            val = val.checked_add(1)?.checked_mul(128)? | usize::from(c & 0x7f);
        }
        Some(val)
    }
}

/// The entries of an index whose object ids are `hash_len` bytes long, if the file parses
/// exactly (entries, extensions, then a checksum of that length closing the file).
/// Longest path an entry may have (Linux's `PATH_MAX`).
const MAX_PATH_BYTES: usize = 4096;

fn parse(b: &[u8], hash_len: usize) -> Option<Vec<Entry>> {
    let mut c = Cursor { b, at: 0 };
    if c.take(4)? != b"DIRC" {
        return None;
    }
    let version = c.u32()?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = usize::try_from(c.u32()?).ok()?;
    // Each entry takes at least 62 bytes: a count the file cannot hold is not believed.
    if count > b.len() / 62 {
        return None;
    }
    let mut entries = Vec::with_capacity(count);
    let mut prev: Vec<u8> = Vec::new();
    // Version 4 compresses each path against the one before: a hand-made index can make entry k
    // k bytes long (80,000 entries in 5 MB held 3.1 GB, then an abort). A path longer than
    // Linux can name, or paths adding up to more than eight times the file, are not believed:
    // the index is not used (the walk is).
    let mut path_bytes = 0usize;
    let path_budget = b.len().saturating_mul(8).max(1 << 20);
    for _ in 0..count {
        let start = c.at;
        c.take(8)?; // ctime
        let mtime = (c.u32()?, c.u32()?);
        c.take(8)?; // dev, ino
        let mode = c.u32()?;
        c.take(8)?; // uid, gid
        let size = c.u32()?;
        let mut oid = [0u8; 32];
        oid[..hash_len].copy_from_slice(c.take(hash_len)?);
        let flags = c.u16()?;
        let (mut intent_to_add, mut skip_worktree) = (false, false);
        if flags & 0x4000 != 0 {
            if version < 3 {
                return None;
            }
            let ext = c.u16()?;
            skip_worktree = ext & 0x4000 != 0;
            intent_to_add = ext & 0x2000 != 0;
        }
        // Unmerged (a merge in progress): which side is the file is not for kexit to guess.
        if (flags >> 12) & 0x3 != 0 {
            return None;
        }
        let name = if version == 4 {
            let strip = c.varint()?;
            let keep = prev.len().checked_sub(strip)?;
            prev.truncate(keep);
            prev.extend_from_slice(c.cstr()?);
            path_bytes = path_bytes.saturating_add(prev.len());
            if prev.len() > MAX_PATH_BYTES || path_bytes > path_budget {
                return None;
            }
            prev.clone()
        } else {
            let name = c.cstr()?.to_vec();
            // Padding: the entry's length is a multiple of 8, with 1 to 8 NULs after the name.
            let len = c.at - start;
            let padded = (len + 7) & !7;
            c.take(padded - len)?;
            name
        };
        // A sparse index's directory entry: the files below it are not listed.
        if mode & 0o170000 == 0o040000 {
            return None;
        }
        let path = String::from_utf8(name).ok()?;
        entries.push(Entry {
            path,
            oid,
            size,
            mtime,
            mode,
            intent_to_add,
            skip_worktree,
        });
    }
    // Extensions: a split index (`link`) keeps entries in another file; `sdir` marks a sparse
    // index. Others (the cache tree, untracked cache, resolve undo, …) are not needed.
    loop {
        let rest = b.len().checked_sub(c.at)?;
        if rest == hash_len {
            return Some(entries);
        }
        let sig = c.take(4)?;
        if sig == b"link" || sig == b"sdir" {
            return None;
        }
        let len = usize::try_from(c.u32()?).ok()?;
        c.take(len)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_v2(path: &str, oid: u8, size: u32, mtime: u32) -> Vec<u8> {
        let mut e = Vec::new();
        e.extend_from_slice(&[0; 8]);
        e.extend_from_slice(&mtime.to_be_bytes());
        e.extend_from_slice(&7u32.to_be_bytes());
        e.extend_from_slice(&[0; 8]);
        e.extend_from_slice(&0o100644u32.to_be_bytes());
        e.extend_from_slice(&[0; 8]);
        e.extend_from_slice(&size.to_be_bytes());
        e.extend_from_slice(&[oid; 20]);
        let flags = u16::try_from(path.len().min(0xfff)).unwrap_or(0xfff);
        e.extend_from_slice(&flags.to_be_bytes());
        e.extend_from_slice(path.as_bytes());
        let len = e.len() + 1;
        e.resize((len + 7) & !7, 0);
        e
    }

    fn index_v2(entries: &[Vec<u8>], ext: &[u8]) -> Vec<u8> {
        let mut b = b"DIRC".to_vec();
        b.extend_from_slice(&2u32.to_be_bytes());
        b.extend_from_slice(&u32::try_from(entries.len()).unwrap_or(0).to_be_bytes());
        for e in entries {
            b.extend_from_slice(e);
        }
        b.extend_from_slice(ext);
        b.extend_from_slice(&[0xab; 20]);
        b
    }

    #[test]
    fn version_2_entries_and_extensions() {
        let tree = [b"TREE".as_slice(), &3u32.to_be_bytes(), b"xyz"].concat();
        let b = index_v2(
            &[
                entry_v2("a/deploy.yaml", 1, 10, 100),
                entry_v2("b/Dockerfile", 2, 20, 200),
            ],
            &tree,
        );
        let e = parse(&b, 20).unwrap_or_default();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].path, "a/deploy.yaml");
        assert_eq!(e[1].path, "b/Dockerfile");
        assert_eq!((e[1].size, e[1].mtime.0, e[1].oid[0]), (20, 200, 2));
        assert!(e[0].is_file());
        // The same bytes read as SHA-256 do not parse.
        assert!(parse(&b, 32).is_none());
    }

    #[test]
    fn split_index_and_truncation_are_refused() {
        let link = [b"link".as_slice(), &0u32.to_be_bytes()].concat();
        assert!(parse(&index_v2(&[entry_v2("x.yaml", 1, 1, 1)], &link), 20).is_none());
        let b = index_v2(&[entry_v2("x.yaml", 1, 1, 1)], &[]);
        for n in 0..b.len() {
            assert!(parse(&b[..n], 20).is_none());
        }
    }

    fn index_v4(entries: &[(u8, &str)]) -> Vec<u8> {
        let mut b = b"DIRC".to_vec();
        b.extend_from_slice(&4u32.to_be_bytes());
        b.extend_from_slice(&u32::try_from(entries.len()).unwrap_or(0).to_be_bytes());
        for (strip, suffix) in entries {
            let mut e = vec![0u8; 24];
            e.extend_from_slice(&0o100644u32.to_be_bytes());
            e.extend_from_slice(&[0; 12]);
            e.extend_from_slice(&[9; 20]);
            e.extend_from_slice(&0u16.to_be_bytes());
            e.push(*strip);
            e.extend_from_slice(suffix.as_bytes());
            e.push(0);
            b.extend_from_slice(&e);
        }
        b.extend_from_slice(&[0; 20]);
        b
    }

    /// Each entry keeps the whole path before it and adds a byte: paths of quadratic total
    /// length (3.1 GB from 5 MB). Past PATH_MAX, or eight times the file, the index is refused.
    #[test]
    fn version_4_paths_growing_without_bound_are_refused() {
        let grow = vec![(0u8, "x"); 20_000];
        assert!(parse(&index_v4(&grow), 20).is_none());
        // Each replacing the last byte of the one before: fine.
        let mut short = vec![(0u8, "x")];
        short.extend(vec![(1u8, "y"); 19_999]);
        assert_eq!(parse(&index_v4(&short), 20).map(|e| e.len()), Some(20_000));
    }

    #[test]
    fn version_4_prefix_compression() {
        let b = index_v4(&[(0u8, "deploy/a.yaml"), (6, "b.yaml")]);
        let e = parse(&b, 20).unwrap_or_default();
        let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["deploy/a.yaml", "deploy/b.yaml"]);
        assert!(e.iter().all(|e| e.is_file() && e.oid[0] == 9));
    }
}
