//! The file-system model of one image: the entries of its catalogue base, shared (`Arc`) by
//! every image built on the same reference and never changed, under the entries the build
//! added or changed (which hide the base's entry of the same path). Reads see one map in key
//! order; a change to a base entry copies it first. A 1× monorepo builds 3,600 stages on seven
//! catalogue images of up to 800 paths each: sharing them is most of the model's memory.

use super::{Entry, Tri};
use std::cmp::Ordering;
use std::collections::btree_map::{self, BTreeMap};
use std::iter::Peekable;
use std::ops::Bound;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub(crate) struct Fs {
    base: Option<Arc<BTreeMap<String, Entry>>>,
    over: BTreeMap<String, Entry>,
    /// Keys of `over` that are also keys of `base`.
    shadowed: usize,
    /// Every base entry is plain ([`Entry::is_plain`]), as a catalogue image's are: the
    /// `*_nonplain` updates need not scan the base.
    base_plain: bool,
    /// Entries the bulk updates have visited so far, over this stage and the stages it was
    /// built on ([`crate::budget::MAX_FS_WORK`]).
    work: usize,
    /// Bytes of the keys of `over`: what a clone of this file system copies
    /// ([`crate::budget::MAX_STAGE_PATH_BYTES`]).
    over_bytes: usize,
    /// A directory whose every ancestor and itself is a plain directory entry
    /// ([`Fs::is_clean_dir`]), or empty: the last parent [`super::dockerfile::put`] made sure
    /// of. Walks up a path stop where it meets this chain (files created one by one in a
    /// directory 2,000 levels deep walked its 2,000 ancestors each). Any change to an entry of
    /// the chain empties it.
    clean_dir: String,
}

/// The key ranges of `dir` and the paths under it, handed to `f`: `dir` itself, and the keys
/// that start with `dir/`, which sort in [`dir/`, `dir0`) ('0' is the byte after '/').
fn subtree<R>(dir: &str, f: impl FnOnce(&[(Bound<&str>, Bound<&str>)]) -> R) -> R {
    let under = format!("{dir}/");
    let upper = format!("{dir}0");
    f(&[
        (Bound::Included(dir), Bound::Included(dir)),
        (
            Bound::Included(under.as_str()),
            Bound::Excluded(upper.as_str()),
        ),
    ])
}

impl Fs {
    /// The file system of a catalogue image (shared by every clone).
    pub(crate) fn shared(base: Arc<BTreeMap<String, Entry>>) -> Fs {
        Fs {
            base_plain: base.values().all(Entry::is_plain),
            base: Some(base),
            over: BTreeMap::new(),
            shadowed: 0,
            work: 0,
            over_bytes: 0,
            clean_dir: String::new(),
        }
    }

    fn in_base(&self, k: &str) -> bool {
        self.base.as_ref().is_some_and(|b| b.contains_key(k))
    }

    pub(crate) fn get(&self, k: &str) -> Option<&Entry> {
        self.over
            .get(k)
            .or_else(|| self.base.as_ref().and_then(|b| b.get(k)))
    }

    pub(crate) fn contains_key(&self, k: &str) -> bool {
        self.get(k).is_some()
    }

    /// Number of paths (a changed base entry counts once).
    pub(crate) fn len(&self) -> usize {
        self.base.as_ref().map_or(0, |b| b.len()) + self.over.len() - self.shadowed
    }

    pub(crate) fn insert(&mut self, k: String, e: Entry) {
        let in_base = self.in_base(&k);
        // Catalogue entries are the base's only ([`super::official::outside_distribution`]
        // reads them from the base).
        debug_assert!(in_base || !matches!(e.origin, super::Origin::Catalogue));
        let len = k.len();
        self.touch_chain(&k);
        if self.over.insert(k, e).is_none() {
            self.over_bytes = self.over_bytes.saturating_add(len);
            if in_base {
                self.shadowed += 1;
            }
        }
    }

    /// Bytes of the paths this file system holds besides its shared base: what a stage built
    /// on it copies ([`crate::budget::MAX_STAGE_PATH_BYTES`]).
    pub(crate) fn path_bytes(&self) -> usize {
        self.over_bytes
    }

