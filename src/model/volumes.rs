//! Volumes and mounts of a container: each `volumeMounts[]` entry resolved to its `volumes[]`
//! entry, and for ConfigMap/Secret/projected/downwardAPI volumes the files they project (key →
//! path after `items`, mode, content when the object is in the tree).
//!
//! The question the command rules ask is [`Mounts::at`]: "what is at absolute path P in this
//! container, as far as the mounts decide?" (semantics.md §3).

use crate::finding::ObjectRef;
use crate::k8s::{Container, Workload};
use crate::model::env::{is_optional, lookup_data_shared, DataKind};
use crate::model::Model;
use crate::source::{FileId, Span};
use crate::yaml::Node;
use std::collections::HashMap;
use std::sync::Arc;

/// `defaultMode` when unset: 0644.
pub const DEFAULT_MODE: u32 = 0o644;

/// The kind of a volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeKind<'p> {
    ConfigMap {
        name: &'p str,
        optional: bool,
    },
    Secret {
        name: &'p str,
        optional: bool,
    },
    Projected,
    DownwardApi,
    EmptyDir {
        memory: bool,
    },
    HostPath {
        path: Option<&'p str>,
    },
    PersistentVolumeClaim {
        claim: Option<&'p str>,
    },
    /// Any other source (csi, nfs, ephemeral, image …), by field name.
    Other(&'p str),
    /// No source field at all (the API rejects it; also what kexit sees for a bare name).
    None,
}

/// One file a ConfigMap/Secret/projected/downwardAPI volume puts into the container.
#[derive(Debug, Clone)]
pub struct ProjectedFile<'p> {
    /// Path inside the volume (`items[].path`, else the key), without leading `/`.
    pub path: String,
    /// The key in the ConfigMap/Secret (or the downward API field path).
    pub key: String,
    /// Effective mode (`items[].mode`, else the volume's `defaultMode`, else 0644); None when the
    /// mode field is not a valid number.
    pub mode: Option<u32>,
    /// The file content, when the object is in the tree (Secret data decoded).
    pub content: Option<std::sync::Arc<str>>,
    /// Where the key is defined (the ConfigMap/Secret key), when in the tree.
    pub source: Option<Span>,
    /// The `items[]` entry that placed it, if any.
    pub item: Option<&'p Node>,
    /// The ConfigMap/Secret it comes from (shared by the files of one source).
    pub object: Option<std::sync::Arc<ObjectRef>>,
}

/// The files of a projecting volume, sorted by path too: finding a file or a directory is a
/// binary search (a volume may list 100,000 files and be mounted 10,000 times).
#[derive(Debug, Clone, Default)]
pub struct FileList<'p> {
    list: Vec<ProjectedFile<'p>>,
    /// Indices into `list`, by path (then by index: the first of a path comes first).
    sorted: Vec<usize>,
}

impl<'p> FileList<'p> {
    pub fn new(mut list: Vec<ProjectedFile<'p>>) -> FileList<'p> {
        // Kept for the model's lifetime: no spare capacity.
        list.shrink_to_fit();
        let mut sorted: Vec<usize> = (0..list.len()).collect();
        sorted.sort_by(|&a, &b| list[a].path.cmp(&list[b].path).then(a.cmp(&b)));
        FileList { list, sorted }
    }

    /// Position in `sorted` of the first path not less than `p`.
    fn first_at_least(&self, p: &str) -> usize {
        self.sorted
            .partition_point(|&k| self.list[k].path.as_str() < p)
    }
}

/// What kexit knows about the files of a volume.
#[derive(Debug, Clone)]
pub enum Projection<'p> {
    /// Not a projecting volume (emptyDir, hostPath, pvc …).
    NotProjected,
    /// Every file is known.
    Known(Segments<'p>),
    /// These files are known; others may exist (a source outside the tree without `items`).
    Partial(Segments<'p>),
}

/// The files of a volume, one list per source in the volume's order (a ConfigMap/Secret source
/// without `items` is shared by every volume that projects it: see [`source_files`]).
pub type Segments<'p> = Vec<Arc<FileList<'p>>>;

impl<'p> Projection<'p> {
    fn segments(&self) -> &[Arc<FileList<'p>>] {
        match self {
            Projection::NotProjected => &[],
            Projection::Known(f) | Projection::Partial(f) => f,
        }
    }
    /// Every file, in the volume's order.
    pub fn files(&self) -> impl Iterator<Item = &ProjectedFile<'p>> {
        self.segments().iter().flat_map(|l| l.list.iter())
    }
    pub fn is_complete(&self) -> bool {
        matches!(self, Projection::Known(_))
    }
    /// The first file at `path` (relative to the volume).
    pub fn file(&self, path: &str) -> Option<&ProjectedFile<'p>> {
        // File paths are cleaned when the projection is built: only the query needs it.
        let path = clean_rel(path);
        self.segments().iter().find_map(|l| {
            let k = *l.sorted.get(l.first_at_least(&path))?;
            l.list.get(k).filter(|f| f.path == path)
        })
    }
    /// True when some file lies below `dir` (a relative directory inside the volume).
    pub fn has_dir(&self, dir: &str) -> bool {
        let dir = clean_rel(dir);
        if dir.is_empty() {
            return true;
        }
        // Every path below `dir/` sorts right after it.
        let prefix = format!("{dir}/");
        self.segments().iter().any(|l| {
            l.sorted
                .get(l.first_at_least(&prefix))
                .is_some_and(|&k| l.list[k].path.starts_with(&prefix))
        })
    }
}

