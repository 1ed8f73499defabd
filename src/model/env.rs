//! A container's environment as the kubelet builds it (`makeEnvironmentVariables`), and the
//! kubelet's `$(VAR)` expansion (`third_party/forked/golang/expansion/expand.go`).
//!
//! The kubelet never sees the image's `ENV`: only `envFrom`, `env` (with `valueFrom`) and the
//! service-link variables. `envFrom` is applied first (in order, later sources overwrite earlier
//! ones), then `env` in order; an `env[].value` is expanded against everything defined so far
//! (a reference to a later entry stays literal). `command`/`args` are expanded against the
//! final environment.
//!
//! Also home of [`ConfigData`]: the keys (and, where the tree holds them, values) of a
//! ConfigMap/Secret referenced by a pod, from the linted tree or `external_objects` in the config.

use crate::budget::Budget;
use crate::finding::ObjectRef;
use crate::k8s::{Container, Object, Workload};
use crate::model::Model;
use crate::source::{FileId, Span};
use crate::yaml::{Node, Style};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

// ---------------------------------------------------------------------------------------------
// ConfigMap / Secret contents
// ---------------------------------------------------------------------------------------------

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
    /// In the tree or declared in `external_objects`.
    Found(ConfigData<'p>),
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
pub fn lookup_data<'p>(
    model: &Model<'p>,
    kind: DataKind,
    namespace: &str,
    name: &str,
    near: FileId,
) -> DataLookup<'p> {
    let kind_str = kind.as_str();
    if model.index.get(kind_str, namespace, name).is_some() {
        let objects: Vec<Object<'p>> = model
            .index
            .positions(kind_str, namespace, name)
            .iter()
            .filter_map(|i| model.objects.get(*i))
            .cloned()
            .collect();
        let near_dir = dir_of(model, near);
        let local: Vec<Object<'p>> = objects
            .iter()
            .filter(|o| dir_of(model, o.file) == near_dir)
            .cloned()
            .collect();
        let keys_known = !local.is_empty();
        let mut keys = BTreeMap::new();
        for o in &local {
            collect_keys(kind, o, &mut keys);
        }
        return DataLookup::Found(ConfigData {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
            objects: if keys_known { local } else { objects },
            keys,
            keys_known,
        });
    }
    for e in &model.config().external_objects {
        let ns_ok = e.namespace.as_deref().is_none_or(|n| n == namespace);
        if e.kind == kind_str && e.name == name && ns_ok {
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
            return DataLookup::Found(ConfigData {
                kind,
                namespace: namespace.to_string(),
                name: name.to_string(),
                objects: Vec::new(),
                keys,
                keys_known: !e.keys.is_empty(),
            });
        }
    }
    DataLookup::NotInTree
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

/// Where a pod refers to a ConfigMap/Secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseSite {
    /// `envFrom[].configMapRef` / `secretRef` of a container.
    EnvFrom,
    /// `env[].valueFrom.configMapKeyRef` / `secretKeyRef` of a container.
    EnvKey,
    /// A `configMap`/`secret` volume, or a source of a `projected` volume.
    Volume,
}

/// One reference from a pod to a ConfigMap/Secret.
#[derive(Debug, Clone)]
pub struct ObjectUse<'p> {
    pub kind: DataKind,
    pub name: &'p str,
    /// The `name`/`secretName` value node (or the reference node when it has none).
    pub name_node: &'p Node,
    /// The reference node (`configMapRef`, `configMapKeyRef`, `configMap` volume source …).
    pub node: &'p Node,
    pub optional: bool,
    pub site: UseSite,
    /// Keys it needs: `(key, key value node)` — `items[].key` of volumes, the `key` of a
    /// `valueFrom` reference.
    pub keys: Vec<(String, &'p Node)>,
    /// The container (index into `Workload::containers`) for env uses; None for volumes.
    pub container: Option<usize>,
    /// The volume name for volume uses.
    pub volume: Option<&'p str>,
}

