//! KX305 missing-reference: envFrom / env valueFrom / a volume refers to a ConfigMap or Secret
//! that is neither in the tree nor declared in `external-objects`, in a directory that clearly
//! holds that namespace's configuration.

use crate::finding::Finding;
use crate::model::env::{dir_of, lookup_data, object_uses, DataLookup, UseSite};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX305,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        // A kustomize patch: what it leaves out is in the base.
        if model.is_patch(w) {
            continue;
        }
        let ns = w.object.namespace;
        let dir = dir_of(model, w.object.file);
        // Generators (kustomize) create objects kexit does not see.
        let placement = model.placement();
        if placement.kustomization_dirs.contains(dir) {
            continue;
        }
        // A set: a workload may name 50,000 missing objects (a list searched on each took 9 s).
        let mut seen: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
        for u in object_uses(w) {
            if u.optional || u.name.is_empty() || u.name.contains(['{', '$', '<']) {
                continue;
            }
            let kind = u.kind.as_str();
            if seen.contains(&(kind, u.name)) {
                continue;
            }
            if !matches!(
                lookup_data(model, u.kind, ns, u.name, w.object.file),
                DataLookup::NotInTree
            ) {
                continue;
            }
            // Only where this directory holds the namespace's objects of that kind.
            // Something in the tree may produce an object of this name (SealedSecret,
            // ExternalSecret, cert-manager Certificate, a generator …).
            if !placement.has_kind_in(kind, ns, dir) || placement.produced(ns, u.name) {
                continue;
            }
            seen.insert((kind, u.name));
            let (what, consequence, symptom) = match u.site {
                UseSite::Volume => (
                    format!("volume `{}`", u.volume.unwrap_or("")),
                    "the pod stays in ContainerCreating (FailedMount, no exit code)",
                    format!(
                        "MountVolume.SetUp failed for volume \"{}\" : {} \"{}\" not found",
                        u.volume.unwrap_or(""),
                        kind.to_ascii_lowercase(),
                        u.name
                    ),
                ),
                _ => (
                    format!(
                        "container `{}`",
                        u.container
                            .and_then(|i| w.containers.get(i))
                            .map_or("", |c| c.name)
                    ),
                    "the container is never created (CreateContainerConfigError, no exit code)",
                    format!(
                        "Error: {} \"{}\" not found",
                        kind.to_ascii_lowercase(),
                        u.name
                    ),
                ),
            };
            let mut f = Finding::new(
                &RULE,
                w.span(u.name_node),
                format!(
                    "{what} refers to {kind} `{}`, which is not in the linted files although this directory defines other {kind}s of namespace `{ns}`: if it does not exist in the cluster, {consequence}",
                    u.name
                ),
            )
            .symptom(symptom)
            .help(format!(
                "Add the {kind} to the manifests, fix the name, mark the reference `optional: true`, or declare it in `.kexit.yaml` under `external-objects` if it is created elsewhere"
            ))
            .object(Some(w.reference()));
            if let Some(c) = u.container.and_then(|i| w.containers.get(i)) {
                f = f.container(c.name);
            }
            out.push(f);
        }
    }
}
