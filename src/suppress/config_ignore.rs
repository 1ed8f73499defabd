//! The configuration file's `ignore` entries, matched against findings.
//!
//! The first entry that matches a finding gives its reason. Every entry's path globs go into one
//! glob set, matched once per file (not once per finding and entry); entries without paths are
//! indexed by rule code, those naming exact objects by object and those naming containers by
//! container. A finding is then tried against the entries that can match it, in order.

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

    fn has_wildcard(&self) -> bool {
        self.kind == "*" || self.namespace == Some("*") || self.name == "*"
    }

    /// The key of a pattern without `*` (ASCII case folded, as the match is).
    fn key(&self) -> ObjectKey {
        (
            self.kind.to_ascii_lowercase(),
            self.namespace.map(str::to_ascii_lowercase),
            self.name.to_ascii_lowercase(),
        )
    }
}

/// Kind, namespace (None for a `Kind/name` pattern) and name, ASCII lowercase.
type ObjectKey = (String, Option<String>, String);

/// How an entry is found for a finding.
#[derive(Clone, Copy, PartialEq)]
enum Class {
    /// Its objects, all without `*`: by the finding's object.
    ByObject,
    /// No objects condition, or one with `*`, but containers: by the finding's container.
    ByContainer,
    /// Neither: by rule and file, its conditions tried one by one.
    Scanned,
}

/// The configured entries, indexed for matching. An entry whose objects are exact names is
/// found by the finding's object, one whose containers are named by its container: trying
/// every entry of a rule, and each of its objects, was entries × objects × findings (one
/// entry of 200,000 objects, 40,000 findings: 23.5 s).
pub(super) struct ConfigIgnores<'c> {
    entries: &'c [ConfigIgnore],
    class: Vec<Class>,
    /// The object patterns of the entries not found by object (those of the `ByObject` ones are
    /// the keys of `by_object`).
    patterns: Vec<Vec<ObjectPattern<'c>>>,
    /// The `ByObject` entries by object pattern, in order.
    by_object: HashMap<ObjectKey, Vec<u32>>,
    /// The `ByContainer` entries by container, in order.
    by_container: HashMap<&'c str, Vec<u32>>,
    /// Every entry by container, in order (whether an entry names a container).
    containers: HashMap<&'c str, Vec<u32>>,
    /// Every entry's path patterns, tagged with their entry.
    globs: PathGlobs,
    /// Some entry has paths.
    any_paths: bool,
    /// Scanned entries without paths, by rule code (`any_rule`: those for every rule), in order.
    pathless: HashMap<&'c str, Vec<u32>>,
    pathless_any_rule: Vec<u32>,
}

/// The entries with paths that match one file, in order: all, and the scanned ones.
pub(super) struct FileEntries {
    all: Vec<u32>,
    scanned: Vec<u32>,
}

/// Adds an entry to a list in entry order (an entry naming a value twice is listed once).
fn push_once(list: &mut Vec<u32>, i: u32) {
    if list.last() != Some(&i) {
        list.push(i);
    }
}