/// The `name` of a reference (`configMapRef`, `secretKeyRef`, …) and its node.
fn named(r: &Node) -> Option<(&str, &Node)> {
    let n = r.get("name")?;
    Some((n.as_str()?, n))
}

/// Every ConfigMap/Secret reference of a workload that the kubelet resolves: env/envFrom of
/// every container, and the volumes some container mounts (unused volumes are never set up).
pub fn object_uses<'p>(w: &Workload<'p>) -> Vec<ObjectUse<'p>> {
    let mut out = Vec::new();
    for (ci, c) in w.containers.iter().enumerate() {
        for item in c.get("envFrom").map(Node::items).unwrap_or(&[]) {
            for (field, kind) in [
                ("configMapRef", DataKind::ConfigMap),
                ("secretRef", DataKind::Secret),
            ] {
                let Some(r) = item.get(field) else { continue };
                let Some((name, name_node)) = named(r) else {
                    continue;
                };
                out.push(ObjectUse {
                    kind,
                    name,
                    name_node,
                    node: r,
                    optional: is_optional(r),
                    site: UseSite::EnvFrom,
                    keys: Vec::new(),
                    container: Some(ci),
                    volume: None,
                });
            }
        }
        for item in c.env() {
            let Some(from) = item.get("valueFrom") else {
                continue;
            };
            for (field, kind) in [
                ("configMapKeyRef", DataKind::ConfigMap),
                ("secretKeyRef", DataKind::Secret),
            ] {
                let Some(r) = from.get(field) else { continue };
                let Some((name, name_node)) = named(r) else {
                    continue;
                };
                let keys = r
                    .get("key")
                    .and_then(|k| k.scalar_text().map(|t| (t, k)))
                    .into_iter()
                    .collect();
                out.push(ObjectUse {
                    kind,
                    name,
                    name_node,
                    node: r,
                    optional: is_optional(r),
                    site: UseSite::EnvKey,
                    keys,
                    container: Some(ci),
                    volume: None,
                });
            }
        }
    }
    let mounted: Vec<&str> = w
        .containers
        .iter()
        .flat_map(|c| c.volume_mounts().iter())
        .filter_map(|m| m.get("name").and_then(Node::as_str))
        .collect();
    for v in w.pod_spec.get("volumes").map(Node::items).unwrap_or(&[]) {
        let Some(vname) = v.get("name").and_then(Node::as_str) else {
            continue;
        };
        if !mounted.contains(&vname) {
            continue;
        }
        let mut sources: Vec<(DataKind, &'p Node, &'static str)> = Vec::new();
        if let Some(s) = v.get("configMap") {
            sources.push((DataKind::ConfigMap, s, "name"));
        }
        if let Some(s) = v.get("secret") {
            sources.push((DataKind::Secret, s, "secretName"));
        }
        for src in v
            .path(&["projected", "sources"])
            .map(Node::items)
            .unwrap_or(&[])
        {
            if let Some(s) = src.get("configMap") {
                sources.push((DataKind::ConfigMap, s, "name"));
            }
            if let Some(s) = src.get("secret") {
                sources.push((DataKind::Secret, s, "name"));
            }
        }
        for (kind, s, name_field) in sources {
            let Some(name_node) = s.get(name_field) else {
                continue;
            };
            let Some(name) = name_node.as_str() else {
                continue;
            };
            let keys = s
                .get("items")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(|it| it.get("key"))
                .filter_map(|k| k.scalar_text().map(|t| (t, k)))
                .collect();
            out.push(ObjectUse {
                kind,
                name,
                name_node,
                node: s,
                optional: is_optional(s),
                site: UseSite::Volume,
                keys,
                container: None,
                volume: Some(vname),
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The environment
// ---------------------------------------------------------------------------------------------

/// Where a variable came from.
#[derive(Debug, Clone)]
pub enum Origin<'p> {
    /// `env[i]`: the item node.
    Env(&'p Node),
    /// `envFrom[i]`: the item node, and the key's span in the ConfigMap/Secret when in the tree.
    EnvFrom {
        item: &'p Node,
        key_span: Option<Span>,
    },
    /// A service-link variable the kubelet always sets (`KUBERNETES_SERVICE_HOST` …).
    ServiceLink,
    /// A Compose service's `environment` entry or `env_file` line.
    Compose(Span),
}

/// One defined variable.
#[derive(Debug, Clone)]
pub struct EnvVar<'p> {
    pub name: String,
    /// The runtime value, when kexit can know it.
    pub value: Option<String>,
    pub origin: Origin<'p>,
}

/// An `envFrom` source whose keys kexit does not know (not in the tree, or external without
/// keys): any variable starting with its prefix may be defined.
#[derive(Debug, Clone)]
pub struct OpenSource<'p> {
    pub item: &'p Node,
    pub prefix: String,
    pub kind: DataKind,
    pub name: String,
    pub optional: bool,
}

/// The result of looking a name up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// Defined with a known value.
    Defined(&'a str),
    /// Defined, value unknown (fieldRef, secretKeyRef to an object outside the tree, …).
    DefinedUnknown,
    /// Possibly defined: an `envFrom` source outside the tree, a service-link variable, an
    /// optional reference.
    MaybeDefined,
    /// Certainly not defined: `$(NAME)` stays literal.
    Undefined,
}

impl Lookup<'_> {
    pub fn status(self) -> RefStatus {
        match self {
            Lookup::Defined(_) => RefStatus::Defined,
            Lookup::DefinedUnknown => RefStatus::DefinedUnknown,
            Lookup::MaybeDefined => RefStatus::MaybeDefined,
            Lookup::Undefined => RefStatus::Undefined,
        }
    }
}

/// A container's environment as the kubelet passes it to the runtime.
#[derive(Debug, Clone, Default)]
pub struct Env<'p> {
    vars: HashMap<String, EnvVar<'p>>,
    /// `env` names in declaration order, then `envFrom` names (for iteration).
    order: Vec<String>,
    open: Vec<OpenSource<'p>>,
    /// Names defined only when an optional reference resolves (optional `valueFrom` to an
    /// object outside the tree).
    maybe: Vec<String>,
    service_links: bool,
    /// Each literal `env[].value` and its expansion as the kubelet performed it (against the
    /// entries above it), in order.
    value_expansions: Vec<(&'p Node, Expanded)>,
    /// What the `env` values' expansions used of the container's budget.
    budget: Budget,
}

/// Names the kubelet always sets for the `kubernetes` service in `default` (port 443 assumed
/// for the per-port names, which are only "maybe").
const MASTER_SERVICE_VARS: [&str; 3] = [
    "KUBERNETES_SERVICE_HOST",
    "KUBERNETES_SERVICE_PORT",
    "KUBERNETES_PORT",
];

impl<'p> Env<'p> {
    /// An empty environment with service links enabled (tests, callers without a pod).
    pub fn new() -> Env<'p> {
        Env {
            service_links: true,
            ..Env::default()
        }
    }

    /// The environment of a Compose service: its `environment` and `env_file` entries (a value
    /// of None is unknown: interpolation kexit cannot resolve, or a name without a value, taken
    /// from the shell running Compose, which may not set it). No service links.
    pub fn compose(
        entries: impl IntoIterator<Item = (String, Option<String>, bool, Span)>,
    ) -> Env<'p> {
        let mut env = Env::default();
        for (name, value, from_shell, span) in entries {
            if from_shell {
                env.vars.remove(&name);
                env.order.retain(|n| *n != name);
                if !env.maybe.contains(&name) {
                    env.maybe.push(name);
                }
                continue;
            }
            env.define(EnvVar {
                name,
                value,
                origin: Origin::Compose(span),
            });
        }
        env
    }

    pub fn get(&self, name: &str) -> Lookup<'_> {
        if let Some(v) = self.vars.get(name) {
            return match &v.value {
                Some(s) => Lookup::Defined(s),
                None => Lookup::DefinedUnknown,
            };
        }
        if self.maybe.iter().any(|m| m == name) {
            return Lookup::MaybeDefined;
        }
        if self.open.iter().any(|o| name.starts_with(&o.prefix)) {
            return Lookup::MaybeDefined;
        }
        if MASTER_SERVICE_VARS.contains(&name) {
            return Lookup::DefinedUnknown;
        }
        if is_service_link_name(name) && (self.service_links || name.starts_with("KUBERNETES_")) {
            return Lookup::MaybeDefined;
        }
        Lookup::Undefined
    }

    /// The variable, when defined by `env`/`envFrom`.
    pub fn var(&self, name: &str) -> Option<&EnvVar<'p>> {
        self.vars.get(name)
    }

    /// Defined variables (env + envFrom with known keys), `env` order first.
    pub fn vars(&self) -> impl Iterator<Item = &EnvVar<'p>> {
        self.order.iter().filter_map(|n| self.vars.get(n))
    }

    /// `envFrom` sources with unknown keys.
    pub fn open_sources(&self) -> &[OpenSource<'p>] {
        &self.open
    }

    /// True when every variable is known: no `envFrom` source outside the tree.
    pub fn is_closed(&self) -> bool {
        self.open.is_empty()
    }

    /// Each literal `env[].value` node with its expansion against the variables defined before
    /// it (references to later entries are `Undefined` here: they stay literal).
    pub fn value_expansions(&self) -> &[(&'p Node, Expanded)] {
        &self.value_expansions
    }

    /// What the expansions of the `env` values used of the container's expansion budget
    /// (command and args are expanded against the rest).
    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// `PATH` as the container's `env` sets it: Some(value) when set with a known value.
    pub fn path(&self) -> Option<&str> {
        match self.get("PATH") {
            Lookup::Defined(s) => Some(s),
            _ => None,
        }
    }

    fn define(&mut self, var: EnvVar<'p>) {
        if !self.vars.contains_key(&var.name) {
            self.order.push(var.name.clone());
        }
        self.maybe.retain(|m| *m != var.name);
        self.vars.insert(var.name.clone(), var);
    }
}