/// One `volumes[]` entry.
#[derive(Debug, Clone)]
pub struct Volume<'p> {
    pub node: &'p Node,
    pub name: &'p str,
    pub kind: VolumeKind<'p>,
    pub files: Projection<'p>,
}

/// One `volumeMounts[]` entry resolved.
#[derive(Debug, Clone)]
pub struct Mount<'p> {
    pub node: &'p Node,
    pub name: &'p str,
    pub name_node: Option<&'p Node>,
    /// Cleaned absolute mount path (None when missing or not a string).
    pub mount_path: Option<String>,
    pub mount_path_node: Option<&'p Node>,
    pub read_only: bool,
    pub sub_path: Option<&'p str>,
    pub sub_path_node: Option<&'p Node>,
    pub sub_path_expr: Option<&'p str>,
    /// The volume, or None when no `volumes[]` entry has this name. Shared by every mount of
    /// it (a projected volume may list 100,000 files; 100 subPath mounts must not copy them).
    pub volume: Option<Arc<Volume<'p>>>,
    /// Whether another container of the pod mounts the same volume (it may write to it).
    pub shared: bool,
}

/// What the mounts say about an absolute path.
#[derive(Debug, Clone, Copy)]
pub enum PathState<'a, 'p> {
    /// No mount covers it: ask the image.
    NotMounted,
    /// A projected file.
    File {
        file: &'a ProjectedFile<'p>,
        mount: &'a Mount<'p>,
    },
    /// A directory (a mount point, a directory inside a projected volume, or the empty
    /// directory the kubelet creates for a missing `subPath`).
    Directory { mount: &'a Mount<'p> },
    /// A mount covers the path's directory and certainly puts nothing there: whatever the image
    /// had is hidden.
    Hidden { mount: &'a Mount<'p> },
    /// A mount covers the path; its contents are unknown (pvc, hostPath, shared emptyDir,
    /// source outside the tree, subPathExpr).
    Unknown { mount: &'a Mount<'p> },
}

impl<'a, 'p> PathState<'a, 'p> {
    pub fn mount(&self) -> Option<&'a Mount<'p>> {
        match *self {
            PathState::NotMounted => None,
            PathState::File { mount, .. }
            | PathState::Directory { mount }
            | PathState::Hidden { mount }
            | PathState::Unknown { mount } => Some(mount),
        }
    }
}

/// A container's mounts.
#[derive(Debug, Clone, Default)]
pub struct Mounts<'p> {
    pub mounts: Vec<Mount<'p>>,
}