    /// Whether some path of the shared base at or under `dir` (`/app`: `/app` and `/app/…`)
    /// has, as this file system now reads, an entry `pred` holds on: a range of the base (a
    /// catalogue row's few paths there), each looked up in the changes, not a scan of every
    /// path (a missed lookup asked this of 4,000 PATH directories × 1,000 commands over 4,000
    /// paths).
    pub(crate) fn base_any_under(&self, dir: &str, pred: impl Fn(&Entry) -> bool) -> bool {
        let Some(base) = &self.base else {
            return false;
        };
        subtree(dir, |ranges| {
            ranges
                .iter()
                .flat_map(|r| base.range::<str, _>(*r))
                .any(|(k, e)| pred(self.over.get(k.as_str()).unwrap_or(e)))
        })
    }

    /// The entry of a path, to change it (a base entry is copied first).
    pub(crate) fn get_mut(&mut self, k: &str) -> Option<&mut Entry> {
        self.touch_chain(k);
        if !self.over.contains_key(k) {
            let e = self.base.as_ref()?.get(k)?.clone();
            self.over.insert(k.to_string(), e);
            self.shadowed += 1;
            self.over_bytes = self.over_bytes.saturating_add(k.len());
        }
        self.over.get_mut(k)
    }

    /// Every path and its entry, in key order.
    pub(crate) fn iter(&self) -> Iter<'_> {
        self.range_from("")
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &String> {
        self.iter().map(|(k, _)| k)
    }

