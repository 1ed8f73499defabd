//! A container's environment as the kubelet builds it (`makeEnvironmentVariables`), service-link
//! variables included.

use super::{
    expand_in, is_optional, lookup_data, lookup_data_shared, DataKind, DataLookup, Env, EnvVar,
    Layer, Layers, OpenSource, Origin,
};
use crate::budget::Budget;
use crate::k8s::{Container, Workload};
use crate::model::Model;
use crate::yaml::Node;

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

/// Known `envFrom` keys of one container past which its sources are kept as layers
/// ([`Env`]'s `layers`) rather than copied.
pub const LAYERED_KEYS: usize = 1024;

/// Build a container's environment.
pub fn container_env<'p>(model: &Model<'p>, w: &Workload<'p>, c: &Container<'p>) -> Env<'p> {
    let ns = w.object.namespace;
    let mut env = Env::new();
    let mut budget = Budget::new();
    env.service_links = w
        .pod_spec
        .get("enableServiceLinks")
        .and_then(Node::as_bool)
        .unwrap_or(true);

    // The sources first (each ConfigMap/Secret looked up once for the run, shared).
    let mut sources = Vec::new();
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
        let data = lookup_data_shared(model, kind, ns, name, w.object.file);
        sources.push((item, prefix, kind, name, is_optional(r), data));
    }
    // Many keys: the sources are kept whole and looked up where they are, not copied into
    // every container that reads them (200 containers of one 100,000-key ConfigMap were 20
    // million variables).
    let known: usize = sources
        .iter()
        .filter_map(|s| s.5.as_ref())
        .map(|d| d.keys.len())
        .sum();
    let layered = known > LAYERED_KEYS;
    let mut layers = Vec::new();
    for (item, prefix, kind, name, optional, data) in sources {
        match data {
            Some(d) if layered => layers.push(Layer::EnvFrom {
                item,
                prefix,
                data: Some(d),
            }),
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
                if layered {
                    layers.push(Layer::EnvFrom {
                        item,
                        prefix: prefix.clone(),
                        data: None,
                    });
                }
                env.open_source(OpenSource {
                    item,
                    prefix,
                    kind,
                    name: name.to_string(),
                    optional,
                });
            }
        }
    }

    env.layers = Layers::new(layers);

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
                        if let Some(v) = env.vars.get_mut(&name) {
                            v.value = None;
                        } else if let Some(mut v) = env.var(&name).map(|v| v.into_owned()) {
                            // Defined by a layer: now with a value kexit does not know.
                            v.value = None;
                            env.define(v);
                        } else {
                            env.maybe.insert(name);
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
    env.compact();
    env
}