impl<'p> Mounts<'p> {
    /// What is at absolute path `path` per the mounts (the innermost covering mount decides).
    pub fn at<'a>(&'a self, path: &str) -> PathState<'a, 'p> {
        let path = clean_abs(path);
        let mut best: Option<(&'a Mount<'p>, usize)> = None;
        for m in &self.mounts {
            let Some(mp) = m.mount_path.as_deref() else {
                continue;
            };
            if let Some(rel) = under(mp, &path) {
                // Longest mount path wins; among equals, the later mount is on top.
                if best.is_none_or(|(b, _)| mp.len() >= b.mount_path.as_deref().map_or(0, str::len))
                {
                    best = Some((m, path.len() - rel.len()));
                }
            }
        }
        let Some((mount, cut)) = best else {
            return PathState::NotMounted;
        };
        let rel = path[cut..].trim_start_matches('/');
        mount.state(rel)
    }

    /// The mount whose mount path is exactly `path`.
    pub fn exact(&self, path: &str) -> Option<&Mount<'p>> {
        let path = clean_abs(path);
        self.mounts
            .iter()
            .rev()
            .find(|m| m.mount_path.as_deref() == Some(path.as_str()))
    }
}

impl<'p> Mount<'p> {
    /// The state of `rel` (relative, cleaned) inside this mount.
    fn state<'a>(&'a self, rel: &str) -> PathState<'a, 'p> {
        let mount = self;
        if self.sub_path_expr.is_some_and(|s| !s.is_empty()) {
            return PathState::Unknown { mount };
        }
        let Some(vol) = &self.volume else {
            return PathState::Unknown { mount };
        };
        let sub = self.sub_path.map(clean_rel).unwrap_or_default();
        let full = join_rel(&sub, rel);
        match &vol.kind {
            VolumeKind::ConfigMap { .. }
            | VolumeKind::Secret { .. }
            | VolumeKind::Projected
            | VolumeKind::DownwardApi => {
                if full.is_empty() {
                    return PathState::Directory { mount };
                }
                if let Some(file) = vol.files.file(&full) {
                    return PathState::File { file, mount };
                }
                if vol.files.has_dir(&full) {
                    return PathState::Directory { mount };
                }
                if !vol.files.is_complete() || self.shared {
                    return PathState::Unknown { mount };
                }
                if rel.is_empty() {
                    // A missing subPath: the kubelet creates an empty directory.
                    PathState::Directory { mount }
                } else {
                    PathState::Hidden { mount }
                }
            }
            VolumeKind::EmptyDir { .. } => {
                if rel.is_empty() {
                    PathState::Directory { mount }
                } else if self.shared {
                    PathState::Unknown { mount }
                } else {
                    PathState::Hidden { mount }
                }
            }
            VolumeKind::PersistentVolumeClaim { .. } if rel.is_empty() && sub.is_empty() => {
                PathState::Directory { mount }
            }
            _ => PathState::Unknown { mount },
        }
    }

    /// The span to point at for findings about the mount path (falls back to the entry).
    pub fn mount_path_span(&self, w: &Workload<'_>) -> Span {
        w.span(self.mount_path_node.unwrap_or(self.node))
    }
}

/// Pod volumes by name, resolved (ConfigMap/Secret contents looked up in the model).
pub fn pod_volumes<'p>(model: &Model<'p>, w: &Workload<'p>) -> Vec<Volume<'p>> {
    w.pod_spec
        .get("volumes")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| resolve_volume(model, w, v))
        .chain(claim_templates(w).map(|(name, node)| Volume {
            node,
            name,
            kind: VolumeKind::PersistentVolumeClaim { claim: Some(name) },
            files: Projection::NotProjected,
        }))
        .collect()
}

/// StatefulSet `volumeClaimTemplates` (mountable by name like volumes): (name, template node).
pub fn claim_templates<'a, 'p>(
    w: &'a Workload<'p>,
) -> impl Iterator<Item = (&'p str, &'p Node)> + 'a {
    w.object
        .node
        .path(&["spec", "volumeClaimTemplates"])
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|t| Some((t.path(&["metadata", "name"]).and_then(Node::as_str)?, t)))
}

/// Every container's mounts (in `w.containers` order), each resolved to its volume. Linear in
/// the pod's volumes and mounts: volumes are resolved once for the pod and found by name, and
/// whether another container mounts the same volume is one lookup (a pod of 10,000 mounts and
/// 10,000 volumes, or of many containers sharing them, must not be scanned per mount).
pub fn pod_mounts<'p>(model: &Model<'p>, w: &Workload<'p>) -> Vec<Mounts<'p>> {
    let pod = PodVolumes::new(model, w);
    w.containers.iter().map(|c| pod.mounts(c)).collect()
}

