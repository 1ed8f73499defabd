//! Random access into a sorted, line-oriented data file embedded compressed (`data/packages/*.zz`).
//!
//! The generator (`tools/gen-data/gen_pkgdata.py`, `pack_blocks`) writes one zlib stream with a
//! full flush every ~8 kB of text, always before a record line, so each block inflates on its
//! own; after the stream comes an index (each block's compressed offset, text length and the key
//! of its first record) and a 16-byte footer (`KXIDX1` and the index length). zlib readers see
//! one ordinary stream and ignore the index, so the file prints as before.
//!
//! A lookup binary-searches the block keys, inflates that one block (once per run, kept) and
//! binary-searches its lines: a run asking for a few hundred packages inflates the blocks they
//! are in, not the whole 7.5-10 MB release. A file without a valid index (or a block that does
//! not inflate to its recorded length) is read as one block, inflated whole, as before.
//!
//! Records are the lines not starting with `#`, sorted bytewise by their key: their first
//! `keys` tab-separated fields. A record is named by an id: its block and its line in the block.

use std::sync::OnceLock;

/// Largest text of one block, and of a whole file read as one block (bounded work on a corrupt
/// blob).
const MAX_BLOCK: usize = 1 << 20;
const MAX_TEXT: usize = 64 << 20;
/// Bits of a record id for its line within the block (a block of at most [`MAX_BLOCK`] bytes
/// has fewer lines).
const LINE_BITS: u32 = 20;
const FOOTER: usize = 16;
const MAGIC: &[u8] = b"KXIDX1";

struct BlockRef {
    /// Compressed byte range in the stream (raw deflate, ending with a full flush).
    start: usize,
    end: usize,
    /// Length of the block's text.
    len: usize,
    /// Key of the block's first record.
    key: &'static str,
}

struct Block {
    text: Box<str>,
    /// Start offsets of the record lines.
    starts: Box<[u32]>,
}

impl Block {
    fn new(text: String) -> Block {
        let mut starts = Vec::new();
        let mut pos = 0usize;
        for line in text.split_inclusive('\n') {
            if !line.starts_with('#') && !line.trim_end_matches('\n').is_empty() {
                if let Ok(p) = u32::try_from(pos) {
                    starts.push(p);
                }
            }
            pos += line.len();
        }
        Block {
            text: text.into_boxed_str(),
            starts: starts.into_boxed_slice(),
        }
    }

    fn line(&self, i: usize) -> &str {
        let Some(&a) = self.starts.get(i) else {
            return "";
        };
        let rest = self.text.get(a as usize..).unwrap_or("");
        rest.split('\n').next().unwrap_or("")
    }
}

pub(super) struct Blocks {
    /// The zlib stream (without index and footer).
    stream: &'static [u8],
    /// Empty when the file is read as one block.
    refs: Vec<BlockRef>,
    blocks: Box<[OnceLock<Block>]>,
    keys: usize,
}

/// The key of a record line: its first `keys` fields, with the tabs between them.
#[cfg(test)]
fn key_of(line: &str, keys: usize) -> &str {
    match line.match_indices('\t').nth(keys.saturating_sub(1)) {
        Some((i, _)) => &line[..i],
        None => line,
    }
}

/// The bytes of the key of the record line starting `text` (as [`key_of`], without finding the
/// line's end first).
fn line_key(text: &[u8], keys: usize) -> impl Iterator<Item = u8> + '_ {
    let mut tabs = 0;
    text.iter().copied().take_while(move |&c| {
        if c == b'\n' {
            return false;
        }
        if c == b'\t' {
            tabs += 1;
            return tabs < keys;
        }
        true
    })
}

/// `a` compared bytewise with the concatenation of `parts`.
fn cmp_parts(mut a: impl Iterator<Item = u8>, parts: &[&str]) -> std::cmp::Ordering {
    let mut b = parts.iter().flat_map(|p| p.bytes());
    loop {
        match (a.next(), b.next()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x != y => return x.cmp(&y),
            _ => {}
        }
    }
}