impl<'c> ConfigIgnores<'c> {
    pub(super) fn new(entries: &'c [ConfigIgnore]) -> ConfigIgnores<'c> {
        let mut ig = ConfigIgnores {
            entries,
            class: Vec::with_capacity(entries.len()),
            patterns: Vec::with_capacity(entries.len()),
            by_object: HashMap::new(),
            by_container: HashMap::new(),
            containers: HashMap::new(),
            globs: PathGlobs::tagged(
                (0u32..)
                    .zip(entries)
                    .flat_map(|(i, ig)| ig.paths.iter().map(move |g| (i, g))),
            ),
            any_paths: entries.iter().any(|ig| !ig.paths.is_empty()),
            pathless: HashMap::new(),
            pathless_any_rule: Vec::new(),
        };
        for (i, e) in (0u32..).zip(entries) {
            let patterns: Vec<ObjectPattern<'c>> = e
                .objects
                .iter()
                .filter_map(|p| ObjectPattern::of(p))
                .collect();
            for c in &e.containers {
                push_once(ig.containers.entry(c.as_str()).or_default(), i);
            }
            let class = if !e.objects.is_empty() && !patterns.iter().any(|p| p.has_wildcard()) {
                Class::ByObject
            } else if !e.containers.is_empty() {
                Class::ByContainer
            } else {
                Class::Scanned
            };
            match class {
                Class::ByObject => {
                    for p in &patterns {
                        push_once(ig.by_object.entry(p.key()).or_default(), i);
                    }
                }
                Class::ByContainer => {
                    for c in &e.containers {
                        push_once(ig.by_container.entry(c.as_str()).or_default(), i);
                    }
                }
                Class::Scanned if e.paths.is_empty() => {
                    if e.rules.is_empty() {
                        ig.pathless_any_rule.push(i);
                    }
                    for r in &e.rules {
                        push_once(ig.pathless.entry(r.as_str()).or_default(), i);
                    }
                }
                Class::Scanned => {}
            }
            ig.class.push(class);
            // A `ByContainer` entry may name objects too (with `*`): its patterns are checked.
            ig.patterns.push(if class == Class::ByObject {
                Vec::new()
            } else {
                patterns
            });
        }
        ig
    }

    /// The entries whose paths match the file (none when the file is unknown).
    pub(super) fn file(&self, cfg: &Config, project: &Project, file: FileId) -> FileEntries {
        let mut out = FileEntries {
            all: Vec::new(),
            scanned: Vec::new(),
        };
        if !self.any_paths {
            return out;
        }
        let Some(src) = project.files.get(file) else {
            return out;
        };
        out.all = self.globs.matching_tags(&relative_to_base(cfg, &src.path));
        out.scanned = (out.all.iter())
            .filter(|i| self.class.get(**i as usize) == Some(&Class::Scanned))
            .copied()
            .collect();
        out
    }

    /// The first entry matching the finding, given the entries that match its file.
    pub(super) fn first(&self, file: &FileEntries, f: &Finding) -> Option<&'c ConfigIgnore> {
        let code = f.rule.code;
        let rule_ok = |i: u32| {
            self.entries
                .get(i as usize)
                .is_some_and(|ig| ig.rules.is_empty() || ig.rules.iter().any(|r| r == code))
        };
        let path_ok = |i: u32| {
            self.entries
                .get(i as usize)
                .is_some_and(|ig| ig.paths.is_empty() || file.all.binary_search(&i).is_ok())
        };
        let named: &[u32] = f
            .container
            .as_ref()
            .and_then(|c| self.containers.get(c.as_str()))
            .map_or(&[], Vec::as_slice);
        let rest_ok = |i: u32| self.rest_matches(i, f, named);
        let first_in =
            |list: &[u32], ok: &dyn Fn(u32) -> bool| list.iter().copied().find(|i| ok(*i));
        let none: &[u32] = &[];
        let by_object = |key: ObjectKey| self.by_object.get(&key).map_or(none, Vec::as_slice);
        let (short, long) = f.object.as_ref().map_or((none, none), |o| {
            let (kind, name) = (o.kind.to_ascii_lowercase(), o.name.to_ascii_lowercase());
            let ns = o.namespace.to_ascii_lowercase();
            (
                by_object((kind.clone(), None, name.clone())),
                by_object((kind, Some(ns), name)),
            )
        });
        let by_container = f
            .container
            .as_ref()
            .and_then(|c| self.by_container.get(c.as_str()))
            .map_or(none, Vec::as_slice);
        // The indexed entries are found by one condition: the others are checked.
        let indexed_ok = |i: u32| rule_ok(i) && path_ok(i) && rest_ok(i);
        // Each list is in entry order: the first match overall is the least of their firsts.
        let candidates = [
            first_in(
                self.pathless.get(code).map_or(none, Vec::as_slice),
                &rest_ok,
            ),
            first_in(&self.pathless_any_rule, &rest_ok),
            first_in(&file.scanned, &|i| rule_ok(i) && rest_ok(i)),
            first_in(short, &indexed_ok),
            first_in(long, &indexed_ok),
            first_in(by_container, &indexed_ok),
        ];
        let i = candidates.into_iter().flatten().min()?;
        self.entries.get(i as usize)
    }

