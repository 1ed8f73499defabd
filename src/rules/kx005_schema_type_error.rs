//! KX005 schema-type-error: a field has the wrong type for its Kubernetes schema, so the API
//! server rejects the whole object (`replicas: three`, `containerPort: "8080"`, a mapping where a
//! list is required).
//!
//! Unquoted bools/numbers where a string is required are KX006's (the fix is different: quote).

use crate::finding::Finding;
use crate::k8s::schema::{ErrorClass, PathSeg, TypeError};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::yaml::{Style, Value};

pub static RULE: Rule = Rule {
    meta: &meta::KX005,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (i, obj) in model.objects.iter().enumerate() {
        for e in model.type_errors(i) {
            if e.class != ErrorClass::Type || belongs_to_kx306(e) {
                continue;
            }
            let target = if e.node.is_map() || e.node.is_seq() {
                e.key.unwrap_or(e.node)
            } else {
                e.node
            };
            let path = e.path_string();
            let text = model.file(obj.file).slice(obj.span(e.node));
            // `{{ .Key }}: {{ .Value }}` read as YAML: the template's text, not a value.
            let key = e.key.map_or("", |k| model.file(obj.file).slice(obj.span(k)));
            if crate::template::has_markup(text) || crate::template::has_markup(key) {
                continue;
            }
            let given = given(e, text);
            let message = if e.go_type == "[]byte" {
                format!(
                    "`{path}` is not valid base64: the API server rejects the {}, so `kubectl apply` fails and nothing in it is applied",
                    obj.kind
                )
            } else {
                format!(
                    "`{path}` must be {}, but {given} was given: the API server rejects the {}, so `kubectl apply` fails and nothing in it is applied",
                    e.expected, obj.kind
                )
            };
            out.push(
                Finding::new(&RULE, obj.span(target), message)
                    .help(help(e, text))
                    .symptom(e.api_error(obj.kind, obj.api_version))
                    .object(Some(std::sync::Arc::new(obj.reference()))),
            );
        }
    }
}

/// `` `three` (a string) ``, `a list`, …
fn given(e: &TypeError, text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    match &e.node.value {
        Value::Seq(_) => "a list".to_string(),
        Value::Map(_) => "a mapping".to_string(),
        Value::Str(_) => format!("`{short}` (a string)"),
        Value::Bool(_) => format!("`{short}` (a boolean)"),
        Value::Int(_) | Value::Float(_) => format!("`{short}` (a number)"),
        Value::Null => "null".to_string(),
    }
}

fn help(e: &TypeError, text: &str) -> String {
    let quoted = matches!(e.node.style(), Style::SingleQuoted | Style::DoubleQuoted);
    if e.go_type == "[]byte" {
        return "Base64-encode the value (`echo -n 'value' | base64`), or put the plain text under `stringData` instead of `data`".to_string();
    }
    match e.go_type.as_str() {
        "int32" | "int64" | "float64" | "intstr.IntOrString" if quoted => {
            let inner = text.trim_matches(|c| c == '"' || c == '\'');
            if inner.trim().parse::<f64>().is_ok() {
                format!("Remove the quotes: {inner}")
            } else {
                format!("Write {}", e.expected)
            }
        }
        "bool" => "Write true or false".to_string(),
        "string" => "Quote the value, or write a single string".to_string(),
        t if t.starts_with("[]") => {
            "Write a YAML list (one `- item` per line, or `[a, b]`)".to_string()
        }
        _ if e.expected.starts_with("a mapping") => {
            "Write a mapping (`key: value` lines indented under the field)".to_string()
        }
        _ => format!("Write {}", e.expected),
    }
}

/// A quoted `defaultMode`/`mode` (`"0755"`) is KX306's (mode-not-octal), which explains modes.
fn belongs_to_kx306(e: &TypeError) -> bool {
    matches!(e.path.last(), Some(PathSeg::Key(k)) if k == "defaultMode" || k == "mode")
        && matches!(e.node.value, Value::Str(_))
}