/// A pod's volumes resolved, by name, and which volumes more than one container mounts.
struct PodVolumes<'p> {
    /// The last volume of each name (the API rejects duplicates; the kubelet would take one).
    by_name: HashMap<&'p str, Arc<Volume<'p>>>,
    /// Volume name → the one container (kind, index) mounting it, or None when several do.
    mounted_by: HashMap<&'p str, Option<(crate::k8s::ContainerKind, usize)>>,
}

impl<'p> PodVolumes<'p> {
    fn new(model: &Model<'p>, w: &Workload<'p>) -> PodVolumes<'p> {
        let by_name = pod_volumes(model, w)
            .into_iter()
            .map(|v| (v.name, Arc::new(v)))
            .collect();
        let mut mounted_by: HashMap<&'p str, Option<(crate::k8s::ContainerKind, usize)>> =
            HashMap::new();
        for o in &w.containers {
            for om in o.volume_mounts() {
                let Some(name) = om.get("name").and_then(Node::as_str) else {
                    continue;
                };
                let me = (o.kind, o.index);
                mounted_by
                    .entry(name)
                    .and_modify(|by| {
                        if *by != Some(me) {
                            *by = None;
                        }
                    })
                    .or_insert(Some(me));
            }
        }
        PodVolumes {
            by_name,
            mounted_by,
        }
    }

    fn mounts(&self, c: &Container<'p>) -> Mounts<'p> {
        let mut mounts = Vec::new();
        for m in c.volume_mounts() {
            let name_node = m.get("name");
            let name = name_node.and_then(Node::as_str).unwrap_or("");
            let mount_path_node = m.get("mountPath");
            let mount_path = mount_path_node
                .and_then(Node::as_str)
                .filter(|p| !p.is_empty())
                .map(clean_abs);
            let sub_path_node = m.get("subPath");
            // Mounted by another container: by several, or by one that is not this one.
            let shared = self
                .mounted_by
                .get(name)
                .is_some_and(|by| *by != Some((c.kind, c.index)));
            mounts.push(Mount {
                node: m,
                name,
                name_node,
                mount_path,
                mount_path_node,
                read_only: m.get("readOnly").and_then(Node::as_bool) == Some(true),
                sub_path: sub_path_node
                    .and_then(Node::as_str)
                    .filter(|s| !s.is_empty()),
                sub_path_node,
                sub_path_expr: m.get("subPathExpr").and_then(Node::as_str),
                volume: self.by_name.get(name).cloned(),
                shared,
            });
        }
        // Kept for the model's lifetime: no spare capacity.
        mounts.shrink_to_fit();
        Mounts { mounts }
    }
}

/// A mode field: Some(Some(mode)) when a valid number, Some(None) when present but invalid
/// (string, out of range), None when absent.
pub fn mode_field(node: &Node, key: &str) -> Option<Option<u32>> {
    let v = node.get(key)?;
    if v.is_null() {
        return None;
    }
    Some(
        v.as_i64()
            .filter(|m| (0..=0o777).contains(m))
            .map(|m| m as u32),
    )
}

/// [`crate::model::Model`]'s table of the file lists of ConfigMap/Secret sources without
/// `items`: by (kind, namespace, name, directory of the reader, defaultMode), whether the list
/// is complete and the list.
pub type SharedFiles<'p> = crate::memo::RunMemo<
    (DataKind, String, String, std::path::PathBuf, Option<u32>),
    (bool, Arc<FileList<'p>>),
>;

/// The files of a `configMap`/`secret` volume or projected source, and whether they are all
/// known. Without `items` they depend only on the object and the mode: built once and shared
/// by every volume that projects it (20 pods mounting one ConfigMap of 100,000 keys held 2
/// million files).
fn source_files<'p>(
    model: &Model<'p>,
    near: FileId,
    ns: &str,
    dk: DataKind,
    obj: &str,
    src: &'p Node,
    default: Option<u32>,
) -> (bool, Arc<FileList<'p>>) {
    let build = || {
        let mut out = Vec::new();
        let complete = project_source(model, near, ns, dk, obj, src, default, &mut out);
        (complete, Arc::new(FileList::new(out)))
    };
    if src.get("items").is_some() {
        return build();
    }
    let key = (
        dk,
        ns.to_string(),
        obj.to_string(),
        crate::model::env::dir_of(model, near).to_path_buf(),
        default,
    );
    model.volume_files.get_or_compute(&key, build)
}

