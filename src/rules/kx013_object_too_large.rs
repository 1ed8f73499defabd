//! KX013 object-too-large: an object the API server refuses for its size. Over 3 MiB of JSON
//! no write request carries it (413, `MaxRequestBodyBytes`, fixed in kube-apiserver); a
//! ConfigMap or Secret over 1 MiB of values fails validation; over 256 KiB of JSON,
//! client-side `kubectl apply` fails (its `last-applied-configuration` annotation would hold the
//! whole object), a warning since other ways of applying are not limited so.
//!
//! The sizes are a model fact ([`Model::oversized`]); objects over the request limit are not
//! type-checked (KX005, KX006), which would only cost memory.

use crate::finding::{Finding, Severity};
use crate::meta;
use crate::model::{
    Model, Oversize, MAX_ANNOTATION_BYTES, MAX_DATA_BYTES, MAX_REQUEST_BYTES,
};
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX013,
    check,
};

fn mib(bytes: usize) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for &(i, size) in &model.oversized {
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
        // Helm applies a chart's files with its own three-way merge, without the annotation.
        if matches!(size, Oversize::LastApplied(_)) && model.in_helm_chart(o.file) {
            continue;
        }
        let path = &model.file(o.file).path;
        let f = match size {
            Oversize::Request(bytes) => Finding::new(
                &RULE,
                o.name_span(),
                format!(
                    "{what} is {bytes} bytes as JSON ({}), over the {MAX_REQUEST_BYTES} bytes (3 MiB) the API server accepts in one request: `kubectl apply`, `kubectl create` and every other client are refused with 413 and nothing of it is created (its field types were not checked)",
                    mib(bytes)
                ),
            )
            .help("Make the object smaller: put large data in the image or in a volume rather than in the object (env values, command lines, annotations), or split it into several objects")
            .symptom(format!("Error from server (RequestEntityTooLarge): error when creating \"{path}\": Request entity too large: limit is {MAX_REQUEST_BYTES}")),
            Oversize::Data(bytes) => {
                let (field, values) = if o.kind == "Secret" {
                    ("data", "`data` (decoded from base64) and `stringData`")
                } else {
                    ("[]", "`data` and `binaryData` (decoded from base64)")
                };
                Finding::new(
                    &RULE,
                    o.name_span(),
                    format!(
                        "{what} holds {bytes} bytes of values in {values}, over the {MAX_DATA_BYTES} bytes (1 MiB) a {} may hold: the API server refuses it and nothing of it is created",
                        o.kind
                    ),
                )
                .help("Split the data over several objects mounted side by side, or put it in the image or a volume; compress what compresses (`binaryData` of a gzip)")
                .symptom(format!(
                    "The {} \"{}\" is invalid: {field}: Too long: must have at most {MAX_DATA_BYTES} bytes",
                    o.kind, o.name
                ))
            }
            Oversize::LastApplied(bytes) => Finding::new(
                &RULE,
                o.name_span(),
                format!(
                    "{what} is {bytes} bytes as JSON ({}), over the {MAX_ANNOTATION_BYTES} bytes (256 KiB) an object's annotations may hold: client-side `kubectl apply` (and Argo CD's default sync) copies the whole object into the `kubectl.kubernetes.io/last-applied-configuration` annotation and is refused; `kubectl apply --server-side`, `kubectl create` and Helm are not",
                    mib(bytes)
                ),
            )
            .severity(Severity::Warning)
            .help("Apply it with `kubectl apply --server-side` (Argo CD: the `ServerSideApply=true` sync option), or `kubectl create`/`replace`; or make it smaller")
            .symptom(format!(
                "The {} \"{}\" is invalid: metadata.annotations: Too long: must have at most {MAX_ANNOTATION_BYTES} bytes",
                o.kind, o.name
            )),
        };
        out.push(f.object(Some(std::sync::Arc::new(o.reference()))));
    }
}