    /// The paths from `from` on, in key order.
    pub(crate) fn range_from<'a>(&'a self, from: &str) -> Iter<'a> {
        let bounds = (Bound::Included(from), Bound::Unbounded);
        Iter {
            over: self.over.range::<str, _>(bounds).peekable(),
            base: self
                .base
                .as_ref()
                .map(|b| b.range::<str, _>(bounds).peekable()),
        }
    }

    /// Apply `f` to every entry for which `pred` holds. Base entries `pred` holds for are copied
    /// first: `pred` should also exclude the entries `f` would leave as they are.
    pub(crate) fn update(
        &mut self,
        pred: impl Fn(&str, &Entry) -> bool,
        f: impl FnMut(&str, &mut Entry),
    ) {
        self.update_in(&[(Bound::Unbounded, Bound::Unbounded)], true, pred, f);
    }

    /// [`Fs::update`] for a `pred` that is false on every plain entry ([`Entry::is_plain`]):
    /// a base of plain entries only is not scanned (a RUN that fuzzes `/` on a catalogue image
    /// visited its 800 paths for nothing).
    pub(crate) fn update_nonplain(
        &mut self,
        pred: impl Fn(&str, &Entry) -> bool,
        f: impl FnMut(&str, &mut Entry),
    ) {
        let scan_base = !self.base_plain;
        self.update_in(&[(Bound::Unbounded, Bound::Unbounded)], scan_base, pred, f);
    }

    /// [`Fs::update`] on `dir` and the paths under `dir/` only (every path for `/`): a range of
    /// each map, not a scan of the whole base (a RUN that fuzzes a directory is common).
    pub(crate) fn update_subtree(
        &mut self,
        dir: &str,
        pred: impl Fn(&str, &Entry) -> bool,
        f: impl FnMut(&str, &mut Entry),
    ) {
        self.subtree(dir, true, pred, f);
    }

    /// [`Fs::update_subtree`] for a `pred` that is false on every plain entry, as
    /// [`Fs::update_nonplain`].
    pub(crate) fn update_subtree_nonplain(
        &mut self,
        dir: &str,
        pred: impl Fn(&str, &Entry) -> bool,
        f: impl FnMut(&str, &mut Entry),
    ) {
        let scan_base = !self.base_plain;
        self.subtree(dir, scan_base, pred, f);
    }

    fn subtree(
        &mut self,
        dir: &str,
        scan_base: bool,
        pred: impl Fn(&str, &Entry) -> bool,
        f: impl FnMut(&str, &mut Entry),
    ) {
        if dir == "/" {
            return self.update_in(&[(Bound::Unbounded, Bound::Unbounded)], scan_base, pred, f);
        }
        subtree(dir, |ranges| self.update_in(ranges, scan_base, pred, f));
    }

    /// `scan_base`: false when the base is known to hold nothing `pred` is true on.
    fn update_in(
        &mut self,
        ranges: &[(Bound<&str>, Bound<&str>)],
        scan_base: bool,
        pred: impl Fn(&str, &Entry) -> bool,
        mut f: impl FnMut(&str, &mut Entry),
    ) {
        let mut visited = 0usize;
        #[cfg(debug_assertions)]
        if let (false, Some(b)) = (scan_base, &self.base) {
            debug_assert!(
                !ranges
                    .iter()
                    .flat_map(|r| b.range::<str, _>(*r))
                    .any(|(k, e)| pred(k, e)),
                "a `*_nonplain` update whose predicate holds on a plain base entry"
            );
        }
        if let Some(b) = self.base.as_ref().filter(|_| scan_base) {
            let copied: Vec<(String, Entry)> = ranges
                .iter()
                .flat_map(|r| b.range::<str, _>(*r))
                .inspect(|_| visited += 1)
                .filter(|(k, e)| pred(k, e) && !self.over.contains_key(k.as_str()))
                .map(|(k, e)| (k.clone(), e.clone()))
                .collect();
            self.shadowed += copied.len();
            let bytes: usize = copied.iter().map(|(k, _)| k.len()).sum();
            self.over_bytes = self.over_bytes.saturating_add(bytes);
            self.over.extend(copied);
        }
        let mut chain_changed = false;
        for r in ranges {
            for (k, e) in self.over.range_mut::<str, _>(*r) {
                visited += 1;
                if pred(k, e) {
                    chain_changed |= on_chain(&self.clean_dir, k);
                    f(k, e);
                }
            }
        }
        if chain_changed {
            self.clean_dir.clear();
        }
        self.work = self.work.saturating_add(visited);
    }

    /// A plain directory: present, a directory, no link, no complete listing. What
    /// [`Fs::clean_dir`] holds: nothing a walk up a path stops at or rewrites.
    pub(crate) fn is_clean_dir(e: &Entry) -> bool {
        e.exists == Tri::Yes && e.is_dir == Tri::Yes && e.symlink.is_none() && !e.complete_dir
    }

    /// Records `dir` as a directory whose every ancestor and itself is a plain directory
    /// entry ([`Fs::is_clean_dir`]): the caller made sure of it.
    pub(crate) fn set_clean_dir(&mut self, dir: &str) {
        debug_assert!(self.get(dir).is_some_and(Fs::is_clean_dir));
        self.clean_dir.clear();
        // The root is on every chain: an entry of it must be plain too.
        if self.get("/").is_none_or(Fs::is_clean_dir) {
            self.clean_dir.push_str(dir);
        }
    }

    /// Length of the longest prefix of `p` ending at a component that is a directory of the
    /// clean chain (0 when none): the entries of `p`'s ancestors up to there are plain
    /// directories ([`Fs::is_clean_dir`]).
    pub(crate) fn clean_prefix_len(&self, p: &str) -> usize {
        let c = self.clean_dir.as_bytes();
        let p = p.as_bytes();
        let common = c.iter().zip(p).take_while(|(a, b)| a == b).count();
        // A whole component of both: the chain ends there or goes on to a '/', and so does p.
        let ends = |s: &[u8], i: usize| i == s.len() || s.get(i) == Some(&b'/');
        if common > 0 && ends(c, common) && ends(p, common) {
            return common;
        }
        c[..common].iter().rposition(|&b| b == b'/').unwrap_or(0)
    }

    /// Before `k`'s entry changes: an entry of the clean chain empties it.
    fn touch_chain(&mut self, k: &str) {
        if on_chain(&self.clean_dir, k) {
            self.clean_dir.clear();
        }
    }

    /// Entries visited by bulk updates so far (this stage and the stages it was built on).
    pub(crate) fn work(&self) -> usize {
        self.work
    }
}

