//! Source files and locations: every finding points at a byte range of one of these.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Index of a file in [`crate::project::Project::files`].
pub type FileId = usize;

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span {
            file,
            start: range.start,
            end: range.end.max(range.start),
        }
    }
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// What kind of input a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Manifest,
    Dockerfile,
    /// A script or other file read because something references it (COPY source, skaffold.yaml).
    Other,
}

/// A file's text with its line index (byte offsets of line starts), computed on first use: only
/// files with findings or suppression comments need it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as reached from the arguments (relative stays relative), or the stdin name.
    pub path: String,
    pub kind: FileKind,
    pub text: String,
    /// Whether findings in this file are reported (false for context-only files).
    pub report: bool,
    line_starts: OnceLock<Vec<usize>>,
    /// Characters before each [`CHAR_MARK`]-byte mark of the text, built when a column is asked
    /// for far into a long line (a one-line JSON list of 60,000 findings counted each column
    /// from the line's start: 8 s).
    char_marks: OnceLock<Vec<usize>>,
}

/// Bytes between two entries of [`SourceFile::char_marks`].
const CHAR_MARK: usize = 4096;

/// Characters in UTF-8 `bytes` (a slice of a `str` that may cut a character: the bytes that
/// start a character are counted).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl SourceFile {
    pub fn new(path: impl Into<String>, kind: FileKind, text: String) -> SourceFile {
        SourceFile {
            path: path.into(),
            kind,
            text,
            report: true,
            line_starts: OnceLock::new(),
            char_marks: OnceLock::new(),
        }
    }

    fn index(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        let breaks = |b: &[u8], i: usize| match b[i] {
            b'\n' => true,
            b'\r' => b.get(i + 1) != Some(&b'\n'),
            _ => false,
        };
        // Counted first, so the index is allocated once at its size: a growing list (and its
        // final shrink) briefly held twice the index of a large file.
        let lines = 1 + (0..bytes.len()).filter(|&i| breaks(bytes, i)).count();
        let mut line_starts = Vec::with_capacity(lines);
        line_starts.push(0);
        line_starts.extend(
            (0..bytes.len())
                .filter(|&i| breaks(bytes, i))
                .map(|i| i + 1),
        );
        line_starts
    }

    /// Byte offsets at which lines start (line 1 at index 0).
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| Self::index(&self.text))
    }

    /// 1-based line and 1-based column (counted in characters) of a byte offset.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let byte = self.clamp(byte);
        let line = match self.line_starts().binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts()[line];
        (line + 1, self.chars_between(start, byte) + 1)
    }

    /// Characters in the text between byte offsets `start <= end` (clamped).
    fn chars_between(&self, start: usize, end: usize) -> usize {
        let bytes = self.text.as_bytes();
        let end = end.min(bytes.len());
        let start = start.min(end);
        if end - start <= 2 * CHAR_MARK {
            return chars_in(&bytes[start..end]);
        }
        self.chars_before(end) - self.chars_before(start)
    }

    /// Characters before byte offset `at` (at most the text's length), from the marks.
    fn chars_before(&self, at: usize) -> usize {
        let bytes = self.text.as_bytes();
        let marks = self.char_marks.get_or_init(|| {
            let mut marks = Vec::with_capacity(bytes.len() / CHAR_MARK + 1);
            let mut n = 0;
            marks.push(0);
            for chunk in bytes.chunks(CHAR_MARK) {
                n += chars_in(chunk);
                marks.push(n);
            }
            marks
        });
        let k = at / CHAR_MARK;
        let base = marks.get(k).copied().unwrap_or(0);
        base + chars_in(bytes.get(k * CHAR_MARK..at).unwrap_or(&[]))
    }

    /// Byte offset of a 1-based line and 0-based character column (clamped to the line).
    pub fn offset_of(&self, line: usize, char_col: usize) -> usize {
        let idx = line.saturating_sub(1).min(self.line_starts().len() - 1);
        let start = self.line_starts()[idx];
        let end = self.line_end(idx);
        let line_text = self.text.get(start..end).unwrap_or("");
        match line_text.char_indices().nth(char_col) {
            Some((b, _)) => start + b,
            None => end,
        }
    }

    /// Byte offset where 0-based line `idx` ends (before its line break).
    fn line_end(&self, idx: usize) -> usize {
        let next = self
            .line_starts()
            .get(idx + 1)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        let mut end = next;
        while end > self.line_starts()[idx] && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        end
    }

    /// The text of a 1-based line without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let idx = line.saturating_sub(1).min(self.line_starts().len() - 1);
        self.text
            .get(self.line_starts()[idx]..self.line_end(idx))
            .unwrap_or("")
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// Clamp a byte offset into the text, onto a char boundary.
    pub fn clamp(&self, byte: usize) -> usize {
        let mut b = byte.min(self.text.len());
        while b > 0 && !self.text.is_char_boundary(b) {
            b -= 1;
        }
        b
    }

    pub fn slice(&self, span: Span) -> &str {
        let s = self.clamp(span.start);
        let e = self.clamp(span.end).max(s);
        &self.text[s..e]
    }
}

