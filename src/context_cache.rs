//! The context cache of `--staged-context` runs: per staged blob (git's object id, so an entry
//! is true for as long as it exists and needs no invalidation), a 2,048-bit set of the byte
//! trigrams the file holds. A run on a few files looks for the names they use in every context
//! manifest; the trigram set says which manifests cannot hold a name, and only the others are
//! read and byte-scanned as before, so what is kept is exactly what reading every file keeps.
//!
//! Where: `$XDG_CACHE_HOME/kexit/` (else `~/.cache/kexit/`), one file per repository root (named by
//! a hash of its canonical path), nothing inside the repository. What: the blob ids and their
//! trigram sets (no text of the files: a secret's value cannot be read back from it). A cache
//! that is missing, of another kexit version, or malformed is ignored and rewritten; it is
//! written to a temporary file and renamed into place, so concurrent runs never see half of one.
//! `--no-cache` or `KEXIT_NO_CACHE=1` leaves it alone.

use crate::git_index::Oid;
use std::io::Write;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"KXCTX\x02\0\0";
/// Bytes per table row: blob id, offset and length of its filter.
const ROW: usize = 32 + 4 + 4;
/// Gram length: names of 5 bytes or more are what filters; a shorter name always passes.
const GRAM: usize = 5;
/// Filter sizes (bits): a power of two, about 4 bits per distinct gram of the file.
const MIN_BITS: usize = 512;
const MAX_BITS: usize = 1 << 16;
/// Entries written at most.
const MAX_ENTRIES: usize = 1_000_000;
/// Cache bytes read at most.
const MAX_BYTES: u64 = 512 * 1024 * 1024;

/// The 64-bit hash of a gram; a filter of `2^k` bits sets bit `hash >> (64 - k)`, so one hash
/// serves every filter size.
fn hash(g: &[u8]) -> u64 {
    let mut x = 0u64;
    for b in g {
        x = x << 8 | u64::from(*b);
    }
    (x ^ (x >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn bit_of(h: u64, bits: usize) -> usize {
    // `bits` is a power of two between MIN_BITS and MAX_BITS.
    (h >> (64 - bits.trailing_zeros())) as usize
}

/// A file's gram filter: a bit set (bytes, bit `i` is `1 << (i % 8)` of byte `i / 8`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Grams(pub Vec<u8>);

impl Grams {
    /// The filter of a file's bytes, sized to the grams it holds.
    pub fn of(text: &[u8]) -> Grams {
        let mut big = vec![0u64; MAX_BITS / 64];
        for w in text.windows(GRAM) {
            let i = bit_of(hash(w), MAX_BITS);
            big[i / 64] |= 1 << (i % 64);
        }
        let distinct: usize = big.iter().map(|w| w.count_ones() as usize).sum();
        let bits = (distinct * 4).next_power_of_two().clamp(MIN_BITS, MAX_BITS);
        // The bits of a smaller filter are the top bits of the same hashes: fold.
        let shift = (MAX_BITS / bits).trailing_zeros();
        let mut small = vec![0u8; bits / 8];
        for (k, mut w) in big.into_iter().enumerate() {
            while w != 0 {
                let j = (k * 64 + w.trailing_zeros() as usize) >> shift;
                small[j / 8] |= 1 << (j % 8);
                w &= w - 1;
            }
        }
        Grams(small)
    }
}

/// A name looked for, as the gram hashes a file holding it has in its filter.
pub struct Needle(Vec<u64>);

impl Needle {
    pub fn new(s: &[u8]) -> Needle {
        let mut h: Vec<u64> = s.windows(GRAM).map(hash).collect();
        h.sort_unstable();
        h.dedup();
        Needle(h)
    }

    /// Whether a file with this filter may hold the name (a name under 5 bytes: always).
    pub fn may_be_in(&self, filter: &[u8]) -> bool {
        let bits = filter.len() * 8;
        if !bits.is_power_of_two() || !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return true;
        }
        self.0.iter().all(|h| {
            let i = bit_of(*h, bits);
            filter[i / 8] >> (i % 8) & 1 == 1
        })
    }
}

/// Whether the cache is disabled by the environment (`KEXIT_NO_CACHE`, any value but `0`/empty).
pub fn disabled_by_env() -> bool {
    std::env::var_os("KEXIT_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0")
}

fn cache_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = xdg.or_else(|| {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .map(|h| h.join(".cache"))
    })?;
    Some(base.join("kexit"))
}

/// FNV-1a: a hash of the root path that stays the same across Rust versions.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn file_for(root_abs: &Path) -> Option<PathBuf> {
    Some(file_for_in(&cache_dir()?, root_abs))
}

fn file_for_in(cache_dir: &Path, root_abs: &Path) -> PathBuf {
    let key = fnv(root_abs.as_os_str().as_encoded_bytes());
    cache_dir.join(format!("context-{key:016x}.bin"))
}

fn header() -> Vec<u8> {
    let v = env!("CARGO_PKG_VERSION").as_bytes();
    let mut h = MAGIC.to_vec();
    h.push(u8::try_from(v.len()).unwrap_or(0));
    h.extend_from_slice(v);
    h
}

/// The cache of one repository root: a table of blob ids (sorted), each with where its filter
/// is in the bytes after the table.
#[derive(Default)]
pub struct Cache {
    bytes: Vec<u8>,
    table: usize,
    count: usize,
}

