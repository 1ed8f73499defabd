//! Facts about where objects live, computed once per run for the rules that ask them per
//! workload or per reference (KX305's sibling and producer scans, KX112's kustomization
//! lookup, KX102/KX122's "is this image run by a pod"): each was a scan of every object or
//! workload per question, O(workloads × objects) on a large namespace.

use super::env::dir_of;
use super::Model;
use crate::yaml::Node;
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Object placement facts (see [`Model::placement`]).
#[derive(Debug, Default)]
pub struct Placement<'p> {
    /// Directories holding a `Kustomization`.
    pub kustomization_dirs: HashSet<&'p Path>,
    /// Directories holding a `Kustomization` that declares `vars` or `replacements`.
    pub kustomize_var_dirs: HashSet<&'p Path>,
    /// Namespace → kind → directories of every object (nested, so that a query borrows: a
    /// tuple key would have to be copied into owned strings to be looked up).
    kind_ns_dirs: HashMap<&'p str, HashMap<&'p str, HashSet<&'p Path>>>,
    /// Namespace → names of every object.
    names: HashMap<&'p str, HashSet<&'p str>>,
    /// Names something in the tree may produce in any namespace (`spec.secretName`,
    /// `spec.target.name`, `spec.template.metadata.name`: cert-manager, ExternalSecret,
    /// SealedSecret …).
    produced: HashSet<&'p str>,
}

impl<'p> Placement<'p> {
    pub(super) fn compute(model: &Model<'p>) -> Placement<'p> {
        let mut p = Placement::default();
        for i in &model.kustomizations {
            let Some(o) = model.objects.get(*i) else {
                continue;
            };
            if o.kind != "Kustomization" {
                continue;
            }
            let dir = dir_of(model, o.file);
            p.kustomization_dirs.insert(dir);
            if o.node.get("vars").is_some() || o.node.get("replacements").is_some() {
                p.kustomize_var_dirs.insert(dir);
            }
        }
        for o in &model.objects {
            let dir = dir_of(model, o.file);
            p.kind_ns_dirs
                .entry(o.namespace)
                .or_default()
                .entry(o.kind)
                .or_default()
                .insert(dir);
            p.names.entry(o.namespace).or_default().insert(o.name);
            for path in [
                &["spec", "secretName"][..],
                &["spec", "target", "name"],
                &["spec", "template", "metadata", "name"],
            ] {
                if let Some(n) = o.node.path(path).and_then(Node::as_str) {
                    p.produced.insert(n);
                }
            }
        }
        p
    }

    /// Whether `dir` holds objects of `kind` in namespace `ns`.
    pub fn has_kind_in(&self, kind: &str, ns: &str, dir: &Path) -> bool {
        self.kind_ns_dirs
            .get(ns)
            .and_then(|k| k.get(kind))
            .is_some_and(|d| d.contains(dir))
    }

    /// Whether something in the tree defines or may produce an object named `name` in `ns`.
    pub fn produced(&self, ns: &str, name: &str) -> bool {
        self.produced.contains(name) || self.names.get(ns).is_some_and(|n| n.contains(name))
    }
}

/// The images some pod's container runs (by address in [`Model::images`]).
pub(super) fn pod_images(model: &Model<'_>) -> HashSet<usize> {
    let mut out = HashSet::new();
    for w in &model.workloads {
        for c in &w.containers {
            if let Some(img) = model.image_for(w, c) {
                out.insert(std::ptr::from_ref(img) as usize);
            }
        }
    }
    out
}

/// Most entries of a directory [`file_named_near`] reads (bounded work on a huge directory).
const NEAR_ENTRIES: usize = 256;

/// Most entries of a subdirectory [`file_named_near`] lists: past it the subdirectory is asked
/// for each name instead (a stat), so that one holding a million files is not held in memory.
const NEAR_LISTED: usize = 4096;

/// The directories directly under a directory that [`file_named_near`] searches (at most
/// [`NEAR_ENTRIES`] of its entries, in `read_dir` order, not through a symlink), each with the
/// names of its regular files (None: more than [`NEAR_LISTED`] entries, not listed).
type NearSubdirs = Arc<Vec<(PathBuf, Option<HashSet<OsString>>)>>;

/// [`Model`]'s table of [`file_named_near`]'s listings, by directory: listed once per run, not
/// once per key (a `read_dir` and a stat per subdirectory for each key: 40,000 keys next to
/// 256 subdirectories 21.9 s).
pub type NearDirs = crate::memo::RunMemo<PathBuf, NearSubdirs>;

fn near_subdirs(dir: &Path) -> NearSubdirs {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Arc::default();
    };
    let subdirs = entries
        .take(NEAR_ENTRIES)
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| {
            let path = e.path();
            let listed: Vec<std::fs::DirEntry> = std::fs::read_dir(&path)
                .into_iter()
                .flatten()
                .take(NEAR_LISTED + 1)
                .flatten()
                .collect();
            let files = (listed.len() <= NEAR_LISTED).then(|| {
                listed
                    .iter()
                    .filter(|f| f.file_type().is_ok_and(|t| t.is_file()))
                    .map(std::fs::DirEntry::file_name)
                    .collect()
            });
            (path, files)
        })
        .collect();
    Arc::new(subdirs)
}

/// A regular file named `name` in `dir` or in a directory directly under it (not through a
/// symlink), as the user would name it: the sign that a ConfigMap/Secret is also created from
/// files (`kubectl create configmap --from-file=DIR`, a hand-run generator). None for a name
/// that is not a plain file name.
pub fn file_named_near(model: &Model<'_>, dir: &Path, name: &str) -> Option<String> {
    if name.is_empty() || name.contains(['/', '\\', '\0']) || name == "." || name == ".." {
        return None;
    }
    let here = dir.join(name);
    if std::fs::symlink_metadata(&here).is_ok_and(|m| m.is_file()) {
        return Some(here.to_string_lossy().into_owned());
    }
    let subdirs = model.near_dirs.get_or_compute(dir, || near_subdirs(dir));
    let (sub, _) = subdirs.iter().find(|(sub, files)| match files {
        Some(files) => files.contains(std::ffi::OsStr::new(name)),
        None => std::fs::symlink_metadata(sub.join(name)).is_ok_and(|m| m.is_file()),
    })?;
    Some(sub.join(name).to_string_lossy().into_owned())
}
