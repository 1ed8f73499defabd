//! KX301 subpath-missing-key: `subPath` names a path the ConfigMap/Secret volume does not
//! project (after `items` remapping): the kubelet mounts an empty directory there.

use crate::finding::Finding;
use crate::model::volumes::{clean_rel, pod_mounts, VolumeKind};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::yaml::Node;
use std::collections::{HashMap, HashSet};

/// The `items[].path`s a volume lists (cleaned), for a volume of `kind`.
fn listed_paths(vol: &Node, kind: &str) -> HashSet<String> {
    vol.get(if kind == "projected volume" {
        "projected"
    } else if kind == "Secret" {
        "secret"
    } else {
        "configMap"
    })
    .into_iter()
    .flat_map(|s| {
        s.get("items").map(Node::items).unwrap_or(&[]).iter().chain(
            s.get("sources")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .flat_map(|src| {
                    src.entries()
                        .flat_map(|(_, v)| v.get("items").map(Node::items).unwrap_or(&[]).iter())
                }),
        )
    })
    .filter_map(|it| it.get("path").and_then(Node::scalar_text))
    .map(|p| clean_rel(&p))
    .collect()
}

pub static RULE: Rule = Rule {
    meta: &meta::KX301,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        // A kustomize patch: what it leaves out is in the base.
        if model.is_patch(w) {
            continue;
        }
        let mut listed_by_volume: HashMap<&str, HashSet<String>> = HashMap::new();
        for (c, mounts) in w.containers.iter().zip(pod_mounts(model, w)) {
            for m in &mounts.mounts {
                let (Some(sub), Some(sub_node), Some(vol)) =
                    (m.sub_path, m.sub_path_node, &m.volume)
                else {
                    continue;
                };
                let (kind, obj) = match &vol.kind {
                    VolumeKind::ConfigMap { name, .. } => ("ConfigMap", *name),
                    VolumeKind::Secret { name, .. } => ("Secret", *name),
                    VolumeKind::Projected => ("projected volume", ""),
                    _ => continue,
                };
                if !vol.files.is_complete() {
                    continue;
                }
                let sub = clean_rel(sub);
                if sub.is_empty() || vol.files.file(&sub).is_some() || vol.files.has_dir(&sub) {
                    continue;
                }
                // A listed item whose key is missing is KX303's finding (volume setup fails).
                // The volume's listed paths, gathered once per volume (10,000 subPath mounts
                // of a volume listing 10,000 items are not a scan each).
                let listed = listed_by_volume
                    .entry(vol.name)
                    .or_insert_with(|| listed_paths(vol.node, kind))
                    .contains(&sub);
                if listed {
                    continue;
                }
                let mount_path = m.mount_path.clone().unwrap_or_default();
                let executed = c
                    .command()
                    .and_then(|cmd| cmd.first())
                    .and_then(Node::as_str)
                    .is_some_and(|a| {
                        !mount_path.is_empty() && crate::model::volumes::clean_abs(a) == mount_path
                    });
                let files: Vec<String> = vol
                    .files
                    .files()
                    .take(8)
                    .map(|f| format!("`{}`", f.path))
                    .collect();
                let what = if obj.is_empty() {
                    format!("{kind} `{}`", vol.name)
                } else {
                    format!("{kind} `{obj}` (volume `{}`)", vol.name)
                };
                let mut f = Finding::new(
                    &RULE,
                    w.span(sub_node),
                    format!(
                        "subPath `{sub}` does not exist in {what}: the kubelet creates an empty directory and mounts it at `{mount_path}`, so container `{}` finds a directory where it expects a file{}",
                        c.name,
                        if executed {
                            " — and executes it: StartError (exit 128; 126 under a shell)"
                        } else {
                            " (the pod starts without any warning)"
                        }
                    ),
                )
                .help(if files.is_empty() {
                    format!("The {kind} projects no files; add the key `{sub}` to it")
                } else {
                    format!(
                        "Use one of the projected paths ({}) — after `items` remapping, the subPath is the item's `path`, not its `key` — or add the key",
                        files.join(", ")
                    )
                })
                .object(Some(w.reference()))
                .container(c.name);
                if executed {
                    f = f
                        .exit_code(Some(128))
                        .symptom(format!("exec: \"{mount_path}\": permission denied"));
                } else {
                    f = f.symptom(format!("{mount_path}: Is a directory"));
                }
                if let Some(mp) = m.mount_path_node {
                    f = f.label(w.span(mp), "an empty directory appears here");
                }
                out.push(f);
            }
        }
    }
}
