//! The configuration file's `ignore` entries, matched against findings.
//!
//! The first entry that matches a finding gives its reason. Every entry's path globs go into one
//! glob set, matched once per file (not once per finding and entry); entries without paths are
//! indexed by rule code; object patterns are split once. A finding is then tried against the
//! entries of its rule that can match its file, in order.

use crate::config::{Config, ConfigIgnore};
use crate::finding::Finding;
use crate::project::Project;
use crate::source::FileId;
use std::collections::HashMap;
use std::path::Path;

/// A file path relative to the configuration's base directory (`/` separated), when it is below it.
pub fn relative_to_base(config: &Config, path: &str) -> String {
    let p = path.strip_prefix("./").unwrap_or(path);
    if config.base_dir == Path::new(".") && !Path::new(p).is_absolute() {
        return p.replace('\\', "/");
    }
    let abs = std::fs::canonicalize(p).ok();
    let base = std::fs::canonicalize(&config.base_dir).ok();
    if let (Some(a), Some(b)) = (abs, base) {
        if let Ok(rel) = a.strip_prefix(&b) {
            return rel.to_string_lossy().replace('\\', "/");
        }
    }
    p.replace('\\', "/")
}

/// Whether a path matches one of the globs (also as a directory prefix: `vendor` covers `vendor/x`).
pub fn path_matches(globs: &[String], rel: &str) -> bool {
    PathGlobs::new(globs).is_match(rel)
}

/// The two glob patterns of one configured path: itself and, as a directory, what is under it.
fn patterns(glob: &str) -> [String; 2] {
    let g = glob.trim_start_matches("./");
    [g.to_string(), format!("{}/**", g.trim_end_matches('/'))]
}

/// Path globs compiled once (a pattern matches the path and, as a directory, what is under
/// it); invalid patterns match nothing. Compiling them for each finding was ignores x findings
/// glob compilations. Compiled in sets of at most [`CHUNK_BYTES`] of patterns: one set of
/// thousands of long globs outgrows the regex size limit, and a set that fails to build would
/// silently match nothing. Each glob carries a tag (the config `ignore` entry it belongs to).
pub struct PathGlobs(Vec<(globset::GlobSet, Vec<u32>)>);

/// Pattern bytes per compiled set.
const CHUNK_BYTES: usize = 16 * 1024;

impl PathGlobs {
    pub fn new(globs: &[String]) -> PathGlobs {
        PathGlobs::tagged(globs.iter().map(|g| (0, g)))
    }

    /// Globs tagged with the entry each comes from.
    fn tagged<'g>(globs: impl IntoIterator<Item = (u32, &'g String)>) -> PathGlobs {
        let mut sets = Vec::new();
        let (mut set, mut tags) = (globset::GlobSetBuilder::new(), Vec::new());
        let mut bytes = 0;
        for (tag, g) in globs {
            for p in patterns(g) {
                let Ok(glob) = globset::Glob::new(&p) else {
                    continue;
                };
                if bytes > 0 && bytes + p.len() > CHUNK_BYTES {
                    let full = std::mem::replace(&mut set, globset::GlobSetBuilder::new());
                    sets.extend(full.build().ok().map(|s| (s, std::mem::take(&mut tags))));
                    bytes = 0;
                }
                bytes += p.len();
                set.add(glob);
                tags.push(tag);
            }
        }
        sets.extend(set.build().ok().map(|s| (s, tags)));
        PathGlobs(sets)
    }

    pub fn is_match(&self, rel: &str) -> bool {
        self.0.iter().any(|(s, _)| s.is_match(rel))
    }

    /// The tags of the globs that match, sorted, each once.
    fn matching_tags(&self, rel: &str) -> Vec<u32> {
        let mut hits: Vec<u32> = self
            .0
            .iter()
            .flat_map(|(s, tags)| {
                s.matches(rel)
                    .into_iter()
                    .filter_map(|g| tags.get(g).copied())
            })
            .collect();
        hits.sort_unstable();
        hits.dedup();
        hits
    }
}

/// `Kind/name` or `Kind/namespace/name`, split once (`*` matches anything).
struct ObjectPattern<'c> {
    kind: &'c str,
    namespace: Option<&'c str>,
    name: &'c str,
}

impl ObjectPattern<'_> {
    fn of(pat: &str) -> Option<ObjectPattern<'_>> {
        let mut parts = pat.split('/');
        let (a, b, c) = (parts.next()?, parts.next()?, parts.next());
        if parts.next().is_some() {
            return None;
        }
        Some(match c {
            None => ObjectPattern {
                kind: a,
                namespace: None,
                name: b,
            },
            Some(c) => ObjectPattern {
                kind: a,
                namespace: Some(b),
                name: c,
            },
        })
    }

    fn matches(&self, o: &crate::finding::ObjectRef) -> bool {
        let eq = |p: &str, v: &str| p == "*" || p.eq_ignore_ascii_case(v);
        eq(self.kind, &o.kind)
            && self.namespace.is_none_or(|ns| eq(ns, &o.namespace))
            && eq(self.name, &o.name)
    }
}