fn resolve_volume<'p>(model: &Model<'p>, w: &Workload<'p>, v: &'p Node) -> Option<Volume<'p>> {
    let name = v.get("name").and_then(Node::as_str)?;
    let ns = w.object.namespace;
    let mut kind = VolumeKind::None;
    let mut files = Projection::NotProjected;
    for (k, src) in v.entries() {
        let Some(field) = k.as_str() else { continue };
        match field {
            "name" => {}
            "configMap" | "secret" => {
                let (dk, obj) = if field == "configMap" {
                    (DataKind::ConfigMap, src.get("name").and_then(Node::as_str))
                } else {
                    (
                        DataKind::Secret,
                        src.get("secretName").and_then(Node::as_str),
                    )
                };
                let obj = obj.unwrap_or("");
                let optional = is_optional(src);
                kind = if dk == DataKind::ConfigMap {
                    VolumeKind::ConfigMap {
                        name: obj,
                        optional,
                    }
                } else {
                    VolumeKind::Secret {
                        name: obj,
                        optional,
                    }
                };
                let default = match mode_field(src, "defaultMode") {
                    Some(m) => m,
                    None => Some(DEFAULT_MODE),
                };
                let (complete, list) =
                    source_files(model, w.object.file, ns, dk, obj, src, default);
                files = if complete {
                    Projection::Known(vec![list])
                } else {
                    Projection::Partial(vec![list])
                };
            }
            "downwardAPI" => {
                kind = VolumeKind::DownwardApi;
                let default = match mode_field(src, "defaultMode") {
                    Some(m) => m,
                    None => Some(DEFAULT_MODE),
                };
                let mut out = Vec::new();
                downward_items(src, default, &mut out);
                files = Projection::Known(vec![Arc::new(FileList::new(out))]);
            }
            "projected" => {
                kind = VolumeKind::Projected;
                let default = match mode_field(src, "defaultMode") {
                    Some(m) => m,
                    None => Some(DEFAULT_MODE),
                };
                // One list per shared source, the others' files gathered between them, in
                // the sources' order (the first file of a path is the one found).
                let mut segments: Segments<'p> = Vec::new();
                let mut out = Vec::new();
                let mut complete = true;
                for s in src.get("sources").map(Node::items).unwrap_or(&[]) {
                    let data_source = s
                        .get("configMap")
                        .map(|cm| (DataKind::ConfigMap, cm))
                        .or_else(|| s.get("secret").map(|sec| (DataKind::Secret, sec)));
                    if let Some((dk, node)) = data_source {
                        let obj = node.get("name").and_then(Node::as_str).unwrap_or("");
                        let (whole, list) =
                            source_files(model, w.object.file, ns, dk, obj, node, default);
                        complete &= whole;
                        if !out.is_empty() {
                            segments.push(Arc::new(FileList::new(std::mem::take(&mut out))));
                        }
                        segments.push(list);
                    } else if let Some(d) = s.get("downwardAPI") {
                        downward_items(d, default, &mut out);
                    } else if let Some(t) = s
                        .get("serviceAccountToken")
                        .or_else(|| s.get("clusterTrustBundle"))
                    {
                        if let Some(p) = t.get("path").and_then(Node::as_str) {
                            out.push(ProjectedFile {
                                path: clean_rel(p),
                                key: p.to_string(),
                                mode: default,
                                content: None,
                                source: None,
                                item: Some(t),
                                object: None,
                            });
                        }
                    } else {
                        complete = false;
                    }
                }
                if !out.is_empty() {
                    segments.push(Arc::new(FileList::new(out)));
                }
                files = if complete {
                    Projection::Known(segments)
                } else {
                    Projection::Partial(segments)
                };
            }
            "emptyDir" => {
                kind = VolumeKind::EmptyDir {
                    memory: src.get("medium").and_then(Node::as_str) == Some("Memory"),
                }
            }
            "hostPath" => {
                kind = VolumeKind::HostPath {
                    path: src.get("path").and_then(Node::as_str),
                }
            }
            "persistentVolumeClaim" => {
                kind = VolumeKind::PersistentVolumeClaim {
                    claim: src.get("claimName").and_then(Node::as_str),
                }
            }
            other => kind = VolumeKind::Other(other),
        }
    }
    Some(Volume {
        node: v,
        name,
        kind,
        files,
    })
}