/// Read at most `cap` bytes of a regular file. The cap applies to the bytes actually read (a
/// procfs file says 0 bytes in `stat` and never ends), so a file over it is an error, never a
/// silent truncation. FIFOs, devices, sockets and kernel pseudo-files (procfs, sysfs) are
/// refused without being read: the file is opened non-blocking (a FIFO cannot block the open)
/// and its type is checked on the open descriptor.
pub fn read_bounded(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    read_bounded_within(path, cap, None)
}

/// The message of a symbolic link [`read_bounded_within`] does not follow.
const LINK_OUTSIDE: &str =
    "a symbolic link to a file outside the linted tree (not followed, not read)";

/// [`read_bounded`] that, given `roots`, follows a symbolic link only when it resolves inside
/// one of them (a file of a pull request must not make kexit read, and print, a file of the
/// machine it runs on). One `lstat` serves both checks: a regular file costs no more system
/// calls than with [`read_bounded`].
pub fn read_bounded_within(
    path: &Path,
    cap: u64,
    roots: Option<&[PathBuf]>,
) -> Result<Vec<u8>, String> {
    use std::io::Read;
    // Check the type before opening too: opening some devices has side effects.
    let lstat = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    let pre = if lstat.file_type().is_symlink() {
        if roots.is_some_and(|r| !resolves_within(path, r)) {
            return Err(LINK_OUTSIDE.to_string());
        }
        std::fs::metadata(path).map_err(|e| e.to_string())?
    } else {
        lstat
    };
    if !pre.is_file() {
        return Err(NOT_REGULAR.to_string());
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let f = opts.open(path).map_err(|e| e.to_string())?;
    let meta = f.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(NOT_REGULAR.to_string());
    }
    if pseudo_fs(&f, &meta) {
        return Err("a kernel pseudo-file (procfs or sysfs), not a file of the tree".to_string());
    }
    if meta.len() > cap {
        return Err(format!(
            "file is {} bytes, over the size cap of {cap} bytes (--max-file-size)",
            meta.len()
        ));
    }
    // The size is within the cap (checked above), so it bounds the allocation: reading into
    // an exact buffer keeps a 10 MB file from costing 16 MB (growth by doubling). A file that
    // grows meanwhile is still read up to the cap.
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    f.take(cap.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() as u64 > cap {
        return Err(format!(
            "file is over the size cap of {cap} bytes (--max-file-size)"
        ));
    }
    Ok(buf)
}

/// [`read_bounded`] as UTF-8 text; None when unreadable, over `cap`, not a regular file or not
/// UTF-8. For the files loaders read on the side (compose `.env`/`env_file`, kustomizations,
/// rendered chart sources, configuration): every read is bounded by bytes actually read.
pub fn read_text_bounded(path: &Path, cap: u64) -> Option<String> {
    String::from_utf8(read_bounded(path, cap).ok()?).ok()
}

const NOT_REGULAR: &str = "not a regular file (a FIFO, device, socket or directory is never read)";

/// [`statfs_pseudo`] once per file system (`st_dev`): a walk of 20,000 files asks it a handful
/// of times, not 20,000.
#[cfg(target_os = "linux")]
fn pseudo_fs(f: &std::fs::File, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    use std::sync::Mutex;
    static SEEN: Mutex<Vec<(u64, bool)>> = Mutex::new(Vec::new());
    let dev = meta.dev();
    if let Ok(seen) = SEEN.lock() {
        if let Some((_, p)) = seen.iter().find(|(d, _)| *d == dev) {
            return *p;
        }
    }
    let p = statfs_pseudo(f);
    if let Ok(mut seen) = SEEN.lock() {
        // Bounded: a tree spans few file systems; past 64, ask every time.
        if seen.len() < 64 {
            seen.push((dev, p));
        }
    }
    p
}

#[cfg(target_os = "linux")]
fn statfs_pseudo(f: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    const PROC_SUPER_MAGIC: i64 = 0x9fa0;
    const SYSFS_MAGIC: i64 = 0x6265_6572;
    const DEBUGFS_MAGIC: i64 = 0x6462_6720;
    // SAFETY: `statfs` is a plain C struct for which all-zero bytes are a valid value, and
    // `fstatfs` only writes into it; the descriptor is open for the duration of the call.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstatfs(f.as_raw_fd(), &mut st) } != 0 {
        return false;
    }
    #[allow(clippy::unnecessary_cast)]
    let t = st.f_type as i64;
    matches!(t, PROC_SUPER_MAGIC | SYSFS_MAGIC | DEBUGFS_MAGIC)
}

