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
use std::collections::{HashMap, HashSet};

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

/// Distinct objects of known keys looked up under one `envFrom` prefix of a container, when
/// the sources are kept as layers: a name is looked for in each of them, last to first, so
/// 20,000 ConfigMaps × 40,000 references took 41 s. The sources after are taken as sources of
/// unknown keys (any name under their prefix may be defined: never a false "undefined"), and
/// KX011 says where that started. Real containers have a handful.
pub const MAX_ENVFROM_LAYERS: usize = 256;

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
    // The objects looked up under each prefix: the first MAX_ENVFROM_LAYERS distinct ones (a
    // name is looked for in each object of the prefixes that start it; an object named again
    // under its prefix adds nothing, and one past the cap stays past it when named again).
    let mut admitted: HashMap<String, HashSet<usize>> = HashMap::new();
    // The sources whose keys are copied (with their position), and the positions and prefixes
    // of the sources of unknown keys among them.
    let mut copied = Vec::new();
    let mut open_at: Vec<(usize, String)> = Vec::new();
    for (i, (item, prefix, kind, name, optional, mut data)) in sources.into_iter().enumerate() {
        if let Some(d) = data.as_ref().filter(|_| layered) {
            let objects = admitted.entry(prefix.clone()).or_default();
            let object = std::sync::Arc::as_ptr(d) as usize;
            if !objects.contains(&object) {
                if objects.len() < MAX_ENVFROM_LAYERS {
                    objects.insert(object);
                } else {
                    env.layers_capped.get_or_insert(item);
                    data = None;
                }
            }
        }
        match data {
            Some(d) if layered => layers.push(Layer::EnvFrom {
                item,
                prefix,
                data: Some(d),
            }),
            Some(d) => copied.push((i, item, prefix, d)),
            None => {
                if layered {
                    layers.push(Layer::EnvFrom {
                        item,
                        prefix: prefix.clone(),
                        data: None,
                    });
                } else {
                    open_at.push((i, prefix.clone()));
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
    copy_keys(&mut env, copied, open_at);

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

/// A source whose keys are copied into the environment: its position among the container's
/// `envFrom` sources, its item, prefix and data.
type Copied<'p> = (
    usize,
    &'p Node,
    String,
    std::sync::Arc<super::ConfigData<'p>>,
);

/// Define the keys of `copied` in `env`. `open_at`: the positions and prefixes of the
/// sources of unknown keys, in order.
pub(super) fn copy_keys<'p>(
    env: &mut Env<'p>,
    copied: Vec<Copied<'p>>,
    open_at: Vec<(usize, String)>,
) {
    // A name takes the value of the last source that defines it, unknown when a later source
    // of unknown keys has a prefix of it (it may overwrite the name). Walked last to first,
    // with the later sources' prefixes in a set: each source of unknown keys scanning every
    // variable defined before it took 9 s for 50,000 of them.
    let mut later_open = super::prefixes::PrefixSet::default();
    let mut opens = open_at.into_iter().rev().peekable();
    for (i, item, prefix, d) in copied.into_iter().rev() {
        while let Some((_, p)) = opens.next_if(|(j, _)| *j > i) {
            later_open.insert(&p);
        }
        for (k, v) in d.keys.iter().filter(|(_, v)| v.in_data) {
            let name = format!("{prefix}{k}");
            if env.vars.contains_key(&name) {
                continue;
            }
            let value = v.value.clone().filter(|_| !later_open.matches(&name));
            env.define(EnvVar {
                name,
                value,
                origin: Origin::EnvFrom {
                    item,
                    key_span: v.span,
                },
            });
        }
    }
}
