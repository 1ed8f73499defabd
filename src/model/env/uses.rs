//! Where a pod refers to ConfigMaps/Secrets: env, envFrom and mounted volumes.

use super::{is_optional, DataKind};
use crate::k8s::Workload;
use crate::yaml::Node;

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
    // A set: a pod may have thousands of mounts and volumes (linear, not mounts × volumes).
    let mounted: std::collections::HashSet<&str> = w
        .containers
        .iter()
        .flat_map(|c| c.volume_mounts().iter())
        .filter_map(|m| m.get("name").and_then(Node::as_str))
        .collect();
    for v in w.pod_spec.get("volumes").map(Node::items).unwrap_or(&[]) {
        let Some(vname) = v.get("name").and_then(Node::as_str) else {
            continue;
        };
        if !mounted.contains(vname) {
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
