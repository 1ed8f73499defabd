//! Build-context indexes: one per canonical context root, shared (`Arc`) by every Dockerfile
//! built from it. Only the paths the COPY/ADD instructions of those Dockerfiles name are looked
//! at (a named file is `stat`ed, a named directory or a glob's directory is listed, `COPY .`
//! lists the whole context), and of those only the scripts an image may execute are read: a
//! file whose name is a word of a RUN/CMD/ENTRYPOINT/HEALTHCHECK of these Dockerfiles, of a
//! container's command/args, or of a compose file.
//!
//! Before (one listing and up to 400 reads per Dockerfile), 2,000 Dockerfiles sharing one
//! directory cost O(Dockerfiles × context files) time and memory.

use super::{mode_of, scriptish, Context, CtxEntry, MAX_DEPTH, MAX_ENTRIES, MAX_READS};
use super::{SourceFile, MAX_READ_SIZE};
use crate::docker::{CopySource, Dockerfile, InstKind};
use crate::source::FileKind;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The paths of a context that its Dockerfiles' COPY/ADD instructions name.
#[derive(Debug, Default)]
pub(super) struct Needs {
    /// `COPY .`, a source with a variable, a glob at the top: the whole context.
    pub all: bool,
    /// Relative paths named (files or directories), and the fixed directories of globs.
    pub paths: BTreeSet<String>,
    /// Relative path → the last component of the COPY destinations it is copied to (a file
    /// copied as `/usr/local/bin/report` runs as `report`).
    pub copied_as: HashMap<String, Vec<String>>,
}

/// `a/./b/../c` → `a/c`, relative, `/`-separated (what BuildKit resolves a source to).
fn norm_rel(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.join("/")
}

fn is_archive(p: &str) -> bool {
    [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".txz"]
        .iter()
        .any(|e| p.ends_with(e))
}

/// The file names ([`for_words`]' words) the commands of a context's Dockerfiles mention. The
/// first few names asked for are searched for in the commands' text; past them, a set of every
/// word is built once (a listing of a few scripts asks a few times; `COPY . .` may ask for
/// thousands of names).
#[derive(Default)]
pub(super) struct RunWords<'t> {
    texts: Vec<&'t str>,
    asked: std::cell::Cell<usize>,
    set: std::cell::OnceCell<HashSet<&'t str>>,
}

impl<'t> RunWords<'t> {
    const SEARCHES: usize = 8;

    pub(super) fn contains(&self, name: &str) -> bool {
        if let Some(set) = self.set.get() {
            return set.contains(name);
        }
        let asked = self.asked.get();
        self.asked.set(asked + 1);
        if asked < Self::SEARCHES {
            return self.texts.iter().any(|t| mentions(t, name));
        }
        self.set
            .get_or_init(|| {
                let mut set = HashSet::new();
                for t in &self.texts {
                    for_words(t, |w| {
                        set.insert(w);
                    });
                }
                set
            })
            .contains(name)
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@' | '%' | '~' | '/')
}

/// Whether [`for_words`] gives `name` for `text`: an occurrence ending a word, starting it or
/// following its `/`. A name with a `/` or a character no word has is no word's last part.
fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() || name.contains('/') || !name.chars().all(is_word_char) {
        return false;
    }
    // Matches do not overlap: an occurrence starting inside another follows one of the name's
    // characters, none of which starts a word's last part.
    text.match_indices(name).any(|(i, _)| {
        let before = text.get(..i).and_then(|t| t.chars().next_back());
        let after = text.get(i + name.len()..).and_then(|t| t.chars().next());
        before.is_none_or(|c| c == '/' || !is_word_char(c))
            && after.is_none_or(|c| !is_word_char(c))
    })
}