/// Project one ConfigMap/Secret source into files. Returns whether the listing is complete.
#[allow(clippy::too_many_arguments)]
fn project_source<'p>(
    model: &Model<'p>,
    near: FileId,
    ns: &str,
    kind: DataKind,
    obj: &str,
    src: &'p Node,
    default_mode: Option<u32>,
    out: &mut Vec<ProjectedFile<'p>>,
) -> bool {
    let data = lookup_data_shared(model, kind, ns, obj, near);
    let optional = is_optional(src);
    let object = Some(std::sync::Arc::new(ObjectRef {
        kind: kind.as_str().to_string(),
        namespace: ns.to_string(),
        name: obj.to_string(),
    }));
    let items = src.get("items").filter(|i| i.is_seq()).map(Node::items);
    match (items, data) {
        (Some(items), data) if !items.is_empty() => {
            let mut complete = true;
            for it in items {
                let Some(key) = it.get("key").and_then(Node::scalar_text) else {
                    continue;
                };
                let path = it
                    .get("path")
                    .and_then(Node::scalar_text)
                    .unwrap_or_else(|| key.clone());
                let mode = match mode_field(it, "mode") {
                    Some(m) => m,
                    None => default_mode,
                };
                let dk = data.as_ref().and_then(|d| d.keys.get(&key));
                if data.is_some() && dk.is_none() {
                    // Missing key: optional → the file is skipped; otherwise FailedMount
                    // (KX303) and the container never starts.
                    continue;
                }
                if data.is_none() && optional {
                    complete = false;
                }
                out.push(ProjectedFile {
                    path: clean_rel(&path),
                    key,
                    mode,
                    content: dk.and_then(|k| k.value.as_deref().map(std::sync::Arc::from)),
                    source: dk.and_then(|k| k.span),
                    item: Some(it),
                    object: object.clone(),
                });
            }
            complete
        }
        (_, Some(d)) => {
            // Reserved at once: a ConfigMap may have 100,000 keys and its list is kept for the
            // run. (The looked-up keys are shared with the other readers: copied.)
            out.reserve_exact(d.keys.len());
            for (k, v) in d.keys.iter() {
                out.push(ProjectedFile {
                    path: clean_rel(k),
                    key: k.clone(),
                    mode: default_mode,
                    content: v.value.as_deref().map(std::sync::Arc::from),
                    source: v.span,
                    item: None,
                    object: object.clone(),
                });
            }
            true
        }
        _ => false,
    }
}

fn downward_items<'p>(src: &'p Node, default_mode: Option<u32>, out: &mut Vec<ProjectedFile<'p>>) {
    for it in src.get("items").map(Node::items).unwrap_or(&[]) {
        let Some(path) = it.get("path").and_then(Node::scalar_text) else {
            continue;
        };
        let key = it
            .path(&["fieldRef", "fieldPath"])
            .or_else(|| it.path(&["resourceFieldRef", "resource"]))
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let mode = match mode_field(it, "mode") {
            Some(m) => m,
            None => default_mode,
        };
        out.push(ProjectedFile {
            path: clean_rel(&path),
            key,
            mode,
            content: None,
            source: None,
            item: Some(it),
            object: None,
        });
    }
}

/// Clean an absolute path: collapse `//` and `.`, resolve `..` lexically, drop a trailing `/`.
pub fn clean_abs(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Clean a relative path (no leading/trailing `/`).
pub fn clean_rel(p: &str) -> String {
    clean_abs(p).trim_start_matches('/').to_string()
}

fn join_rel(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => clean_rel(&format!("{a}/{b}")),
    }
}

/// If `path` is `mp` or below it, the remainder (starting with `/` or empty).
fn under<'a>(mp: &str, path: &'a str) -> Option<&'a str> {
    if mp == "/" {
        return Some(path);
    }
    let rest = path.strip_prefix(mp)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(clean_abs("/app//bin/./x/"), "/app/bin/x");
        assert_eq!(clean_abs("/a/../b"), "/b");
        assert_eq!(clean_abs("/"), "/");
        assert_eq!(clean_rel("./a/b/"), "a/b");
        assert_eq!(under("/app", "/app/x"), Some("/x"));
        assert_eq!(under("/app", "/app"), Some(""));
        assert_eq!(under("/app", "/apps/x"), None);
        assert_eq!(under("/", "/x"), Some("/x"));
    }
}