fn parse_index(blob: &'static [u8]) -> Option<(&'static [u8], Vec<BlockRef>)> {
    let n = blob.len();
    let footer = blob.get(n.checked_sub(FOOTER)?..)?;
    if !footer.starts_with(MAGIC) {
        return None;
    }
    let len: usize = std::str::from_utf8(&footer[MAGIC.len()..])
        .ok()?
        .parse()
        .ok()?;
    let index_start = n.checked_sub(FOOTER)?.checked_sub(len)?;
    let stream = blob.get(..index_start)?;
    let index = std::str::from_utf8(blob.get(index_start..n - FOOTER)?).ok()?;
    let mut refs: Vec<BlockRef> = Vec::new();
    let mut lines = index.lines().peekable();
    while let Some(line) = lines.next() {
        let mut f = line.splitn(3, '\t');
        let start: usize = f.next()?.parse().ok()?;
        if let Some(prev) = refs.last_mut() {
            prev.end = start;
        }
        if lines.peek().is_none() {
            // The last line: the end of the last block.
            if f.next().is_some() {
                return None;
            }
            break;
        }
        let len: usize = f.next()?.parse().ok()?;
        let key = f.next()?;
        let ok_order = refs.last().is_none_or(|p| p.start < start && p.key <= key);
        if !ok_order || len > MAX_BLOCK {
            return None;
        }
        refs.push(BlockRef {
            start,
            end: start,
            len,
            key,
        });
    }
    let last_ok = refs
        .last()
        .is_some_and(|b| b.start < b.end && b.end <= stream.len());
    (last_ok && refs.first().is_some_and(|b| b.start >= 2)).then_some((stream, refs))
}

impl Blocks {
    /// The data file `blob`, whose records are keyed by their first `keys` fields.
    pub(super) fn new(blob: &'static [u8], keys: usize) -> Blocks {
        let (stream, refs) = parse_index(blob).unwrap_or((blob, Vec::new()));
        let n = refs.len().max(1);
        Blocks {
            stream,
            refs,
            blocks: (0..n).map(|_| OnceLock::new()).collect(),
            keys: keys.max(1),
        }
    }

    /// Inflate block `b` (not kept).
    fn inflate(&self, b: usize) -> Block {
        let Some(r) = self.refs.get(b) else {
            // One block: the whole stream.
            return Block::new(super::pkgdb::inflate_limit(self.stream, MAX_TEXT));
        };
        let input = self.stream.get(r.start..r.end).unwrap_or(&[]);
        // The block ends with a full flush, not a final block: the inflater stops for want of
        // input, with the block's whole text.
        use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
        let mut out = vec![0u8; r.len + 1];
        let mut state = Box::<DecompressorOxide>::default();
        let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        let (_, _, written) = decompress(&mut state, input, &mut out, 0, flags);
        if written != r.len {
            return Block::new(String::new());
        }
        out.truncate(written);
        Block::new(String::from_utf8(out).unwrap_or_default())
    }

    fn block(&self, b: usize) -> Option<&Block> {
        let cell = self.blocks.get(b)?;
        Some(cell.get_or_init(|| self.inflate(b)))
    }