/// Add what one Dockerfile needs from its context to `needs`, and the commands it runs to
/// `words`.
pub(super) fn add_needs<'t>(
    d: &Dockerfile,
    text: &'t str,
    needs: &mut Needs,
    words: &mut RunWords<'t>,
) {
    for s in &d.stages {
        for inst in &s.instructions {
            match &inst.kind {
                InstKind::Run { .. }
                | InstKind::Cmd(_)
                | InstKind::Entrypoint(_)
                | InstKind::Healthcheck(_) => {
                    words.texts.push(text.get(inst.span.clone()).unwrap_or(""));
                }
                InstKind::Copy {
                    add,
                    flags,
                    sources,
                    dest,
                } => {
                    let dest_name = dest.value.trim_end_matches('/').rsplit('/').next();
                    if flags.iter().any(|f| f.name == "from") {
                        continue;
                    }
                    for src in sources {
                        let CopySource::Path(sp) = src else { continue };
                        let v = sp.value.as_str();
                        if *add && (v.contains("://") || v.starts_with("git@") || is_archive(v)) {
                            continue;
                        }
                        if v.contains('$') {
                            needs.all = true;
                            continue;
                        }
                        let rel = norm_rel(v);
                        let fixed = match rel.find(['*', '?', '[']) {
                            // The directory part before the first wildcard.
                            Some(i) => rel[..i].rsplit_once('/').map_or("", |(a, _)| a),
                            None => rel.as_str(),
                        };
                        if fixed.is_empty() {
                            needs.all = true;
                        } else {
                            needs.paths.insert(fixed.to_string());
                        }
                        if let Some(n) = dest_name.filter(|n| !n.is_empty() && fixed == rel) {
                            needs
                                .copied_as
                                .entry(rel.clone())
                                .or_default()
                                .push(n.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The words of every string in a container (command, args, probes, lifecycle hooks, env).
pub(super) fn add_node_words(n: &crate::yaml::Node, words: &mut HashSet<String>) {
    if let Some(s) = n.as_str() {
        add_words(s, words);
    }
    for i in n.items() {
        add_node_words(i, words);
    }
    for (_, v) in n.entries() {
        add_node_words(v, words);
    }
}

/// The file names among the words of `text` (`./run.sh`, `/app/bin/start` → `run.sh`,
/// `start`): a script is read only when one of these names it.
pub(super) fn add_words(text: &str, words: &mut HashSet<String>) {
    for_words(text, |w| {
        if !words.contains(w) {
            words.insert(w.to_string());
        }
    });
}

/// [`add_words`]' file names, each given to `f` (borrowed: a Dockerfile's words are looked up
/// while its text lives, without a copy of each).
pub(super) fn for_words<'t>(text: &'t str, mut f: impl FnMut(&'t str)) {
    for w in text.split(|c: char| !is_word_char(c)) {
        let base = w.rsplit('/').next().unwrap_or(w);
        if !base.is_empty() {
            f(base);
        }
    }
}

/// Index one context: list what `needs` names, read the scripts `words` names. The scripts read
/// are returned with their entry's key.
pub(super) fn index(
    dir: &Path,
    canon: &Path,
    needs: &Needs,
    runs: impl Fn(&str) -> bool,
) -> (Context, Vec<(String, SourceFile)>) {
    let mut ctx = Context {
        dir: dir.to_string_lossy().into_owned(),
        complete: true,
        ..Context::default()
    };
    if needs.all {
        walk(&mut ctx, dir, canon, String::new());
    } else {
        // Directories walked whole, each with a `/` after it. `needs.paths` is sorted, so a
        // directory comes before the paths under it, and the last walked directory at or before
        // a path is the only one that can hold it (any between would be under it, and not
        // walked). Scanning every walked directory for each path was 4,000 x 100,000.
        let mut walked: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for rel in &needs.paths {
            if walked
                .range::<str, _>((
                    std::ops::Bound::Unbounded,
                    std::ops::Bound::Included(rel.as_str()),
                ))
                .next_back()
                .is_some_and(|w| rel.starts_with(w.as_str()))
            {
                continue;
            }
            if ctx.entries.len() >= MAX_ENTRIES {
                ctx.complete = false;
                break;
            }
            let path = dir.join(rel);
            // A path through a symbolic link that leaves the context is a link in the image,
            // never the machine's file.
            let Ok(target) = std::fs::canonicalize(&path) else {
                continue;
            };
            if !target.starts_with(canon) {
                ctx.entries.insert(rel.clone(), outside());
                continue;
            }
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                ctx.entries.insert(
                    rel.clone(),
                    CtxEntry {
                        is_dir: true,
                        mode: mode_of(&meta),
                        file: None,
                    },
                );
                walked.insert(format!("{rel}/"));
                walk(&mut ctx, &path, canon, rel.clone());
            } else {
                ctx.entries.insert(
                    rel.clone(),
                    CtxEntry {
                        is_dir: false,
                        mode: mode_of(&meta),
                        file: None,
                    },
                );
            }
        }
    }
    // The scripts an image may run.
    use rayon::prelude::*;
    let wanted: Vec<&String> = ctx
        .entries
        .iter()
        .filter(|(k, e)| {
            let name = k.rsplit('/').next().unwrap_or(k);
            let as_named = || {
                needs
                    .copied_as
                    .get(k.as_str())
                    .is_some_and(|d| d.iter().any(|n| runs(n)))
            };
            // pyproject.toml: read for `pip install .`, which does not name it.
            !e.is_dir
                && e.mode.is_some()
                && scriptish(name)
                && (runs(name) || as_named() || name == "pyproject.toml")
        })
        .map(|(k, _)| k)
        .take(MAX_READS)
        .collect();
    let scripts: Vec<(String, SourceFile)> = wanted
        .par_iter()
        .filter_map(|rel| {
            let path = dir.join(rel.as_str());
            let bytes = crate::source::read_bounded(&path, MAX_READ_SIZE).ok()?;
            if bytes.contains(&0) || bytes.len() as u64 > MAX_READ_SIZE {
                return None;
            }
            let text = String::from_utf8(bytes).ok()?;
            let sf = SourceFile::new(path.to_string_lossy().into_owned(), FileKind::Other, text);
            Some(((*rel).clone(), sf))
        })
        .collect();
    (ctx, scripts)
}

fn outside() -> CtxEntry {
    CtxEntry {
        is_dir: false,
        mode: None,
        file: None,
    }
}

/// List `dir` (the context path `rel`) recursively into `ctx`.
///
/// A symbolic link is followed only when it resolves inside the context (`canon`, the
/// context's canonical path): COPY copies the link itself, so a link to `/etc/shadow` is a
/// link in the image, never the content of the machine's file. Such a link is listed as an
/// entry of unknown mode and is never read.
fn walk(ctx: &mut Context, dir: &Path, canon: &Path, rel: String) {
    let depth0 = if rel.is_empty() {
        0
    } else {
        rel.matches('/').count() + 1
    };
    let mut stack: Vec<(PathBuf, String, usize)> = vec![(dir.to_path_buf(), rel, depth0)];
    while let Some((path, rel, depth)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&path) else {
            ctx.complete = false;
            continue;
        };
        let mut items: Vec<_> = rd.filter_map(Result::ok).collect();
        items.sort_by_key(|e| e.file_name());
        for e in items {
            if ctx.entries.len() >= MAX_ENTRIES {
                ctx.complete = false;
                return;
            }
            let name = e.file_name().to_string_lossy().into_owned();
            if name == ".git" {
                continue;
            }
            let r = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let link = e.file_type().is_ok_and(|t| t.is_symlink());
            if link && !crate::source::resolves_within(&e.path(), &[canon.to_path_buf()]) {
                ctx.entries.insert(r, outside());
                continue;
            }
            let Ok(meta) = std::fs::metadata(e.path()) else {
                ctx.complete = false;
                continue;
            };
            let mode = mode_of(&meta);
            let is_dir = meta.is_dir();
            ctx.entries.insert(
                r.clone(),
                CtxEntry {
                    is_dir,
                    mode,
                    file: None,
                },
            );
            if is_dir {
                if depth + 1 < MAX_DEPTH && name != "node_modules" {
                    stack.push((e.path(), r, depth + 1));
                } else {
                    ctx.complete = false;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_file_names() {
        let mut w = HashSet::new();
        add_words(
            r#"ENTRYPOINT ["/usr/local/bin/entrypoint.sh", "--x"]"#,
            &mut w,
        );
        add_words("RUN sh -c './run.sh && ${APP}/bin/start'", &mut w);
        for n in ["entrypoint.sh", "run.sh", "start", "sh", "--x"] {
            assert!(w.contains(n), "{n}");
        }
    }

    /// The search for a few names finds exactly the words the set holds.
    #[test]
    fn run_words_search_is_the_word_set() {
        use proptest::prelude::*;
        let alphabet = prop::sample::select(vec![
            'a', 'b', '.', '/', '-', ' ', '"', '$', '{', '}', '\n', 'é', '—', '=',
        ]);
        let text = prop::collection::vec(alphabet.clone(), 0..40)
            .prop_map(|v| v.into_iter().collect::<String>());
        let name =
            prop::collection::vec(alphabet, 0..4).prop_map(|v| v.into_iter().collect::<String>());
        proptest!(|(texts in prop::collection::vec(text, 1..3), names in prop::collection::vec(name, 1..12))| {
            let mut set = HashSet::new();
            for t in &texts {
                add_words(t, &mut set);
            }
            let words = RunWords { texts: texts.iter().map(String::as_str).collect(), ..RunWords::default() };
            for n in &names {
                prop_assert_eq!(words.contains(n), set.contains(n.as_str()), "{:?} in {:?}", n, texts);
            }
        });
    }

    #[test]
    fn sources_normalised() {
        assert_eq!(norm_rel("./a/./b/../c/"), "a/c");
        assert_eq!(norm_rel("."), "");
    }
}
