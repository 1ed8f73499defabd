//! ConfigMap/Secret contents: the keys (and, where the tree holds them, values) of an object a
//! pod references, from the linted tree or `external_objects` in the config.

use crate::finding::ObjectRef;
use crate::k8s::{Object, Workload};
use crate::model::Model;
use crate::source::{FileId, Span};
use crate::yaml::Node;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Which kind of object a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataKind {
    ConfigMap,
    Secret,
}

impl DataKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DataKind::ConfigMap => "ConfigMap",
            DataKind::Secret => "Secret",
        }
    }
}

/// One key of a ConfigMap/Secret.
#[derive(Debug, Clone)]
pub struct DataKey {
    /// The value as the container sees it (Secret `data` base64-decoded; None when binary,
    /// undecodable or unknown).
    pub value: Option<String>,
    /// Where the key is written (None for `external_objects`).
    pub span: Option<Span>,
    /// Whether the key is in `data`/`stringData` (true) or only `binaryData` (false). Only
    /// `data` keys become environment variables.
    pub in_data: bool,
}

/// What kexit knows of a referenced ConfigMap/Secret.
#[derive(Debug, Clone)]
pub struct ConfigData<'p> {
    pub kind: DataKind,
    pub namespace: String,
    pub name: String,
    /// The in-tree objects (several when a name is defined more than once: their keys are
    /// merged). Empty for `external_objects`.
    pub objects: Vec<Object<'p>>,
    /// Known keys. Meaningful only when `keys_known`.
    pub keys: BTreeMap<String, DataKey>,
    /// False for an external object declared without keys: nothing can be said about keys.
    pub keys_known: bool,
}

impl<'p> ConfigData<'p> {
    pub fn has_key(&self, key: &str) -> Option<bool> {
        if !self.keys_known {
            return None;
        }
        Some(self.keys.contains_key(key))
    }
    pub fn reference(&self) -> ObjectRef {
        ObjectRef {
            kind: self.kind.as_str().to_string(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
    /// The first in-tree object's name span (for labels).
    pub fn name_span(&self) -> Option<Span> {
        self.objects.first().map(Object::name_span)
    }
}

/// The outcome of looking up a referenced ConfigMap/Secret.
#[derive(Debug, Clone)]
pub enum DataLookup<'p> {
    /// In the tree or declared in `external_objects` (shared: see [`lookup_data`]).
    Found(std::sync::Arc<ConfigData<'p>>),
    /// Neither in the tree nor declared: it may exist in the cluster.
    NotInTree,
}

/// Look up a ConfigMap/Secret by namespace and name, as seen from the file `near` (the
/// referencing workload's file): in-tree objects first, then `config.external_objects`.
///
/// Keys count as known only when a definition sits in the same directory as `near` (several
/// definitions there: keys merged). A definition elsewhere in the tree proves the object exists
/// but may belong to another application linted in the same run (examples repositories,
/// monorepos), so its keys are not trusted (`keys_known: false`).
///
/// Built once per (kind, namespace, name, directory of `near`) and shared: 200 containers that
/// `envFrom` one ConfigMap of 100,000 keys built its key map 200 times, in each rule that
/// asked.
pub fn lookup_data<'p>(
    model: &Model<'p>,
    kind: DataKind,
    namespace: &str,
    name: &str,
    near: FileId,
) -> DataLookup<'p> {
    let key = (
        kind,
        namespace.to_string(),
        name.to_string(),
        dir_of(model, near).to_path_buf(),
    );
    model
        .env_data
        .get_or_compute(&key, || build_lookup(model, kind, namespace, name, near))
}

fn build_lookup<'p>(
    model: &Model<'p>,
    kind: DataKind,
    namespace: &str,
    name: &str,
    near: FileId,
) -> DataLookup<'p> {
    let kind_str = kind.as_str();
    if model.index.get(kind_str, namespace, name).is_some() {
        let defs = model
            .env_defs
            .get_or_compute(&(kind, namespace.to_string(), name.to_string()), || {
                std::sync::Arc::new(definitions(model, kind, namespace, name))
            });
        let Some(local) = defs.by_dir.get(dir_of(model, near)) else {
            return DataLookup::Found(defs.elsewhere.clone());
        };
        let local: Vec<Object<'p>> = local
            .iter()
            .filter_map(|i| model.objects.get(*i))
            .cloned()
            .collect();
        let mut keys = BTreeMap::new();
        for o in &local {
            collect_keys(kind, o, &mut keys);
        }
        return DataLookup::Found(std::sync::Arc::new(ConfigData {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
            objects: local,
            keys,
            keys_known: true,
        }));
    }
    let external = model.external_objects.get_or_init(|| {
        let mut index = ExternalIndex::new();
        for (i, e) in model.config().external_objects.iter().enumerate() {
            index
                .entry((e.kind.as_str(), e.name.as_str()))
                .or_default()
                .push(i);
        }
        index
    });
    let declared = external
        .get(&(kind_str, name))
        .into_iter()
        .flatten()
        .filter_map(|i| model.config().external_objects.get(*i));
    for e in declared {
        let ns_ok = e.namespace.as_deref().is_none_or(|n| n == namespace);
        if ns_ok {
            let keys = e
                .keys
                .iter()
                .map(|k| {
                    (
                        k.clone(),
                        DataKey {
                            value: None,
                            span: None,
                            in_data: true,
                        },
                    )
                })
                .collect();
            return DataLookup::Found(std::sync::Arc::new(ConfigData {
                kind,
                namespace: namespace.to_string(),
                name: name.to_string(),
                objects: Vec::new(),
                keys,
                keys_known: !e.keys.is_empty(),
            }));
        }
    }
    DataLookup::NotInTree
}