/// `FOO_SERVICE_HOST`, `FOO_SERVICE_PORT[_NAME]`, `FOO_PORT[_80_TCP[_PROTO|_PORT|_ADDR]]`.
pub fn is_service_link_name(name: &str) -> bool {
    if !name
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        return false;
    }
    if let Some(i) = name.find("_SERVICE_") {
        let rest = &name[i + "_SERVICE_".len()..];
        return i > 0 && (rest == "HOST" || rest == "PORT" || rest.starts_with("PORT_"));
    }
    if let Some(i) = name.rfind("_PORT") {
        if i == 0 {
            return false;
        }
        let rest = &name[i + "_PORT".len()..];
        if rest.is_empty() {
            return true;
        }
        let parts: Vec<&str> = rest.trim_start_matches('_').split('_').collect();
        // `_80_TCP` or `_80_TCP_ADDR`, and for the trailing `_PORT` of `FOO_PORT_80_TCP_PORT`
        // the scan above found the last `_PORT`; accept those shapes generously.
        return parts
            .first()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
            || name.contains("_PORT_");
    }
    false
}

/// Build a container's environment.
pub fn container_env<'p>(model: &Model<'p>, w: &Workload<'p>, c: &Container<'p>) -> Env<'p> {
    let ns = w.object.namespace.as_str();
    let mut env = Env::new();
    let mut budget = Budget::new();
    env.service_links = w
        .pod_spec
        .get("enableServiceLinks")
        .and_then(Node::as_bool)
        .unwrap_or(true);

    for item in c.get("envFrom").map(Node::items).unwrap_or(&[]) {
        let prefix = item
            .get("prefix")
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let (kind, r) = if let Some(r) = item.get("configMapRef") {
            (DataKind::ConfigMap, r)
        } else if let Some(r) = item.get("secretRef") {
            (DataKind::Secret, r)
        } else {
            continue;
        };
        let Some(name) = r.get("name").and_then(Node::as_str) else {
            continue;
        };
        let optional = is_optional(r);
        let data = match lookup_data(model, kind, ns, name, w.object.file) {
            DataLookup::Found(d) if d.keys_known => Some(d),
            _ => None,
        };
        match data {
            Some(d) => {
                for (k, v) in d.keys.iter().filter(|(_, v)| v.in_data) {
                    env.define(EnvVar {
                        name: format!("{prefix}{k}"),
                        value: v.value.clone(),
                        origin: Origin::EnvFrom {
                            item,
                            key_span: v.span,
                        },
                    });
                }
            }
            None => {
                // Keys unknown: any variable under the prefix defined so far may be overwritten.
                for v in env.vars.values_mut() {
                    if v.name.starts_with(&prefix) {
                        v.value = None;
                    }
                }
                env.open.push(OpenSource {
                    item,
                    prefix,
                    kind,
                    name: name.to_string(),
                    optional,
                });
            }
        }
    }

    for item in c.env() {
        let Some(name) = item.get("name").and_then(Node::scalar_text) else {
            continue;
        };
        let value_node = item.get("value");
        let literal = value_node.and_then(Node::scalar_text).unwrap_or_default();
        if !literal.is_empty() {
            let e = expand_in(&literal, &env, &mut budget);
            env.define(EnvVar {
                name,
                value: e.exact.then(|| e.text.clone()),
                origin: Origin::Env(item),
            });
            if let Some(v) = value_node {
                env.value_expansions.push((v, e));
            }
            continue;
        }
        let Some(from) = item.get("valueFrom") else {
            env.define(EnvVar {
                name,
                value: Some(String::new()),
                origin: Origin::Env(item),
            });
            continue;
        };
        let key_ref = from
            .get("configMapKeyRef")
            .map(|r| (DataKind::ConfigMap, r))
            .or_else(|| from.get("secretKeyRef").map(|r| (DataKind::Secret, r)));
        match key_ref {
            Some((kind, r)) => {
                let optional = is_optional(r);
                let obj = r.get("name").and_then(Node::as_str).unwrap_or("");
                let key = r.get("key").and_then(Node::scalar_text).unwrap_or_default();
                match lookup_data(model, kind, ns, obj, w.object.file) {
                    DataLookup::Found(d) if d.keys_known => {
                        match d.keys.get(&key).filter(|k| k.in_data) {
                            Some(k) => env.define(EnvVar {
                                name,
                                value: k.value.clone(),
                                origin: Origin::Env(item),
                            }),
                            // Missing key: optional → not set; otherwise the container never
                            // starts (CreateContainerConfigError), so nothing else matters.
                            None if optional => {}
                            None => env.define(EnvVar {
                                name,
                                value: None,
                                origin: Origin::Env(item),
                            }),
                        }
                    }
                    _ if optional => {
                        if !env.vars.contains_key(&name) && !env.maybe.contains(&name) {
                            env.maybe.push(name);
                        } else if let Some(v) = env.vars.get_mut(&name) {
                            v.value = None;
                        }
                    }
                    _ => env.define(EnvVar {
                        name,
                        value: None,
                        origin: Origin::Env(item),
                    }),
                }
            }
            // fieldRef, resourceFieldRef, fileKeyRef …: defined, value known only at runtime.
            None => env.define(EnvVar {
                name,
                value: None,
                origin: Origin::Env(item),
            }),
        }
    }
    env.budget = budget;
    env
}

