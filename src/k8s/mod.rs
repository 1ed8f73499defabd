//! Kubernetes model: objects from the YAML tree, a uniform pod-template view of every workload,
//! and an index of referenced objects across the whole invocation.

pub mod probes;
pub mod quantity;
pub mod schema;

use crate::finding::ObjectRef;
use crate::source::{FileId, Span};
use crate::yaml::Node;

/// One Kubernetes object (a document, or an item of a `kind: List`).
#[derive(Debug, Clone)]
pub struct Object<'p> {
    pub file: FileId,
    pub node: &'p Node,
    pub api_version: &'p str,
    pub kind: &'p str,
    pub name: &'p str,
    /// The object's namespace, or the default namespace when it sets none.
    pub namespace: &'p str,
}

/// The file names kustomize reads a kustomization from, in the order it tries them.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Whether a file name is one kustomize reads a kustomization from.
pub fn is_kustomization_file(name: &str) -> bool {
    KUSTOMIZATION_FILES.contains(&name)
}

impl<'p> Object<'p> {
    /// Collect objects from a document root (expanding `kind: List`). Non-objects yield nothing.
    pub fn collect(file: FileId, root: &'p Node, default_ns: &'p str, out: &mut Vec<Object<'p>>) {
        let Some(kind) = root.get("kind").and_then(Node::as_str) else {
            return;
        };
        if kind == "List" || (kind.ends_with("List") && root.get("items").is_some()) {
            for item in root.get("items").map(Node::items).unwrap_or(&[]) {
                Object::collect(file, item, default_ns, out);
            }
            return;
        }
        let meta = root.get("metadata");
        out.push(Object {
            file,
            node: root,
            api_version: root.get("apiVersion").and_then(Node::as_str).unwrap_or(""),
            kind,
            name: meta
                .and_then(|m| m.get("name"))
                .and_then(Node::as_str)
                .unwrap_or(""),
            namespace: meta
                .and_then(|m| m.get("namespace"))
                .and_then(Node::as_str)
                .unwrap_or(default_ns),
        });
    }

    /// A `kustomization.yaml` (`.yml`, `Kustomization`) without `kind`: kustomize takes it as
    /// a Kustomization when its root is a mapping of kustomization fields.
    pub fn headerless_kustomization(
        file: FileId,
        path: &str,
        root: &'p Node,
        default_ns: &'p str,
    ) -> Option<Self> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if !is_kustomization_file(name) || root.get("kind").is_some() {
            return None;
        }
        const FIELDS: [&str; 12] = [
            "resources",
            "bases",
            "components",
            "patches",
            "patchesStrategicMerge",
            "patchesJson6902",
            "configMapGenerator",
            "secretGenerator",
            "images",
            "namespace",
            "namePrefix",
            "helmCharts",
        ];
        FIELDS
            .iter()
            .any(|f| root.get(f).is_some())
            .then_some(Object {
                file,
                node: root,
                api_version: "",
                kind: "Kustomization",
                name: "",
                namespace: default_ns,
            })
    }

    pub fn span(&self, node: &Node) -> Span {
        Span::new(self.file, node.span())
    }

    /// Where to point for object-wide findings: the `metadata.name` value, else `kind`.
    pub fn name_span(&self) -> Span {
        let n = self
            .node
            .path(&["metadata", "name"])
            .or_else(|| self.node.get("kind"))
            .unwrap_or(self.node);
        self.span(n)
    }

    pub fn reference(&self) -> ObjectRef {
        ObjectRef {
            kind: self.kind.to_string(),
            namespace: self.namespace.to_string(),
            name: self.name.to_string(),
        }
    }

    pub fn annotation(&self, key: &str) -> Option<&'p str> {
        self.node
            .path(&["metadata", "annotations"])
            .and_then(|a| a.get(key))
            .and_then(Node::as_str)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Init,
    /// An init container with `restartPolicy: Always` (native sidecar).
    Sidecar,
    Regular,
    Ephemeral,
}

impl ContainerKind {
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Init | ContainerKind::Sidecar => "initContainers",
            ContainerKind::Regular => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Container<'p> {
    pub node: &'p Node,
    pub name: &'p str,
    pub kind: ContainerKind,
    /// Index within its list (`containers[i]`).
    pub index: usize,
}