    /// The `#` lines at the head of the file.
    pub(super) fn header(&self) -> Vec<String> {
        let Some(block) = self.block(0) else {
            return Vec::new();
        };
        block
            .text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| l[1..].trim().to_string())
            .collect()
    }

    /// The record whose key is `key` (its first fields joined by tabs).
    pub(super) fn find(&self, key: &str) -> Option<usize> {
        self.find_parts(&[key])
    }

    /// The record whose key is the concatenation of `parts` (`["P\t", name]`: no key string
    /// is built per lookup).
    pub(super) fn find_parts(&self, parts: &[&str]) -> Option<usize> {
        // The last block whose first key is not after the key.
        let b = if self.refs.is_empty() {
            0
        } else {
            self.refs
                .partition_point(|r| cmp_parts(r.key.bytes(), parts).is_le())
                .checked_sub(1)?
        };
        let block = self.block(b)?;
        let text = block.text.as_bytes();
        let (mut lo, mut hi) = (0, block.starts.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let at = block.starts.get(mid).map_or(text.len(), |a| *a as usize);
            let line = text.get(at..).unwrap_or_default();
            match cmp_parts(line_key(line, self.keys), parts) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(b << LINE_BITS | mid),
            }
        }
        None
    }

    /// The line of a record id ([`Blocks::find`]).
    pub(super) fn line(&self, id: usize) -> &str {
        let (b, i) = (id >> LINE_BITS, id & ((1 << LINE_BITS) - 1));
        self.block(b).map_or("", |block| block.line(i))
    }

    /// Every record in order, with its id. The blocks stay inflated: a run that scans a release
    /// once usually scans it again (for another name), and inflating it each time cost more
    /// than the whole lookup.
    pub(super) fn scan(&self, mut f: impl FnMut(usize, &str)) {
        for b in 0..self.blocks.len() {
            let Some(block) = self.block(b) else {
                continue;
            };
            for i in 0..block.starts.len() {
                f(b << LINE_BITS | i, block.line(i));
            }
        }
    }

    /// Blocks inflated so far, and in all (for measurements).
    #[cfg(test)]
    pub(super) fn inflated(&self) -> (usize, usize) {
        let n = self.blocks.iter().filter(|c| c.get().is_some()).count();
        (n, self.blocks.len())
    }

    /// The file has a valid index and every block inflates to its recorded text.
    #[cfg(test)]
    pub(super) fn check(&self) -> Result<usize, String> {
        if self.refs.is_empty() {
            return Err("no block index".into());
        }
        for (b, r) in self.refs.iter().enumerate() {
            let block = self.inflate(b);
            if block.text.len() != r.len || block.starts.is_empty() {
                return Err(format!("block {b} does not inflate to {} bytes", r.len));
            }
            if key_of(block.line(0), self.keys) != r.key {
                return Err(format!("block {b}: first key is not {:?}", r.key));
            }
        }
        Ok(self.refs.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_keys_compare_as_key_of() {
        let lines = [
            "P\tbash\tE\t\t",
            "P\tbash",
            "P\tbas",
            "P\tbash-x\t1",
            "V\tawk\tgawk",
            "P",
            "",
            "P\t\t",
            "bash\t1\t0",
        ];
        let keys = [
            "P\tbash", "P\tbas", "P\tbash-", "V\tawk", "P", "", "P\t", "bash", "Q",
        ];
        for l in lines {
            for k in [1, 2] {
                let line = format!("{l}\nnext\tline\n");
                let want: Vec<u8> = key_of(l, k).bytes().collect();
                let got: Vec<u8> = line_key(line.as_bytes(), k).collect();
                assert_eq!(got, want, "{l:?} {k}");
                for key in keys {
                    let (a, b) = key.split_at(key.len() / 2);
                    assert_eq!(
                        cmp_parts(line_key(line.as_bytes(), k), &[a, b]),
                        key_of(l, k).cmp(key),
                        "{l:?} {k} {key:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn key_of_fields() {
        assert_eq!(key_of("P\tbash\tE\t\t", 2), "P\tbash");
        assert_eq!(key_of("bash\t1\t0", 1), "bash");
        assert_eq!(key_of("bash", 1), "bash");
        assert_eq!(key_of("P\tbash", 2), "P\tbash");
    }

    #[test]
    fn without_index_the_file_is_one_block() {
        let text = b"# h\nP\ta\tx\nP\tb\ty\n";
        let blob: &'static [u8] =
            Box::leak(miniz_oxide::deflate::compress_to_vec_zlib(text, 6).into_boxed_slice());
        let b = Blocks::new(blob, 2);
        assert_eq!(b.header(), ["h"]);
        let id = b.find("P\tb").unwrap();
        assert_eq!(b.line(id), "P\tb\ty");
        assert!(b.find("P\tc").is_none());
        let mut n = 0;
        b.scan(|_, _| n += 1);
        assert_eq!(n, 2);
    }

    #[test]
    fn a_corrupt_index_falls_back() {
        let text = b"P\ta\tx\n";
        let mut v = miniz_oxide::deflate::compress_to_vec_zlib(text, 6);
        v.extend_from_slice(b"9\t5\tP\ta\n99\nKXIDX10000000011");
        let blob: &'static [u8] = Box::leak(v.into_boxed_slice());
        let b = Blocks::new(blob, 2);
        // The index names bytes past the stream: read as one block.
        assert!(b.refs.is_empty());
        assert_eq!(b.line(b.find("P\ta").unwrap()), "P\ta\tx");
    }
}
