//! Kustomize patches: files a `kustomization.yaml` lists under `patches:`,
//! `patchesStrategicMerge:` or `patchesJson6902:`. Such a file is a fragment merged into an
//! object of the base, not an object: what it leaves out (volumes, resources, probes, ports)
//! lives in the base, so rules about absence skip it ([`super::Model::is_patch`]).

use crate::k8s::Object;
use crate::source::{FileId, SourceFile};
use crate::yaml::Node;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The file paths a Kustomization names as patches (relative to its directory).
fn patch_paths<'p>(k: &Object<'p>) -> Vec<&'p str> {
    let mut out = Vec::new();
    for field in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
        for item in k.node.get(field).map(Node::items).unwrap_or(&[]) {
            // `patchesStrategicMerge: [file.yaml]`, or `patches: [{path: file.yaml}]`; inline
            // patches (`patch: |`, or a multi-line string) name no file.
            let path = item
                .as_str()
                .or_else(|| item.get("path").and_then(Node::as_str));
            if let Some(p) = path.filter(|p| !p.contains('\n') && !p.trim().is_empty()) {
                out.push(p.trim());
            }
        }
    }
    out
}

/// The files listed as patches by the Kustomizations in `objects`.
pub fn patch_files(
    files: &[SourceFile],
    objects: &[Object<'_>],
    kustomizations: &[usize],
) -> HashSet<FileId> {
    let mut out = HashSet::new();
    if kustomizations.is_empty() {
        return out;
    }
    let by_path: HashMap<PathBuf, FileId> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (crate::source::norm_path(Path::new(&f.path)), i))
        .collect();
    for k in kustomizations.iter().filter_map(|i| objects.get(*i)) {
        let Some(kfile) = files.get(k.file) else {
            continue;
        };
        let dir = Path::new(&kfile.path).parent().unwrap_or(Path::new(""));
        for p in patch_paths(k) {
            if let Some(id) = by_path.get(&crate::source::norm_path(&dir.join(p))) {
                out.insert(*id);
            }
        }
    }
    out
}