impl<'p> Container<'p> {
    pub fn get(&self, key: &str) -> Option<&'p Node> {
        self.node.get(key)
    }
    pub fn image(&self) -> Option<&'p str> {
        self.node.get("image").and_then(Node::as_str)
    }
    /// `command` items, if `command` is set.
    pub fn command(&self) -> Option<&'p [Node]> {
        self.node
            .get("command")
            .filter(|n| n.is_seq())
            .map(Node::items)
    }
    pub fn args(&self) -> Option<&'p [Node]> {
        self.node
            .get("args")
            .filter(|n| n.is_seq())
            .map(Node::items)
    }
    /// Every `command` then `args` item, with the field it is in and its index there.
    pub fn argv_nodes(&self) -> Vec<(&'p Node, &'static str, usize)> {
        let items = |list: Option<&'p [Node]>, field: &'static str| {
            list.unwrap_or(&[])
                .iter()
                .enumerate()
                .map(move |(i, n)| (n, field, i))
        };
        items(self.command(), "command")
            .chain(items(self.args(), "args"))
            .collect()
    }
    pub fn env(&self) -> &'p [Node] {
        self.node.get("env").map(Node::items).unwrap_or(&[])
    }
    pub fn volume_mounts(&self) -> &'p [Node] {
        self.node
            .get("volumeMounts")
            .map(Node::items)
            .unwrap_or(&[])
    }
    pub fn working_dir(&self) -> Option<&'p str> {
        self.node.get("workingDir").and_then(Node::as_str)
    }
}

/// A pod template of any workload kind (Pod, Deployment, CronJob, Argo Rollout, …).
#[derive(Debug, Clone)]
pub struct Workload<'p> {
    pub object: Object<'p>,
    /// The pod spec (`spec` of a Pod, `spec.template.spec` of a Deployment, …).
    pub pod_spec: &'p Node,
    /// The pod template's metadata, where there is one.
    pub pod_meta: Option<&'p Node>,
    pub containers: Vec<Container<'p>>,
    /// [`Object::reference`], made once and shared by the workload's findings.
    reference: std::sync::OnceLock<std::sync::Arc<ObjectRef>>,
}

impl<'p> Workload<'p> {
    /// Locate the pod template of an object, for known kinds and for unknown kinds that carry one
    /// at `spec.template`.
    pub fn from_object(object: &Object<'p>) -> Option<Workload<'p>> {
        if object.kind == "PodTemplate" {
            let t = object.node.get("template")?;
            return Workload::with_pod_spec(object, t.get("spec")?, t.get("metadata"));
        }
        let spec = object.node.get("spec")?;
        let (pod_spec, pod_meta) = match object.kind {
            "Pod" => (spec, object.node.get("metadata")),
            "CronJob" => {
                let t = spec.path(&["jobTemplate", "spec", "template"])?;
                (t.get("spec")?, t.get("metadata"))
            }
            _ => {
                let t = spec.get("template")?;
                let s = t.get("spec")?;
                // Unknown kinds: only a template that looks like a pod template.
                s.get("containers")?;
                (s, t.get("metadata"))
            }
        };
        Workload::with_pod_spec(object, pod_spec, pod_meta)
    }

    fn with_pod_spec(
        object: &Object<'p>,
        pod_spec: &'p Node,
        pod_meta: Option<&'p Node>,
    ) -> Option<Workload<'p>> {
        if !pod_spec.is_map() {
            return None;
        }
        let mut containers = Vec::new();
        for (field, default_kind) in [
            ("initContainers", ContainerKind::Init),
            ("containers", ContainerKind::Regular),
            ("ephemeralContainers", ContainerKind::Ephemeral),
        ] {
            for (index, c) in pod_spec
                .get(field)
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if !c.is_map() {
                    continue;
                }
                let kind = if default_kind == ContainerKind::Init
                    && c.get("restartPolicy").and_then(Node::as_str) == Some("Always")
                {
                    ContainerKind::Sidecar
                } else {
                    default_kind
                };
                containers.push(Container {
                    node: c,
                    name: c.get("name").and_then(Node::as_str).unwrap_or(""),
                    kind,
                    index,
                });
            }
        }
        Some(Workload {
            object: object.clone(),
            pod_spec,
            pod_meta,
            containers,
            reference: std::sync::OnceLock::new(),
        })
    }

    /// The object findings are attached to, shared by all of them.
    pub fn reference(&self) -> std::sync::Arc<ObjectRef> {
        self.reference
            .get_or_init(|| std::sync::Arc::new(self.object.reference()))
            .clone()
    }

    pub fn span(&self, node: &Node) -> Span {
        self.object.span(node)
    }

    /// Annotation on the pod template, else on the object.
    pub fn annotation(&self, key: &str) -> Option<&'p str> {
        self.pod_meta
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.get(key))
            .and_then(Node::as_str)
            .or_else(|| self.object.annotation(key))
    }

    /// `volumes[]` entry by name.
    pub fn volume(&self, name: &str) -> Option<&'p Node> {
        self.pod_spec
            .get("volumes")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .find(|v| v.get("name").and_then(Node::as_str) == Some(name))
    }
}

/// Objects that other objects refer to, by (kind, namespace, name), across every linted file.
#[derive(Debug, Default)]
pub struct ObjectIndex<'p> {
    /// Kind, namespace and name → the last definition, and every definition.
    map: Map<(&'static str, &'p str, &'p str), Defs<'p>>,
    /// Kind and namespace → the names of the indexed objects there (for `all_in`).
    names: Map<(&'static str, &'p str), Vec<&'p str>>,
}