// ---------------------------------------------------------------------------------------------
// $(VAR) expansion
// ---------------------------------------------------------------------------------------------

/// What a `$(NAME)` reference resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefStatus {
    Defined,
    DefinedUnknown,
    MaybeDefined,
    /// Stays the literal text `$(NAME)`.
    Undefined,
}

/// One `$(NAME)` reference found by the expander.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// Byte range of the whole `$(NAME)` in the input string.
    pub range: Range<usize>,
    pub status: RefStatus,
}

/// The result of [`expand`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    /// The expanded text. References whose value kexit does not know are left as `$(NAME)`.
    /// When the expansion ran out of budget, the input as written.
    pub text: String,
    /// Every reference, in order.
    pub refs: Vec<VarRef>,
    /// True when `text` is exactly what the kubelet produces (every reference is Defined or
    /// Undefined).
    pub exact: bool,
    /// The expansion would outgrow the budget ([`crate::budget`]): it stopped, and its value
    /// is unknown (KX011).
    pub over_budget: bool,
}

impl Expanded {
    /// References that certainly stay literal.
    pub fn undefined_refs(&self) -> impl Iterator<Item = &VarRef> {
        self.refs
            .iter()
            .filter(|r| r.status == RefStatus::Undefined)
    }
}

/// Expand `$(NAME)` references against a container environment, exactly as the kubelet does,
/// within a budget of its own (one value).
pub fn expand(input: &str, env: &Env<'_>) -> Expanded {
    expand_in(input, env, &mut Budget::new())
}