#[cfg(not(target_os = "linux"))]
fn pseudo_fs(_f: &std::fs::File, _meta: &std::fs::Metadata) -> bool {
    false
}

/// The linted tree: canonical directories whose files may be read. Empty means the working
/// directory.
pub fn default_roots(roots: &[PathBuf]) -> Vec<PathBuf> {
    if !roots.is_empty() {
        // Sorted, for [`within`].
        let mut v = roots.to_vec();
        v.sort();
        return v;
    }
    std::env::current_dir()
        .ok()
        .and_then(|c| std::fs::canonicalize(c).ok())
        .into_iter()
        .collect()
}

/// `std::fs::canonicalize` of many paths that share ancestors, each ancestor resolved once: a
/// path whose last component is no symbolic link is its canonical parent joined with that
/// component (one `lstat`, where `canonicalize` reads every component's link and the working
/// directory again). A run naming 2,000 files in sibling directories resolves their common
/// ancestors once.
#[derive(Default)]
pub struct Canonical {
    seen: std::collections::HashMap<PathBuf, Option<PathBuf>>,
}

impl Canonical {
    pub fn get(&mut self, path: &Path) -> Option<PathBuf> {
        if let Some(c) = self.seen.get(path) {
            return c.clone();
        }
        let c = self.resolve(path);
        self.seen.insert(path.to_path_buf(), c.clone());
        c
    }

    fn resolve(&mut self, path: &Path) -> Option<PathBuf> {
        use std::path::Component;
        let path = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        let (Some(parent), Some(Component::Normal(name))) =
            (path.parent(), path.components().next_back())
        else {
            // `/`, `.`, `..`, a bare prefix: as the system resolves it.
            return std::fs::canonicalize(path).ok();
        };
        // `a/../b` is not `b` when `a` is a link; a link is resolved by the system.
        if path.components().any(|c| c == Component::ParentDir)
            || std::fs::symlink_metadata(path)
                .ok()?
                .file_type()
                .is_symlink()
        {
            return std::fs::canonicalize(path).ok();
        }
        // The parent of `name` is the working directory (`.`, from the empty path).
        Some(self.get(parent)?.join(name))
    }
}

/// Whether `path` resolves (all symbolic links followed) to a place inside one of `roots`
/// (canonical directories). A path that cannot be resolved is outside.
pub fn resolves_within(path: &Path, roots: &[PathBuf]) -> bool {
    std::fs::canonicalize(path).is_ok_and(|t| within(&t, roots))
}

/// Whether `path` is one of `roots` or below one. `roots` sorted (as the linted tree's roots
/// are): each ancestor of `path` is looked up by binary search, so a run naming thousands of
/// files (each its own root) does not compare every path with every root.
pub fn within(path: &Path, roots: &[PathBuf]) -> bool {
    if roots.len() <= 8 {
        return roots.iter().any(|r| path.starts_with(r));
    }
    path.ancestors()
        .any(|a| roots.binary_search_by(|r| r.as_path().cmp(a)).is_ok())
}