    /// The object and container conditions of entry `i` (its rule and paths are matched; a
    /// `ByObject` entry is only asked about the objects it names). `named`: the entries that
    /// name the finding's container.
    fn rest_matches(&self, i: u32, f: &Finding, named: &[u32]) -> bool {
        let (Some(ig), Some(class), Some(patterns)) = (
            self.entries.get(i as usize),
            self.class.get(i as usize),
            self.patterns.get(i as usize),
        ) else {
            return false;
        };
        if *class != Class::ByObject && !ig.objects.is_empty() {
            let Some(o) = &f.object else { return false };
            if !patterns.iter().any(|p| p.matches(o)) {
                return false;
            }
        }
        ig.containers.is_empty() || named.binary_search(&i).is_ok()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::ObjectRef;

    /// [`ConfigIgnores::first`] against the definition: the first entry, in order, whose rules,
    /// paths, objects and containers all admit the finding. Random entries mix exact and `*`
    /// object patterns with containers, so that every class is met (an entry of `*` objects
    /// and containers once matched nothing).
    #[test]
    fn first_agrees_with_the_definition() {
        let mut rnd = crate::test_rand::below(0x2545_f491_4f6c_dd1d);
        let rules = ["KX101", "KX202"].map(|c| crate::meta::by_code(c).unwrap());
        let objects = [
            "Deployment/web",
            "Deployment/default/web",
            "Deployment/*",
            "Pod/db",
            "*/prod/db",
        ];
        let containers = ["app", "side"];
        let pick =
            |rnd: &mut dyn FnMut(usize) -> usize, from: &[&str], max: usize| -> Vec<String> {
                (0..rnd(max + 1))
                    .map(|_| from[rnd(from.len())].to_string())
                    .collect()
            };
        for _ in 0..500 {
            let entries: Vec<ConfigIgnore> = (0..1 + rnd(5))
                .map(|_| ConfigIgnore {
                    rules: pick(&mut rnd, &["KX101", "KX202"], 1),
                    paths: pick(&mut rnd, &["x/**"], 1),
                    objects: pick(&mut rnd, &objects, 2),
                    containers: pick(&mut rnd, &containers, 1),
                    reason: String::new(),
                })
                .collect();
            let ignores = ConfigIgnores::new(&entries);
            // Whether the file matches each entry's paths.
            let file_ok: Vec<bool> = entries.iter().map(|_| rnd(2) == 0).collect();
            let all: Vec<u32> = (0u32..)
                .zip(&entries)
                .filter(|(i, e)| !e.paths.is_empty() && file_ok[*i as usize])
                .map(|(i, _)| i)
                .collect();
            let scanned = all
                .iter()
                .copied()
                .filter(|i| ignores.class[*i as usize] == Class::Scanned)
                .collect();
            let file = FileEntries { all, scanned };
            for _ in 0..20 {
                let mut f = Finding::new(rules[rnd(2)], crate::source::Span::new(0, 0..1), "");
                if rnd(4) > 0 {
                    f.object = Some(std::sync::Arc::new(ObjectRef {
                        kind: ["Deployment", "deployment", "Pod"][rnd(3)].into(),
                        namespace: ["default", "prod"][rnd(2)].into(),
                        name: ["web", "db"][rnd(2)].into(),
                    }));
                }
                if rnd(3) > 0 {
                    f.container = Some(containers[rnd(2)].to_string());
                }
                let want = entries.iter().enumerate().find(|(i, e)| {
                    (e.rules.is_empty() || e.rules.iter().any(|r| r == f.rule.code))
                        && (e.paths.is_empty() || file_ok[*i])
                        && (e.objects.is_empty()
                            || f.object.as_ref().is_some_and(|o| {
                                e.objects
                                    .iter()
                                    .filter_map(|p| ObjectPattern::of(p))
                                    .any(|p| p.matches(o))
                            }))
                        && (e.containers.is_empty()
                            || f.container
                                .as_ref()
                                .is_some_and(|c| e.containers.contains(c)))
                });
                let got = ignores.first(&file, &f);
                assert_eq!(
                    got.map(|g| g as *const ConfigIgnore),
                    want.map(|(_, e)| e as *const ConfigIgnore),
                    "{entries:#?}\n{f:?}"
                );
            }
        }
    }
}
