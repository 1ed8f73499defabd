//! KX006 yaml11-scalar: an unquoted scalar that kubectl (YAML 1.1) reads as a bool or a number
//! where the schema requires a string — `env[].value: no`, `labels: {enabled: yes}`,
//! ConfigMap `data: {mode: 0755}`, `args: [--port, 8080]`. The API server rejects the object.
//!
//! Known kinds are checked through their schema (every string field); other kinds (custom
//! resources) only in `metadata.labels` and `metadata.annotations`, which are strings for every
//! kind. Fields that want a number (`defaultMode: 0644`) are not this rule's business.

use crate::finding::Finding;
use crate::k8s::schema::{self, ErrorClass};
use crate::k8s::Object;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::yaml::{Node, Value};

pub static RULE: Rule = Rule {
    meta: &meta::KX006,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (i, obj) in model.objects.iter().enumerate() {
        if schema::is_known(obj.kind, obj.api_version) {
            for e in model.type_errors(i) {
                if e.class == ErrorClass::UnquotedScalar && !templated(model, obj, e.node, e.key) {
                    let symptom = e.api_error(obj.kind, obj.api_version);
                    out.push(finding(
                        model,
                        obj,
                        e.node,
                        e.key,
                        &e.path_string(),
                        Some(symptom),
                    ));
                }
            }
        } else if obj.api_version.contains('/') && !obj.api_version.contains("config") {
            // Custom resources: ObjectMeta is the same for every kind.
            let Some(meta) = obj.node.get("metadata") else {
                continue;
            };
            for field in ["labels", "annotations"] {
                for (k, v) in meta
                    .get(field)
                    .map(|m| m.entries().collect::<Vec<_>>())
                    .unwrap_or_default()
                {
                    if unquoted_non_string(v) && !templated(model, obj, v, Some(k)) {
                        let path =
                            format!("metadata.{field}.{}", k.scalar_text().unwrap_or_default());
                        out.push(finding(model, obj, v, Some(k), &path, None));
                    }
                }
            }
        }
    }
}

/// Template markup in the key or the value (`{{ .Key }}: true`): the template's text.
fn templated(model: &Model, obj: &Object, node: &Node, key: Option<&Node>) -> bool {
    let f = model.file(obj.file);
    crate::template::has_markup(f.slice(obj.span(node)))
        || key.is_some_and(|k| crate::template::has_markup(f.slice(obj.span(k))))
}

fn unquoted_non_string(n: &Node) -> bool {
    n.is_plain() && matches!(n.value, Value::Bool(_) | Value::Int(_) | Value::Float(_))
}

fn finding(
    model: &Model,
    obj: &Object,
    node: &Node,
    key: Option<&Node>,
    path: &str,
    symptom: Option<String>,
) -> Finding {
    let raw = model.file(obj.file).slice(obj.span(node)).to_string();
    let meaning = match &node.value {
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Int(i) => {
            let base = if raw.trim_start_matches(['-', '+']).starts_with("0x") {
                " (hexadecimal)"
            } else if raw.trim_start_matches(['-', '+']).starts_with('0') && raw.len() > 1 {
                " (octal)"
            } else {
                ""
            };
            format!("the number {i}{base}")
        }
        Value::Float(f) => format!("the number {f}"),
        _ => "a non-string".to_string(),
    };
    let fix = match key {
        Some(k) => format!("{}: \"{raw}\"", model.file(obj.file).slice(obj.span(k))),
        None => format!("\"{raw}\""),
    };
    let reading = match yaml12_reading(&raw) {
        Some(other) => format!(
            "kubectl reads YAML 1.1, where the unquoted `{raw}` is {meaning} (YAML 1.2 tools read {other})"
        ),
        None => format!("kubectl reads the unquoted `{raw}` as {meaning}"),
    };
    let mut f = Finding::new(
        &RULE,
        obj.span(node),
        format!(
            "`{path}`: {reading}, but a string is required here: the API server rejects the {}",
            obj.kind
        ),
    )
    .help(format!("Quote it: {fix}"))
    .object(Some(std::sync::Arc::new(obj.reference())));
    if let Some(s) = symptom {
        f = f.symptom(s);
    }
    f
}

/// How YAML 1.2 (core schema) reads the text, when it differs from YAML 1.1: the 1.1 booleans
/// are strings, leading-zero octal is decimal, underscores and `0b` make strings.
fn yaml12_reading(raw: &str) -> Option<String> {
    let t = raw.trim_start_matches(['-', '+']);
    if matches!(
        raw.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off"
    ) {
        return Some(format!("the string \"{raw}\""));
    }
    if t.len() > 1 && t.starts_with('0') && t.bytes().all(|b| b.is_ascii_digit()) {
        let decimal = raw.trim_start_matches('+').replacen('0', "", 1);
        return Some(format!("the decimal {decimal}"));
    }
    if (t.starts_with(|c: char| c.is_ascii_digit()) && t.contains('_'))
        || t.starts_with("0b")
        || t.starts_with("0B")
    {
        return Some(format!("the string \"{raw}\""));
    }
    None
}
