//! KX303 items-key-missing: a key that a volume's `items` or an `env[].valueFrom` reference
//! needs is absent from the ConfigMap/Secret defined in the tree.

use crate::finding::Finding;
use crate::model::env::{lookup_data, object_uses, DataLookup, UseSite};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX303,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        // A kustomize patch: what it leaves out is in the base.
        if model.is_patch(w) {
            continue;
        }
        let ns = w.object.namespace;
        for u in object_uses(w) {
            if u.optional || u.keys.is_empty() {
                continue;
            }
            let DataLookup::Found(data) = lookup_data(model, u.kind, ns, u.name, w.object.file)
            else {
                continue;
            };
            if !data.keys_known {
                continue;
            }
            for (key, key_node) in &u.keys {
                let present = match u.site {
                    // Only `data` (and Secret `stringData`) keys become variables.
                    UseSite::EnvKey => data.keys.get(key).is_some_and(|k| k.in_data),
                    _ => data.keys.contains_key(key),
                };
                if present {
                    continue;
                }
                let kind = u.kind.as_str();
                let known: Vec<String> =
                    data.keys.keys().take(8).map(|k| format!("`{k}`")).collect();
                let known = if known.is_empty() {
                    "it has no keys".to_string()
                } else {
                    format!("its keys: {}", known.join(", "))
                };
                let (msg, symptom) = match u.site {
                    UseSite::EnvKey => {
                        let c = u.container.and_then(|i| w.containers.get(i));
                        (
                            format!(
                                "{kind} `{}` has no key `{key}`: container `{}` cannot be created (CreateContainerConfigError, no exit code) until the key exists",
                                u.name,
                                c.map_or("", |c| c.name)
                            ),
                            format!("Error: couldn't find key {key} in {kind} {ns}/{}", u.name),
                        )
                    }
                    _ => (
                        format!(
                            "{kind} `{}` has no key `{key}` listed in the `items` of volume `{}`: volume setup fails and the pod stays in ContainerCreating (FailedMount, no exit code)",
                            u.name,
                            u.volume.unwrap_or("")
                        ),
                        format!(
                            "MountVolume.SetUp failed for volume \"{}\" : configmap references non-existent config key: {key}",
                            u.volume.unwrap_or("")
                        )
                        .replace(
                            "configmap",
                            if u.kind == crate::model::env::DataKind::Secret { "secret" } else { "configmap" },
                        ),
                    ),
                };
                let help = format!(
                    "Use a key the {kind} defines ({known}), add `{key}` to it, or set `optional: true` if the key may be absent"
                );
                let mut f = Finding::new(&RULE, w.span(key_node), msg)
                    .symptom(symptom)
                    .help(help.clone())
                    .object(Some(w.reference()));
                // How the object would be created from files (`kubectl create …`), for the
                // two cases where kexit cannot know the cluster's object lacks the key.
                let create = match u.kind {
                    crate::model::env::DataKind::Secret => "secret generic",
                    _ => "configmap",
                };
                if data.keys.is_empty() && !data.objects.is_empty() {
                    // Declared with no key at all (`data: {}`, no `data`): most often a
                    // placeholder that an overlay, a controller or `kubectl create` fills.
                    f = f.severity(crate::finding::Severity::Warning).help(format!(
                        "Add `{key}` to the {kind}, or set `optional: true` if the key may be absent. The {kind} defines no key at all: if it is a placeholder that something else fills (a kustomize overlay, `kubectl create {create} {} --from-…`, a secrets controller), this is not a problem",
                        u.name
                    ));
                }
                if let Some(s) = data.name_span() {
                    f = f.label(s, format!("{kind} `{}` defined here", u.name));
                    // A file named like the key next to the definition: the object may also be
                    // created from files (`kubectl create configmap --from-file`), which would
                    // give it the key. kexit cannot know which the cluster gets.
                    let dir = crate::model::env::dir_of(model, s.file);
                    let dir = if dir.as_os_str().is_empty() {
                        std::path::Path::new(".")
                    } else {
                        dir
                    };
                    if let Some(near) = crate::model::facts::file_named_near(model, dir, key) {
                        f = f.severity(crate::finding::Severity::Warning).help(format!(
                            "{help}. The file {near} is named like the key: if the {kind} is created from files (`kubectl create {create} {} --from-file=…`), it has the key and this is not a problem",
                            u.name
                        ));
                    }
                }
                if ns == "kube-system" {
                    // The cluster's own namespace: its distribution's controllers write keys
                    // into the objects there at run time (k3s adds `NodeHosts` to `coredns`),
                    // so a key the tree does not define may well exist.
                    f = f.severity(crate::finding::Severity::Warning).help(format!(
                        "{help}. In `kube-system` the cluster's own controllers add keys to objects at run time (k3s writes `NodeHosts` into `coredns`): if one adds `{key}` to `{}`, this is not a problem",
                        u.name
                    ));
                }
                if let Some(c) = u.container.and_then(|i| w.containers.get(i)) {
                    f = f.container(c.name);
                }
                out.push(f);
            }
        }
    }
}