/// The in-tree definitions of one ConfigMap/Secret name: their positions in `model.objects` by
/// directory, and the lookup every directory without a definition of its own shares (the object
/// exists, its keys are not trusted). One name defined 50,000 times and referenced from 2,000
/// directories copied every definition into each directory's lookup, after comparing each
/// one's directory: 5.6 GB, then an allocation failure, from 3.3 MB.
pub struct Definitions<'p> {
    by_dir: HashMap<PathBuf, Vec<usize>>,
    elsewhere: std::sync::Arc<ConfigData<'p>>,
}

fn definitions<'p>(
    model: &Model<'p>,
    kind: DataKind,
    namespace: &str,
    name: &str,
) -> Definitions<'p> {
    let positions = model.index.positions(kind.as_str(), namespace, name);
    let mut by_dir: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    for &i in positions {
        if let Some(o) = model.objects.get(i) {
            by_dir
                .entry(dir_of(model, o.file).to_path_buf())
                .or_default()
                .push(i);
        }
    }
    let objects = positions
        .iter()
        .filter_map(|i| model.objects.get(*i))
        .cloned()
        .collect();
    Definitions {
        by_dir,
        elsewhere: std::sync::Arc::new(ConfigData {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
            objects,
            keys: BTreeMap::new(),
            keys_known: false,
        }),
    }
}

/// The directory of a file's path as given (`""` for a bare name).
pub fn dir_of<'p>(model: &Model<'p>, file: FileId) -> &'p std::path::Path {
    model
        .project
        .files
        .get(file)
        .and_then(|f| std::path::Path::new(&f.path).parent())
        .unwrap_or(std::path::Path::new(""))
}

/// A workload that looks like a strategic-merge patch (a kustomize overlay fragment): some
/// container has no `image`, or an `apps/v1` controller has no `selector`. Its env, volumes and
/// references live in a base kexit cannot merge, so reference rules skip it.
pub fn looks_like_patch(w: &Workload<'_>) -> bool {
    w.containers.iter().any(|c| c.get("image").is_none())
        || (w.object.api_version == "apps/v1"
            && w.object.node.path(&["spec", "selector"]).is_none())
}

/// A kustomization next to the file declares `vars`/`replacements`: kustomize rewrites `$(VAR)`
/// before the kubelet ever sees it.
pub fn kustomize_vars_near(model: &Model<'_>, file: FileId) -> bool {
    model
        .placement()
        .kustomize_var_dirs
        .contains(dir_of(model, file))
}

fn collect_keys(kind: DataKind, o: &Object<'_>, keys: &mut BTreeMap<String, DataKey>) {
    let fields: &[&str] = match kind {
        DataKind::ConfigMap => &["data", "binaryData"],
        DataKind::Secret => &["data", "stringData"],
    };
    for field in fields {
        let Some(map) = o.node.get(field) else {
            continue;
        };
        for (k, v) in map.entries() {
            let Some(key) = k.scalar_text() else {
                continue;
            };
            let raw = v.scalar_text();
            let value = match (kind, *field) {
                (DataKind::ConfigMap, "data") | (DataKind::Secret, "stringData") => raw,
                (DataKind::Secret, "data") => raw.and_then(|s| base64_decode(&s)),
                _ => None,
            };
            let in_data = *field != "binaryData";
            keys.insert(
                key,
                DataKey {
                    value,
                    span: Some(o.span(k)),
                    in_data,
                },
            );
        }
    }
}

/// Standard base64 (padding optional, whitespace ignored) to UTF-8 text; None when invalid or
/// not UTF-8.
pub fn base64_decode(s: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut nbits = 0u32;
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `optional: true` on a reference node.
pub fn is_optional(node: &Node) -> bool {
    node.get("optional").and_then(Node::as_bool) == Some(true)
}

/// Positions in `config.external_objects` by (kind, name), in declaration order (the first
/// whose namespace fits is the one used).
pub type ExternalIndex<'p> = std::collections::HashMap<(&'p str, &'p str), Vec<usize>>;

/// [`crate::model::Model`]'s table of [`lookup_data`].
pub type SharedData<'p> =
    crate::memo::RunMemo<(DataKind, String, String, std::path::PathBuf), DataLookup<'p>>;

/// [`Definitions`] of each (kind, namespace, name), built once for the run.
pub type SharedDefinitions<'p> =
    crate::memo::RunMemo<(DataKind, String, String), std::sync::Arc<Definitions<'p>>>;

/// [`lookup_data`] of a ConfigMap/Secret whose keys are known; None otherwise.
pub fn lookup_data_shared<'p>(
    model: &Model<'p>,
    kind: DataKind,
    namespace: &str,
    name: &str,
    near: FileId,
) -> Option<std::sync::Arc<ConfigData<'p>>> {
    match lookup_data(model, kind, namespace, name, near) {
        DataLookup::Found(d) if d.keys_known => Some(d),
        _ => None,
    }
}