/// [`expand`], charging the substituted bytes to `budget` (the container's environment).
pub fn expand_in(input: &str, env: &Env<'_>, budget: &mut Budget) -> Expanded {
    let mut refs = Vec::new();
    let mut exact = true;
    let (text, complete) = expand_core(input, budget, |name, range| {
        let l = env.get(name);
        refs.push(VarRef {
            name: name.to_string(),
            range,
            status: l.status(),
        });
        match l {
            Lookup::Defined(v) => Some(Cow::Borrowed(v)),
            Lookup::Undefined => None,
            Lookup::DefinedUnknown | Lookup::MaybeDefined => {
                exact = false;
                None
            }
        }
    });
    if !complete {
        return Expanded {
            text: input.to_string(),
            refs,
            exact: false,
            over_budget: true,
        };
    }
    Expanded {
        text,
        refs,
        exact,
        over_budget: false,
    }
}

/// The kubelet's `expansion.Expand` with a mapping that returns None for undefined names (which
/// then stay `$(NAME)`, as `MappingFuncFor` does). None when the result would outgrow
/// [`crate::budget::MAX_VALUE`].
pub fn expand_with(input: &str, mut mapping: impl FnMut(&str) -> Option<String>) -> Option<String> {
    let (text, complete) = expand_core(input, &mut Budget::new(), |name, _| {
        mapping(name).map(Cow::Owned)
    });
    complete.then_some(text)
}