/// Whether `k` is `chain` or one of its ancestors (the root included).
fn on_chain(chain: &str, k: &str) -> bool {
    !chain.is_empty()
        && (k == "/"
            || chain.starts_with(k) && matches!(chain.as_bytes().get(k.len()), None | Some(b'/')))
}

/// [`Fs::iter`]: the two maps merged in key order, the changed entry winning.
pub(crate) struct Iter<'a> {
    over: Peekable<btree_map::Range<'a, String, Entry>>,
    base: Option<Peekable<btree_map::Range<'a, String, Entry>>>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Entry);

    fn next(&mut self) -> Option<Self::Item> {
        let Some(base) = &mut self.base else {
            return self.over.next();
        };
        let order = match (self.over.peek(), base.peek()) {
            (Some((ko, _)), Some((kb, _))) => ko.cmp(kb),
            (Some(_), None) => Ordering::Less,
            (None, _) => Ordering::Greater,
        };
        match order {
            Ordering::Less => self.over.next(),
            Ordering::Greater => base.next(),
            Ordering::Equal => {
                base.next();
                self.over.next()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::{Origin, PathInfo, Tri};

    fn e(exec: Tri) -> Entry {
        Entry::new(PathInfo::present(Origin::Unknown, Tri::No, exec), 0)
    }

    #[test]
    fn overlay_reads_as_one_map() {
        let mut b = BTreeMap::new();
        b.insert("/a".to_string(), e(Tri::Yes));
        b.insert("/c".to_string(), e(Tri::Yes));
        let mut fs = Fs::shared(Arc::new(b));
        fs.insert("/b".to_string(), e(Tri::No));
        fs.insert("/c".to_string(), e(Tri::No));
        assert_eq!(fs.len(), 3);
        let keys: Vec<&str> = fs.keys().map(String::as_str).collect();
        assert_eq!(keys, ["/a", "/b", "/c"]);
        assert_eq!(fs.get("/c").map(|x| x.executable), Some(Tri::No));
        let clone = fs.clone();
        fs.update(|k, _| k == "/a", |_, x| x.executable = Tri::Unknown);
        assert_eq!(fs.get("/a").map(|x| x.executable), Some(Tri::Unknown));
        assert_eq!(clone.get("/a").map(|x| x.executable), Some(Tri::Yes));
        assert_eq!(fs.len(), 3);
        if let Some(x) = fs.get_mut("/c") {
            x.executable = Tri::Yes;
        }
        assert_eq!(fs.len(), 3);
        let from: Vec<&str> = fs.range_from("/b").map(|(k, _)| k.as_str()).collect();
        assert_eq!(from, ["/b", "/c"]);
    }

    fn dir() -> Entry {
        let mut d = e(Tri::Yes);
        d.info.is_dir = Tri::Yes;
        d
    }

    /// The clean chain covers the prefixes of a path that are its directories, and any change
    /// to one of them (or to the root) empties it.
    #[test]
    fn clean_chain_covers_its_directories_until_one_changes() {
        let mut fs = Fs::default();
        for k in ["/a", "/a/b", "/a/b/c"] {
            fs.insert(k.to_string(), dir());
        }
        fs.set_clean_dir("/a/b/c");
        assert_eq!(fs.clean_prefix_len("/a/b/c/d"), "/a/b/c".len());
        assert_eq!(fs.clean_prefix_len("/a/b/c"), "/a/b/c".len());
        assert_eq!(fs.clean_prefix_len("/a/b/cd"), "/a/b".len());
        assert_eq!(fs.clean_prefix_len("/a/x"), "/a".len());
        assert_eq!(fs.clean_prefix_len("/ab"), 0);
        assert_eq!(fs.clean_prefix_len("/"), 0);
        // Entries off the chain leave it as it is.
        fs.insert("/a/b/cd".to_string(), e(Tri::No));
        fs.update_subtree("/a/x", |_, _| true, |_, x| x.executable = Tri::No);
        assert_eq!(fs.clean_prefix_len("/a/b/c/d"), "/a/b/c".len());
        let mut changed = fs.clone();
        changed.insert("/a/b".to_string(), e(Tri::No));
        assert_eq!(changed.clean_prefix_len("/a/b/c/d"), 0);
        let mut changed = fs.clone();
        let _ = changed.get_mut("/a");
        assert_eq!(changed.clean_prefix_len("/a/b/c/d"), 0);
        let mut changed = fs.clone();
        changed.update_subtree("/a/b/c", |_, _| true, |_, x| x.executable = Tri::No);
        assert_eq!(changed.clean_prefix_len("/a/b/c/d"), 0);
        let mut changed = fs.clone();
        changed.insert("/".to_string(), e(Tri::No));
        assert_eq!(changed.clean_prefix_len("/a/b/c/d"), 0);
        // A root entry that is no plain directory: no chain.
        changed.set_clean_dir("/a");
        assert_eq!(changed.clean_prefix_len("/a/b"), 0);
    }

    /// `base_any_under` reads the base's range under a directory as the file system now reads
    /// it (a changed entry wins), as the old whole-map scan did.
    #[test]
    fn base_any_under_reads_the_changed_entries() {
        let mut b = BTreeMap::new();
        for k in ["/app", "/app/x", "/app-y", "/b"] {
            b.insert(k.to_string(), e(Tri::Yes));
        }
        let mut fs = Fs::shared(Arc::new(b));
        let yes = |x: &Entry| x.executable == Tri::Yes;
        assert!(fs.base_any_under("/app", yes));
        assert!(!fs.base_any_under("/ap", yes));
        assert!(!fs.base_any_under("/c", yes));
        for k in ["/app", "/app/x"] {
            if let Some(x) = fs.get_mut(k) {
                x.executable = Tri::No;
            }
        }
        assert!(!fs.base_any_under("/app", yes));
        assert!(fs.base_any_under("/app-y", yes));
        assert_eq!(fs.path_bytes(), "/app".len() + "/app/x".len());
    }

    /// `update_subtree` touches exactly what the old whole-map scan with
    /// `k == dir || k.starts_with(dir/)` touched, in the base and in the changes: not `/app-x`,
    /// `/app.d`, `/app0` or `/application`, which sort around `/app/`.
    #[test]
    fn update_subtree_is_the_prefix_scan() {
        let keys = [
            "/ap",
            "/app",
            "/app-x",
            "/app.d",
            "/app/",
            "/app/a",
            "/app/a/b",
            "/app0",
            "/application",
            "/b",
        ];
        let mut b = BTreeMap::new();
        for k in keys.iter().step_by(2) {
            b.insert(k.to_string(), e(Tri::Yes));
        }
        let mut fs = Fs::shared(Arc::new(b));
        for k in keys.iter().skip(1).step_by(2) {
            fs.insert(k.to_string(), e(Tri::Yes));
        }
        for dir in ["/app", "/", "/app/a", "/nothing"] {
            let mut by_range = fs.clone();
            by_range.update_subtree(dir, |_, _| true, |_, x| x.executable = Tri::Unknown);
            let mut by_scan = fs.clone();
            let under = format!("{dir}/");
            by_scan.update(
                |k, _| k == dir || dir == "/" || k.starts_with(&under),
                |_, x| x.executable = Tri::Unknown,
            );
            let changed = |f: &Fs| -> Vec<String> {
                f.iter()
                    .filter(|(_, x)| x.executable == Tri::Unknown)
                    .map(|(k, _)| k.clone())
                    .collect()
            };
            assert_eq!(changed(&by_range), changed(&by_scan), "{dir}");
            assert_eq!(by_range.len(), by_scan.len(), "{dir}");
            // The work budget counts what each update visited: the whole map for a scan,
            // only the subtree's range for a subtree.
            let visited = by_range.work() - fs.work();
            assert!(visited <= by_scan.work() - fs.work(), "{dir}");
            if dir == "/nothing" {
                assert_eq!(visited, 0);
            }
        }
    }
}