/// The definitions of one indexed key.
#[derive(Debug)]
struct Defs<'p> {
    /// The last definition (the one `kubectl apply` leaves).
    last: Object<'p>,
    /// Every definition: positions in the slice the index was built from (`Model::objects`),
    /// in order. Most keys are defined once: no allocation for them.
    positions: Positions,
}

#[derive(Debug)]
enum Positions {
    One([usize; 1]),
    Many(Vec<usize>),
}

impl Positions {
    fn push(&mut self, i: usize) {
        match self {
            Positions::One([first]) => *self = Positions::Many(vec![*first, i]),
            Positions::Many(v) => v.push(i),
        }
    }

    fn as_slice(&self) -> &[usize] {
        match self {
            Positions::One(one) => one,
            Positions::Many(v) => v,
        }
    }
}

/// The index's maps: keyed by strings borrowed from the trees, queried with [`Key`]s of any
/// life (a lookup copies nothing).
type Map<K, V> = hashbrown::HashMap<K, V, std::hash::RandomState>;

/// A query of [`ObjectIndex`]'s maps: hashes as the tuple of its fields does.
#[derive(Hash)]
struct Key<'a>(&'static str, &'a str, &'a str);

impl<'p> hashbrown::Equivalent<(&'static str, &'p str, &'p str)> for Key<'_> {
    fn equivalent(&self, k: &(&'static str, &'p str, &'p str)) -> bool {
        self.0 == k.0 && self.1 == k.1 && self.2 == k.2
    }
}

/// A kind-and-namespace query of [`ObjectIndex::names`].
#[derive(Hash)]
struct NsKey<'a>(&'static str, &'a str);

impl<'p> hashbrown::Equivalent<(&'static str, &'p str)> for NsKey<'_> {
    fn equivalent(&self, k: &(&'static str, &'p str)) -> bool {
        self.0 == k.0 && self.1 == k.1
    }
}

/// Kinds kept in the index.
pub const INDEXED_KINDS: [&str; 4] = ["ConfigMap", "Secret", "LimitRange", "ServiceAccount"];

impl<'p> ObjectIndex<'p> {
    pub fn build(objects: &[Object<'p>]) -> ObjectIndex<'p> {
        let mut map: Map<_, Defs<'p>> = Map::default();
        let mut names: Map<_, Vec<&'p str>> = Map::default();
        for (i, o) in objects.iter().enumerate() {
            if let Some(kind) = INDEXED_KINDS.iter().find(|k| **k == o.kind) {
                let key = (*kind, o.namespace, o.name);
                match map.entry(key) {
                    hashbrown::hash_map::Entry::Occupied(mut e) => {
                        let d = e.get_mut();
                        d.last = o.clone();
                        d.positions.push(i);
                    }
                    hashbrown::hash_map::Entry::Vacant(e) => {
                        names.entry((*kind, o.namespace)).or_default().push(o.name);
                        e.insert(Defs {
                            last: o.clone(),
                            positions: Positions::One([i]),
                        });
                    }
                }
            }
        }
        ObjectIndex { map, names }
    }

    /// Positions (in the objects the index was built from) of every definition of a key.
    pub fn positions(&self, kind: &str, namespace: &str, name: &str) -> &[usize] {
        let Some(kind) = INDEXED_KINDS.iter().find(|k| **k == kind) else {
            return &[];
        };
        self.map
            .get(&Key(kind, namespace, name))
            .map_or(&[], |d| d.positions.as_slice())
    }

    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<&Object<'p>> {
        let kind = INDEXED_KINDS.iter().find(|k| **k == kind)?;
        self.map.get(&Key(kind, namespace, name)).map(|d| &d.last)
    }

    /// Positions of every definition of every indexed object of a kind in a namespace (all
    /// definitions of a name, not only the last).
    pub fn all_positions_in(&self, kind: &str, namespace: &str) -> Vec<usize> {
        let Some(k) = INDEXED_KINDS.iter().find(|k| **k == kind).copied() else {
            return Vec::new();
        };
        self.names
            .get(&NsKey(k, namespace))
            .into_iter()
            .flatten()
            .flat_map(|n| self.positions(k, namespace, n).iter().copied())
            .collect()
    }

    /// All indexed objects of a kind in a namespace (LimitRanges).
    pub fn all_in<'a>(
        &'a self,
        kind: &'a str,
        namespace: &'a str,
    ) -> impl Iterator<Item = &'a Object<'p>> + 'a {
        let kind = INDEXED_KINDS.iter().find(|k| **k == kind).copied();
        kind.and_then(|k| self.names.get(&NsKey(k, namespace)).map(|n| (k, n)))
            .into_iter()
            .flat_map(move |(k, names)| {
                names
                    .iter()
                    .filter_map(move |n| self.map.get(&Key(k, namespace, n)).map(|d| &d.last))
            })
    }
}
