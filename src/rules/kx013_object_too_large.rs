//! KX013 object-too-large: an object whose JSON is over the 3 MiB the API server accepts in one
//! write request (`MaxRequestBodyBytes`, fixed in kube-apiserver): `kubectl apply`, `create`
//! and every client get 413 and nothing of it is created.
//!
//! The sizes are a model fact ([`Model::oversized`]); such objects are not type-checked (KX005,
//! KX006), which would only cost memory.

use crate::finding::Finding;
use crate::meta;
use crate::model::{Model, MAX_REQUEST_BYTES};
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX013,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for &(i, bytes) in &model.oversized {
        let Some(o) = model.objects.get(i) else {
            continue;
        };
        // kustomize's own files and patches are read by kustomize, never sent as they are.
        if o.api_version.is_empty()
            || matches!(o.kind, "Kustomization" | "Component")
            || model.is_patch_file(o.file)
        {
            continue;
        }
        let what = match o.name {
            "" => o.kind.to_string(),
            name => format!("{} `{name}`", o.kind),
        };
        out.push(
            Finding::new(
                &RULE,
                o.name_span(),
                format!(
                    "{what} is {bytes} bytes as JSON ({:.1} MiB), over the {MAX_REQUEST_BYTES} bytes (3 MiB) the API server accepts in one request: `kubectl apply`, `kubectl create` and every other client are refused with 413 and nothing of it is created (its field types were not checked)",
                    bytes as f64 / (1024.0 * 1024.0)
                ),
            )
            .help("Make the object smaller: put large data in the image or in a volume rather than in the object (env values, command lines, annotations), or split it into several objects")
            .symptom(format!("Error from server (RequestEntityTooLarge): error when creating \"{}\": Request entity too large: limit is {MAX_REQUEST_BYTES}", model.file(o.file).path))
            .object(Some(std::sync::Arc::new(o.reference()))),
        );
    }
}