/// The configured entries, indexed for matching.
pub(super) struct ConfigIgnores<'c> {
    entries: &'c [ConfigIgnore],
    objects: Vec<Vec<ObjectPattern<'c>>>,
    /// Every entry's path patterns, tagged with their entry.
    globs: PathGlobs,
    /// Some entry has paths.
    any_paths: bool,
    /// Entries without paths, by rule code (`any_rule`: those for every rule), in order.
    pathless: HashMap<&'c str, Vec<u32>>,
    pathless_any_rule: Vec<u32>,
}

/// The entries with paths that match one file, in order.
pub(super) struct FileEntries(Vec<u32>);

impl<'c> ConfigIgnores<'c> {
    pub(super) fn new(entries: &'c [ConfigIgnore]) -> ConfigIgnores<'c> {
        let mut pathless: HashMap<&str, Vec<u32>> = HashMap::new();
        let mut pathless_any_rule = Vec::new();
        for (i, ig) in (0u32..).zip(entries) {
            if ig.paths.is_empty() {
                if ig.rules.is_empty() {
                    pathless_any_rule.push(i);
                }
                for r in &ig.rules {
                    let list = pathless.entry(r.as_str()).or_default();
                    // An entry naming its rule twice is listed once.
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
        ConfigIgnores {
            entries,
            objects: entries
                .iter()
                .map(|ig| {
                    ig.objects
                        .iter()
                        .filter_map(|p| ObjectPattern::of(p))
                        .collect()
                })
                .collect(),
            globs: PathGlobs::tagged(
                (0u32..)
                    .zip(entries)
                    .flat_map(|(i, ig)| ig.paths.iter().map(move |g| (i, g))),
            ),
            any_paths: entries.iter().any(|ig| !ig.paths.is_empty()),
            pathless,
            pathless_any_rule,
        }
    }

    /// The entries whose paths match the file (none when the file is unknown).
    pub(super) fn file(&self, cfg: &Config, project: &Project, file: FileId) -> FileEntries {
        if !self.any_paths {
            return FileEntries(Vec::new());
        }
        let Some(src) = project.files.get(file) else {
            return FileEntries(Vec::new());
        };
        FileEntries(self.globs.matching_tags(&relative_to_base(cfg, &src.path)))
    }

    /// The first entry matching the finding, given the entries that match its file.
    pub(super) fn first(&self, file: &FileEntries, f: &Finding) -> Option<&'c ConfigIgnore> {
        let code = f.rule.code;
        let rule_ok = |i: &u32| {
            self.entries
                .get(*i as usize)
                .is_some_and(|ig| ig.rules.is_empty() || ig.rules.iter().any(|r| r == code))
        };
        let first_in = |mut list: std::slice::Iter<'_, u32>, by_rule: bool| {
            list.find(|i| (!by_rule || rule_ok(i)) && self.rest_matches(**i, f))
                .copied()
        };
        // Each list is in entry order: the first match overall is the least of their firsts.
        let candidates = [
            first_in(
                self.pathless.get(code).map_or([].iter(), |l| l.iter()),
                false,
            ),
            first_in(self.pathless_any_rule.iter(), false),
            first_in(file.0.iter(), true),
        ];
        let i = candidates.into_iter().flatten().min()?;
        self.entries.get(i as usize)
    }

    /// The object and container conditions of entry `i` (its rule and paths are matched).
    fn rest_matches(&self, i: u32, f: &Finding) -> bool {
        let (Some(ig), Some(objects)) =
            (self.entries.get(i as usize), self.objects.get(i as usize))
        else {
            return false;
        };
        if !ig.objects.is_empty() {
            let Some(o) = &f.object else { return false };
            if !objects.iter().any(|p| p.matches(o)) {
                return false;
            }
        }
        ig.containers.is_empty()
            || f.container
                .as_ref()
                .is_some_and(|c| ig.containers.iter().any(|x| x == c))
    }
}

/// For each finding, the first configured entry that ignores it. Findings are matched file by
/// file, so each file's path is matched against the globs once.
pub(super) fn by_config<'c>(
    project: &'c Project,
    findings: &[Finding],
) -> Vec<Option<&'c ConfigIgnore>> {
    let cfg = &project.config;
    let mut out = vec![None; findings.len()];
    if cfg.ignores.is_empty() {
        return out;
    }
    let ignores = ConfigIgnores::new(&cfg.ignores);
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| findings.get(i).map(|f| f.span.file));
    let mut current: Option<(FileId, FileEntries)> = None;
    for i in order {
        let (Some(f), Some(slot)) = (findings.get(i), out.get_mut(i)) else {
            continue;
        };
        let file = match &current {
            Some((id, entries)) if *id == f.span.file => entries,
            _ => {
                let entries = ignores.file(cfg, project, f.span.file);
                &current.insert((f.span.file, entries)).1
            }
        };
        *slot = ignores.first(file, f);
    }
    out
}
