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

/// Add what one Dockerfile needs from its context to `needs`, and the words of the commands
/// it runs to `words`.
pub(super) fn add_needs<'t>(
    d: &Dockerfile,
    text: &'t str,
    needs: &mut Needs,
    words: &mut HashSet<&'t str>,
) {
    for s in &d.stages {
        for inst in &s.instructions {
            match &inst.kind {
                InstKind::Run { .. }
                | InstKind::Cmd(_)
                | InstKind::Entrypoint(_)
                | InstKind::Healthcheck(_) => {
                    for_words(text.get(inst.span.clone()).unwrap_or(""), |w| {
                        words.insert(w);
                    });
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
    let word =
        |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@' | '%' | '~' | '/');
    for w in text.split(|c: char| !word(c)) {
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
        let mut walked: Vec<&str> = Vec::new();
        for rel in &needs.paths {
            // Sorted: a directory comes before the paths under it.
            if walked
                .iter()
                .any(|w| rel.strip_prefix(w).is_some_and(|r| r.starts_with('/')))
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
                walked.push(rel);
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

    #[test]
    fn sources_normalised() {
        assert_eq!(norm_rel("./a/./b/../c/"), "a/c");
        assert_eq!(norm_rel("."), "");
    }
}