fn load_from(path: &Path) -> Cache {
    let Ok(bytes) = crate::source::read_bounded(path, MAX_BYTES) else {
        return Cache::default();
    };
    let h = header();
    let Some(count) = bytes
        .starts_with(&h)
        .then(|| u32_at(&bytes, h.len()))
        .flatten()
    else {
        return Cache::default();
    };
    let table = h.len() + 4;
    if count > MAX_ENTRIES || table + count * ROW > bytes.len() {
        return Cache::default();
    }
    Cache {
        bytes,
        table,
        count,
    }
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at + 4)?;
    usize::try_from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])).ok()
}

impl Cache {
    /// The cache of `root_abs` (canonical), empty when there is none or it does not fit.
    pub fn load(root_abs: &Path) -> Cache {
        file_for(root_abs).map_or_else(Cache::default, |p| load_from(&p))
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn row(&self, i: usize) -> &[u8] {
        let at = self.table + i * ROW;
        self.bytes.get(at..at + ROW).unwrap_or_default()
    }

    /// The filter cached for a blob (`None` also for a row whose filter is not well formed).
    pub fn get(&self, oid: &Oid) -> Option<&[u8]> {
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let row = self.row(mid);
            match row.get(..32)?.cmp(oid.as_slice()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let data = self.table + self.count * ROW;
                    let off = data.checked_add(u32_at(row, 32)?)?;
                    let len = u32_at(row, 36)?;
                    let filter = self.bytes.get(off..off.checked_add(len)?)?;
                    let bits = len * 8;
                    return (bits.is_power_of_two() && (MIN_BITS..=MAX_BITS).contains(&bits))
                        .then_some(filter);
                }
            }
        }
        None
    }
}

/// Write the cache of `root_abs`: exactly `entries` (the blobs the index lists now). Errors are
/// ignored: the cache only saves time.
pub fn save(root_abs: &Path, entries: Vec<(Oid, &[u8])>) {
    if let Some(path) = file_for(root_abs) {
        save_in(&path, entries);
    }
}

fn save_in(path: &Path, mut entries: Vec<(Oid, &[u8])>) {
    if entries.len() > MAX_ENTRIES {
        return;
    }
    let Some(dir) = path.parent() else {
        return;
    };
    entries.sort_unstable_by_key(|a| a.0);
    entries.dedup_by(|a, b| a.0 == b.0);
    let mut out = header();
    let data: usize = entries.iter().map(|e| e.1.len()).sum();
    let (Ok(count), Ok(_)) = (u32::try_from(entries.len()), u32::try_from(data)) else {
        return;
    };
    out.extend_from_slice(&count.to_le_bytes());
    out.reserve(entries.len() * ROW + data);
    let mut off = 0u32;
    for (oid, g) in &entries {
        let len = u32::try_from(g.len()).unwrap_or(0);
        out.extend_from_slice(oid);
        out.extend_from_slice(&off.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        off += len;
    }
    for (_, g) in &entries {
        out.extend_from_slice(g);
    }
    let write = || -> std::io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("context"),
            std::process::id()
        ));
        let _ = std::fs::remove_file(&tmp);
        let mut f = {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)?
        };
        f.write_all(&out)?;
        drop(f);
        std::fs::rename(&tmp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    };
    let _ = write();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_holding_a_name_always_passes() {
        let text = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: svc-00003-config\n";
        let g = Grams::of(text);
        assert_eq!(g.0.len() * 8, MIN_BITS);
        for name in ["svc-00003-config", "svc-00003", "ConfigMap", "v1", "me: s"] {
            assert!(Needle::new(name.as_bytes()).may_be_in(&g.0), "{name}");
        }
        assert!(!Needle::new(b"LimitRange").may_be_in(&g.0));
        assert!(!Needle::new(b"svc-00004-config").may_be_in(&g.0));
    }

    #[test]
    fn large_files_get_larger_filters_that_still_hold_every_gram() {
        let text: String = (0..3000).map(|i| format!("name: item-{i:05}\n")).collect();
        let g = Grams::of(text.as_bytes());
        assert!(g.0.len() * 8 > MIN_BITS && g.0.len() * 8 <= MAX_BITS);
        for i in (0..3000).step_by(7) {
            let name = format!("item-{i:05}");
            assert!(Needle::new(name.as_bytes()).may_be_in(&g.0), "{name}");
        }
        let absent = (3000..3400)
            .filter(|i| Needle::new(format!("item-{i:05}").as_bytes()).may_be_in(&g.0))
            .count();
        assert!(absent < 200, "{absent}");
    }

    #[test]
    fn cache_round_trip_and_corruption() {
        let dir = std::env::temp_dir().join(format!("kexit-cache-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let root = dir.join("repo");
        let a = Grams::of(b"kind: Deployment\nname: web-frontend\n");
        let b = Grams::of(b"kind: ConfigMap\nname: web-config\n");
        let (oa, ob) = ([1u8; 32], [2u8; 32]);
        let file = || file_for_in(&dir.join("cache"), &root);
        save_in(&file(), vec![(ob, b.0.as_slice()), (oa, a.0.as_slice())]);
        let c = load_from(&file());
        assert_eq!(c.len(), 2);
        assert_eq!(c.get(&oa), Some(a.0.as_slice()));
        assert_eq!(c.get(&ob), Some(b.0.as_slice()));
        assert_eq!(c.get(&[3u8; 32]), None);
        // Truncated anywhere: nothing is believed that is not there.
        let bytes = std::fs::read(file()).unwrap_or_default();
        for n in 0..bytes.len() {
            let _ = std::fs::write(file(), &bytes[..n]);
            let c = load_from(&file());
            assert!(c.get(&oa).is_none_or(|g| g == a.0.as_slice()));
            assert!(c.get(&ob).is_none_or(|g| g == b.0.as_slice()));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
