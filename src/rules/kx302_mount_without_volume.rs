//! KX302 mount-without-volume: volumeMount names no volume; the API rejects the pod.

use crate::finding::Finding;
use crate::model::volumes::{claim_templates, pod_mounts};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::yaml::Node;
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    meta: &meta::KX302,
    check,
};

/// Volumes named in a help message at most (a help is read, and is built per finding).
const MAX_LISTED: usize = 10;

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        // A strategic-merge patch (kustomize overlay) carries mounts whose volumes live in the
        // base.
        if model.is_patch(w) {
            continue;
        }
        let volumes: Vec<&str> = w
            .pod_spec
            .get("volumes")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| v.get("name").and_then(Node::as_str))
            .chain(claim_templates(w).map(|(n, _)| n))
            .collect();
        let mut by_lower: HashMap<String, usize> = HashMap::new();
        let mut by_dash: HashMap<String, usize> = HashMap::new();
        for (i, v) in volumes.iter().enumerate() {
            by_lower.entry(v.to_ascii_lowercase()).or_insert(i);
            by_dash.entry(v.replace('_', "-")).or_insert(i);
        }
        // The declared volumes for the help, the first few of them.
        let mut declared = volumes
            .iter()
            .take(MAX_LISTED)
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if volumes.len() > MAX_LISTED {
            declared.push_str(&format!(" and {} more", volumes.len() - MAX_LISTED));
        }
        let template = if w.object.kind == "Pod" {
            "spec"
        } else {
            "spec.template.spec"
        };
        for (c, mounts) in w.containers.iter().zip(pod_mounts(model, w)) {
            for (i, m) in mounts.mounts.iter().enumerate() {
                if m.volume.is_some() || m.name.is_empty() {
                    continue;
                }
                let Some(name_node) = m.name_node else {
                    continue;
                };
                let field = format!(
                    "{template}.{}[{}].volumeMounts[{i}].name",
                    c.kind.field(),
                    c.index
                );
                // The first volume equal but for case, or but for `_`/`-` (looked up, not
                // scanned: a pod may have 10,000 such mounts and 10,000 volumes).
                let near = [
                    by_lower.get(&m.name.to_ascii_lowercase()),
                    by_dash.get(&m.name.replace('_', "-")),
                ]
                .into_iter()
                .flatten()
                .min()
                .map(|&i| volumes[i]);
                let help = match near {
                    Some(v) => format!("Use the volume's exact name `{v}`, or add a `volumes` entry named `{}`", m.name),
                    None if volumes.is_empty() => format!("Add a `volumes:` list to the pod spec with an entry named `{}` (emptyDir, configMap, persistentVolumeClaim …)", m.name),
                    None => format!(
                        "Add a `volumes` entry named `{}` or mount one of the declared volumes ({})",
                        m.name,
                        declared
                    ),
                };
                out.push(
                    Finding::new(
                        &RULE,
                        w.span(name_node),
                        format!(
                            "volumeMount `{}` of container `{}` names no volume of the pod: the API server rejects the {} and no container is created",
                            m.name, c.name, w.object.kind
                        ),
                    )
                    .symptom(format!("{field}: Not found: \"{}\"", m.name))
                    .help(help)
                    .object(Some(w.reference()))
                    .container(c.name),
                );
            }
        }
    }
}