/// A span that names a file but no place in it: a finding in rendered output whose source line
/// is not known (the origin file is certain, a line would be a guess). Outputs print the file
/// without line and column.
impl Span {
    pub const NO_LINE: usize = usize::MAX;
    pub fn file_only(file: FileId) -> Span {
        Span {
            file,
            start: Span::NO_LINE,
            end: Span::NO_LINE,
        }
    }
    pub fn has_line(&self) -> bool {
        self.start != Span::NO_LINE
    }
}

/// A path with `.` and `..` resolved lexically, without touching the file system (`./a/../b` is
/// `b`; a leading `..` stays).
pub fn norm_path(p: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Canonical`] agrees with `std::fs::canonicalize` through links to directories, links
    /// in the middle of a path, `..`, a missing path and the working directory.
    #[cfg(unix)]
    #[test]
    fn canonical_is_canonicalize() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b/c")).unwrap();
        std::fs::create_dir_all(root.join("x")).unwrap();
        std::os::unix::fs::symlink(root.join("a/b"), root.join("x/link")).unwrap();
        std::os::unix::fs::symlink("../a", root.join("x/rel")).unwrap();
        let mut c = Canonical::default();
        for rel in [
            "",
            "a",
            "a/b",
            "a/b/c",
            "x",
            "x/link",
            "x/link/c",
            "x/rel/b/c",
            "x/link/../b",
            "a/./b",
            "missing",
            "x/link/missing",
            "a/b/c/",
        ] {
            let p = root.join(rel);
            assert_eq!(c.get(&p), std::fs::canonicalize(&p).ok(), "{rel}");
            // Twice: the memo answers the same.
            assert_eq!(c.get(&p), std::fs::canonicalize(&p).ok(), "{rel}");
        }
        for rel in [".", "", "src", "src/../src", "./src/image"] {
            let p = Path::new(rel);
            let want = std::fs::canonicalize(if rel.is_empty() { Path::new(".") } else { p });
            assert_eq!(c.get(p), want.ok(), "{rel}");
        }
    }

    #[test]
    fn within_many_roots_is_the_linear_check() {
        let mut roots: Vec<PathBuf> = (0..40)
            .map(|i| PathBuf::from(format!("/r/d{}/s{}", i % 7, i)))
            .chain(["/r/d1", "/x", "/r/d3/s10-b"].map(PathBuf::from))
            .collect();
        roots.sort();
        roots.dedup();
        for p in [
            "/r/d1/s1/f",
            "/r/d1",
            "/r/d2/s2",
            "/r/d2/s2/a/b",
            "/r/d2/s9",
            "/r/d3/s10-b/x",
            "/r/d3/s10",
            "/r/d3/s10/y",
            "/r/d3/s10-c",
            "/x",
            "/xy",
            "/",
            "/r",
        ] {
            let p = Path::new(p);
            assert_eq!(
                within(p, &roots),
                roots.iter().any(|r| p.starts_with(r)),
                "{}",
                p.display()
            );
        }
    }

    /// Columns far into a long line come from the character marks; they agree with counting.
    #[test]
    fn line_col_far_into_a_long_line() {
        let line: String = (0..5_000)
            .map(|i| if i % 7 == 0 { "çé" } else { "ab" })
            .collect();
        let text = format!("x\n{line}\ny");
        let f = SourceFile::new("a", FileKind::Other, text.clone());
        for b in [
            2,
            3,
            5000,
            8191,
            8192,
            8193,
            9000,
            text.len() - 2,
            text.len(),
        ] {
            let b = f.clamp(b);
            let (l, c) = f.line_col(b);
            let start = f.line_starts()[l - 1];
            assert_eq!(c, text[start..b].chars().count() + 1, "at {b}");
        }
    }

    #[test]
    fn line_col_counts_chars_and_handles_crlf() {
        let f = SourceFile::new("a", FileKind::Other, "ab\r\nçd\nx".to_string());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (2, 1));
        assert_eq!(f.line_col(6), (2, 2)); // 'd' after a 2-byte char
        assert_eq!(f.line_col(8), (3, 1));
        assert_eq!(f.line_text(1), "ab");
        assert_eq!(f.offset_of(2, 1), 6);
        assert_eq!(f.line_col(999), (3, 2));
    }
}
