//! KX302 mount-without-volume: volumeMount names no volume; the API rejects the pod.

use crate::finding::Finding;
use crate::model::volumes::{claim_templates, container_mounts};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::yaml::Node;

pub static RULE: Rule = Rule {
    meta: &meta::KX302,
    check,
};

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
        let template = if w.object.kind == "Pod" {
            "spec"
        } else {
            "spec.template.spec"
        };
        for c in &w.containers {
            let mounts = container_mounts(model, w, c);
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
                let near = volumes.iter().find(|v| {
                    v.eq_ignore_ascii_case(m.name)
                        || v.replace('_', "-") == m.name.replace('_', "-")
                });
                let help = match near {
                    Some(v) => format!("Use the volume's exact name `{v}`, or add a `volumes` entry named `{}`", m.name),
                    None if volumes.is_empty() => format!("Add a `volumes:` list to the pod spec with an entry named `{}` (emptyDir, configMap, persistentVolumeClaim …)", m.name),
                    None => format!(
                        "Add a `volumes` entry named `{}` or mount one of the declared volumes ({})",
                        m.name,
                        volumes.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
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
                    .object(Some(w.object.reference()))
                    .container(c.name),
                );
            }
        }
    }
}