/// Port of `expand.go`: `$$` → `$`; `$(NAME)` → mapping; an unterminated `$(` is kept; `$x`
/// (any other byte) is kept; a trailing `$` is kept. The callback also gets the byte range of
/// the reference. Every substituted value is charged to `budget`; when one does not fit, the
/// scan still visits every reference (the callback sees them all) but substitutes nothing more,
/// and the second result is false.
fn expand_core<'v>(
    input: &str,
    budget: &mut Budget,
    mut mapping: impl FnMut(&str, Range<usize>) -> Option<Cow<'v, str>>,
) -> (String, bool) {
    let bytes = input.as_bytes();
    let mut buf: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut complete = true;
    let mut checkpoint = 0;
    let mut cursor = 0;
    // No `)` from this index on (found once): later unclosed `$(` are not rescanned, so a value
    // of a million unclosed `$(` is one pass, not a million.
    let mut no_close_from = usize::MAX;
    while cursor < bytes.len() {
        if bytes[cursor] == b'$' && cursor + 1 < bytes.len() {
            buf.extend_from_slice(&bytes[checkpoint..cursor]);
            let rest = &bytes[cursor + 1..];
            let advance = match rest[0] {
                b'$' => {
                    buf.push(b'$');
                    1
                }
                b'(' => match (cursor + 2 < no_close_from)
                    .then(|| rest.iter().skip(1).position(|&b| b == b')'))
                    .flatten()
                {
                    Some(p) => {
                        let close = p + 1; // index in rest
                        let name = String::from_utf8_lossy(&rest[1..close]);
                        let range = cursor..cursor + 1 + close + 1;
                        match mapping(&name, range) {
                            Some(v) if complete => {
                                if budget.take(buf.len(), v.len()) {
                                    buf.extend_from_slice(v.as_bytes());
                                } else {
                                    complete = false;
                                }
                            }
                            Some(_) => {}
                            None => {
                                buf.extend_from_slice(b"$(");
                                buf.extend_from_slice(name.as_bytes());
                                buf.push(b')');
                            }
                        }
                        close + 1
                    }
                    None => {
                        no_close_from = no_close_from.min(cursor + 2);
                        buf.extend_from_slice(b"$(");
                        1
                    }
                },
                other => {
                    buf.push(b'$');
                    buf.push(other);
                    1
                }
            };
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    if checkpoint < bytes.len() {
        buf.extend_from_slice(&bytes[checkpoint..]);
    }
    if !complete {
        return (String::new(), false);
    }
    let text = String::from_utf8(buf)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (text, true)
}

// ---------------------------------------------------------------------------------------------
// Spans inside scalar values
// ---------------------------------------------------------------------------------------------

/// The file span of a byte range of a scalar node's *value*: exact for plain scalars and quoted
/// scalars without escapes; otherwise the first occurrence of the substring in the raw text;
/// otherwise the whole node.
pub fn value_span(file: FileId, text: &str, node: &Node, range: Range<usize>) -> Span {
    let whole = Span::new(file, node.span.clone());
    let Some(value) = node.as_str() else {
        return whole;
    };
    let Some(raw) = text.get(node.span.clone()) else {
        return whole;
    };
    let Some(needle) = value.get(range.clone()) else {
        return whole;
    };
    let inner_off = match node.style {
        Style::Plain => Some(0),
        Style::SingleQuoted | Style::DoubleQuoted if raw.len() >= 2 => Some(1),
        _ => None,
    };
    if let Some(off) = inner_off {
        if raw.get(off..raw.len() - off) == Some(value) {
            let s = node.span.start + off + range.start;
            return Span::new(file, s..s + needle.len());
        }
    }
    // Count occurrences before `range.start` in the value and take the same occurrence in raw.
    if needle.is_empty() {
        return whole;
    }
    let nth = value
        .get(..range.start)
        .map_or(0, |before| before.matches(needle).count());
    match raw.match_indices(needle).nth(nth) {
        Some((i, _)) => {
            let s = node.span.start + i;
            Span::new(file, s..s + needle.len())
        }
        None => whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(input: &str, vars: &[(&str, &str)]) -> String {
        expand_with(input, |n| {
            vars.iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        })
        .unwrap_or_default()
    }

    /// Cases from kubernetes `third_party/forked/golang/expansion/expand_test.go`.
    #[test]
    fn expand_matches_kubelet() {
        let vars = [
            ("VAR_A", "A"),
            ("VAR_B", "B"),
            ("VAR_C", "C"),
            ("VAR_REF", "$(VAR_A)"),
            ("VAR_EMPTY", ""),
        ];
        let cases = [
            ("$(VAR_A)", "A"),
            ("___$(VAR_B)___", "___B___"),
            ("$(VAR_A)-$(VAR_A)", "A-A"),
            ("f000-$$VAR_A", "f000-$VAR_A"),
            ("foo\\$(VAR_C)bar", "foo\\Cbar"),
            ("foo\\\\$(VAR_C)bar", "foo\\\\Cbar"),
            ("foo\\\\\\\\$(VAR_A)bar", "foo\\\\\\\\Abar"),
            ("$(VAR_A)$(VAR_B)", "AB"),
            ("$(VAR_A)$(VAR_B)$(VAR_C)", "ABC"),
            ("$(VAR_A)_$(VAR_B)_$(VAR_C)", "A_B_C"),
            ("$$$(VAR_A)", "$A"),
            ("$$$(VAR_A)$$$(VAR_B)", "$A$B"),
            ("f00__(VAR_A)__", "f00__(VAR_A)__"),
            ("$$(VAR_B)_______$(A", "$(VAR_B)_______$(A"),
            ("$(VAR_REF)", "$(VAR_A)"),
            ("foo$(VAR_EMPTY)bar", "foobar"),
            ("$(VAR_A", "$(VAR_A"),
            ("$(VAR_A$(VAR_B)", "$(VAR_A$(VAR_B)"),
            ("$(VAR_A$(VAR_B", "$(VAR_A$(VAR_B"),
            ("$(", "$("),
            ("$", "$"),
            ("$$", "$"),
            ("$$$", "$$"),
            ("$$$$", "$$"),
            ("$()", "$()"),
            ("$(UNKNOWN)", "$(UNKNOWN)"),
            ("$VAR_A", "$VAR_A"),
            ("${VAR_A}", "${VAR_A}"),
            ("foo$", "foo$"),
            ("héllo $(VAR_A) ü$", "héllo A ü$"),
            ("$é", "$é"),
            ("$$(VAR_A)", "$(VAR_A)"),
            ("$$$$(VAR_A)", "$$(VAR_A)"),
            ("$(VAR_A)$", "A$"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(go(input, &vars), want, "input {input:?}");
        }
    }

    #[test]
    fn refs_have_byte_ranges() {
        let env = Env::new();
        let e = expand("x $(FOO) $$(BAR) $(KUBERNETES_SERVICE_HOST)", &env);
        assert_eq!(e.refs.len(), 2);
        assert_eq!(e.refs[0].name, "FOO");
        assert_eq!(e.refs[0].range, 2..8);
        assert_eq!(e.refs[0].status, RefStatus::Undefined);
        assert_eq!(e.refs[1].status, RefStatus::DefinedUnknown);
        assert!(!e.exact);
        assert_eq!(e.undefined_refs().count(), 1);
    }

    #[test]
    fn service_link_names() {
        for n in [
            "REDIS_SERVICE_HOST",
            "REDIS_SERVICE_PORT",
            "REDIS_SERVICE_PORT_HTTP",
            "REDIS_PORT",
            "REDIS_PORT_6379_TCP",
            "REDIS_PORT_6379_TCP_ADDR",
            "REDIS_PORT_6379_TCP_PORT",
        ] {
            assert!(is_service_link_name(n), "{n}");
        }
        for n in ["PORT", "HOME", "APP_PORTAL", "redis_service_host", "_PORT"] {
            assert!(!is_service_link_name(n), "{n}");
        }
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some("hello"));
        assert_eq!(base64_decode("aGVsbG8").as_deref(), Some("hello"));
        assert_eq!(base64_decode("!!").as_deref(), None);
    }

    #[test]
    fn value_span_maps_offsets() {
        let text = "a: \"x $(FOO)\"\nb: x $(FOO)\n";
        let quoted = Node::new(
            3..13,
            Style::DoubleQuoted,
            crate::yaml::Value::Str("x $(FOO)".into()),
        );
        let s = value_span(0, text, &quoted, 2..8);
        assert_eq!(&text[s.range()], "$(FOO)");
        let plain = Node::new(
            17..25,
            Style::Plain,
            crate::yaml::Value::Str("x $(FOO)".into()),
        );
        let s = value_span(0, text, &plain, 2..8);
        assert_eq!(&text[s.range()], "$(FOO)");
    }
}
