//! Typed decoding with k8s-openapi through serde_path_to_error: a type error becomes a path,
//! which becomes the offending node of kexit's spanned tree.
//!
//! The decode is a view, not the truth (stack.md): k8s-openapi drops unknown keys and defaults
//! missing required fields, so only *type* errors are taken from it, and only where the API
//! server (Go's encoding/json) rejects the same JSON. Differences handled here:
//! - `null` is a no-op for Go (any field type): null map values are dropped before decoding and
//!   a null reported elsewhere is ignored;
//! - integral floats (`1.0`, `1e3`) reach the API as integers (see [`Node::to_json`]);
//! - `Quantity` and `IntOrString` accept numbers in both;
//! - base64 (`Secret.data`, `ConfigMap.binaryData`) is checked with Go's rules (line breaks
//!   ignored, trailing bits allowed) instead of k8s-openapi's stricter decoder;
//! - errors that are not plain type/range errors (timestamp formats, …) are not reported.
//!
//! Decoding stops at the first error, so after each error the offending value is patched to a
//! neutral value of the expected type and the object is decoded again, up to [`MAX_ERRORS`].

use crate::yaml::{Node, Value};
use serde_json::Value as J;

/// Type errors reported per object at most (each costs one more decode).
pub const MAX_ERRORS: usize = 16;

/// One step of a path into an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// How a type error is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// An unquoted scalar that YAML 1.1 reads as a bool or number where a string is required
    /// (KX006: quoting it fixes it).
    UnquotedScalar,
    /// Any other value the API rejects (KX005).
    Type,
}

/// A value of the wrong type, located in the object.
#[derive(Debug, Clone)]
pub struct TypeError<'n> {
    pub path: Vec<PathSeg>,
    /// The offending node (or its deepest existing ancestor).
    pub node: &'n Node,
    /// The mapping key of the offending node, when it is a mapping value.
    pub key: Option<&'n Node>,
    pub class: ErrorClass,
    /// What the schema wants, in words (`an integer (int32)`, `a string`, `a list`).
    pub expected: String,
    /// Go's type name for the symptom (`int32`, `string`, `[]…`, `v1.DeploymentSpec`).
    pub go_type: String,
    /// The JSON kind of the value sent (`string`, `number`, `bool`, `array`, `object`).
    pub got: &'static str,
    /// serde's message, for the record.
    pub detail: String,
    /// The Go struct that holds the field and the field's path as Go's encoding/json reports
    /// them (`ContainerPort`, `spec.template.spec.containers.ports.containerPort`).
    pub go_struct: String,
    pub go_field: String,
}

impl TypeError<'_> {
    /// `spec.template.spec.containers[0].ports[0].containerPort`
    pub fn path_string(&self) -> String {
        path_string(&self.path)
    }

    /// The API server's rejection, as `kubectl apply` prints it:
    /// `Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal
    /// string into Go struct field DeploymentSpec.spec.replicas of type int32`.
    pub fn api_error(&self, kind: &str, api_version: &str) -> String {
        let version = api_version.rsplit('/').next().unwrap_or(api_version);
        let cause = if self.go_type == "[]byte" {
            "illegal base64 data".to_string()
        } else {
            format!(
                "json: cannot unmarshal {} into Go struct field {}.{} of type {}",
                self.got, self.go_struct, self.go_field, self.go_type
            )
        };
        format!("{kind} in version \"{version}\" cannot be handled as a {kind}: {cause}")
    }
}

/// `a.b[0].c`
pub fn path_string(path: &[PathSeg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            PathSeg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

type Decoded = Option<(Vec<PathSeg>, String)>;

fn run<T: serde::de::DeserializeOwned>(json: &J) -> Decoded {
    // Most objects decode: check without path tracking first (cheaper), and decode again with
    // it only to locate an error.
    if T::deserialize(json).is_ok() {
        return None;
    }
    match serde_path_to_error::deserialize::<_, T>(json) {
        Ok(_) => None,
        Err(e) => {
            let mut path = Vec::new();
            for seg in e.path().iter() {
                match seg {
                    serde_path_to_error::Segment::Seq { index } => {
                        path.push(PathSeg::Index(*index))
                    }
                    serde_path_to_error::Segment::Map { key } => {
                        path.push(PathSeg::Key(key.clone()))
                    }
                    serde_path_to_error::Segment::Enum { .. }
                    | serde_path_to_error::Segment::Unknown => break,
                }
            }
            Some((path, e.into_inner().to_string()))
        }
    }
}

/// The two ways of decoding one kind: from the JSON value (locating the first error), and
/// from JSON text (does it decode at all).
#[derive(Clone, Copy)]
struct Decoder {
    json: fn(&J) -> Decoded,
    text: fn(&str) -> bool,
}

impl Decoder {
    fn of<T: serde::de::DeserializeOwned>() -> Decoder {
        Decoder {
            json: run::<T>,
            text: |text| T::deserialize(&mut serde_json::Deserializer::from_str(text)).is_ok(),
        }
    }
}

/// The decoder for a kind, if kexit knows its schema.
fn decoder(kind: &str, api_version: &str) -> Option<Decoder> {
    use k8s_openapi::api::{
        apps::v1 as apps, autoscaling::v1 as hpa1, autoscaling::v2 as hpa2, batch::v1 as batch,
        core::v1 as core, networking::v1 as net, policy::v1 as policy, rbac::v1 as rbac,
        scheduling::v1 as sched, storage::v1 as storage,
    };
    Some(match (kind, api_version) {
        ("Pod", "v1") => Decoder::of::<core::Pod>(),
        ("ConfigMap", "v1") => Decoder::of::<core::ConfigMap>(),
        ("Secret", "v1") => Decoder::of::<core::Secret>(),
        ("Service", "v1") => Decoder::of::<core::Service>(),
        ("LimitRange", "v1") => Decoder::of::<core::LimitRange>(),
        ("ServiceAccount", "v1") => Decoder::of::<core::ServiceAccount>(),
        ("ReplicationController", "v1") => Decoder::of::<core::ReplicationController>(),
        ("PodTemplate", "v1") => Decoder::of::<core::PodTemplate>(),
        ("Namespace", "v1") => Decoder::of::<core::Namespace>(),
        ("PersistentVolumeClaim", "v1") => Decoder::of::<core::PersistentVolumeClaim>(),
        ("PersistentVolume", "v1") => Decoder::of::<core::PersistentVolume>(),
        ("ResourceQuota", "v1") => Decoder::of::<core::ResourceQuota>(),
        ("Deployment", "apps/v1") => Decoder::of::<apps::Deployment>(),
        ("StatefulSet", "apps/v1") => Decoder::of::<apps::StatefulSet>(),
        ("DaemonSet", "apps/v1") => Decoder::of::<apps::DaemonSet>(),
        ("ReplicaSet", "apps/v1") => Decoder::of::<apps::ReplicaSet>(),
        ("Job", "batch/v1") => Decoder::of::<batch::Job>(),
        ("CronJob", "batch/v1") => Decoder::of::<batch::CronJob>(),
        ("Ingress", "networking.k8s.io/v1") => Decoder::of::<net::Ingress>(),
        ("IngressClass", "networking.k8s.io/v1") => Decoder::of::<net::IngressClass>(),
        ("NetworkPolicy", "networking.k8s.io/v1") => Decoder::of::<net::NetworkPolicy>(),
        ("PodDisruptionBudget", "policy/v1") => Decoder::of::<policy::PodDisruptionBudget>(),
        ("HorizontalPodAutoscaler", "autoscaling/v1") => {
            Decoder::of::<hpa1::HorizontalPodAutoscaler>()
        }
        ("HorizontalPodAutoscaler", "autoscaling/v2") => {
            Decoder::of::<hpa2::HorizontalPodAutoscaler>()
        }
        ("Role", "rbac.authorization.k8s.io/v1") => Decoder::of::<rbac::Role>(),
        ("RoleBinding", "rbac.authorization.k8s.io/v1") => Decoder::of::<rbac::RoleBinding>(),
        ("ClusterRole", "rbac.authorization.k8s.io/v1") => Decoder::of::<rbac::ClusterRole>(),
        ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1") => {
            Decoder::of::<rbac::ClusterRoleBinding>()
        }
        ("PriorityClass", "scheduling.k8s.io/v1") => Decoder::of::<sched::PriorityClass>(),
        ("StorageClass", "storage.k8s.io/v1") => Decoder::of::<storage::StorageClass>(),
        _ => return None,
    })
}

/// Whether kexit decodes this kind.
pub fn is_known(kind: &str, api_version: &str) -> bool {
    decoder(kind, api_version).is_some()
}

/// Decode a known kind; returns the JSON path of the first type error and its message.
/// (Kept for callers that only want a yes/no; rules use [`type_errors`].)
pub fn check(kind: &str, api_version: &str, json: &serde_json::Value) -> Option<(String, String)> {
    let (path, msg) = (decoder(kind, api_version)?.json)(json)?;
    Some((path_string(&path), msg))
}

/// The object as the API server receives it, for decoding: [`Node::to_json`] without null
/// mapping values (a JSON null is a no-op for Go, whatever the field type).
pub fn api_json(node: &Node) -> J {
    serde_json::to_value(ApiText::new(node)).unwrap_or(J::Null)
}

/// [`api_json`] of an object for its type check: a ConfigMap's `data` or a Secret's
/// `stringData` whose every value is a string (or null) is left empty, since decoding it cannot
/// fail (a 10 MB ConfigMap of 230,000 keys was copied whole into JSON and decoded for nothing:
/// 70 MB). Any other value keeps the map, so its errors are found as before.
fn api_json_checked(kind: &str, node: &Node) -> J {
    let elide = match kind {
        "ConfigMap" => Some("data"),
        "Secret" => Some("stringData"),
        _ => None,
    };
    serde_json::to_value(ApiText { node, elide }).unwrap_or(J::Null)
}

/// A tree as the API server receives it ([`api_json`]), serialised: into the JSON value, or
/// straight into JSON text without building the value (a Pod of 190,000 `env` entries took
/// 150 MB as a value). In a mapping the last entry of a duplicated key wins and a null value
/// removes the key.
struct ApiText<'a> {
    node: &'a Node,
    /// A top-level field left empty when every value in it is a string
    /// ([`api_json_checked`]).
    elide: Option<&'static str>,
}

impl<'a> ApiText<'a> {
    fn new(node: &'a Node) -> ApiText<'a> {
        ApiText { node, elide: None }
    }
}

/// The bytes of an object as compact JSON, as kubectl sends it to the API server (without the
/// nulls and overridden duplicate keys, so never more than kubectl sends). Counted, not built.
pub fn request_bytes(node: &Node) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0 += b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut n = Count(0);
    // Writing to a counter cannot fail; a serialisation error leaves the count so far.
    let _ = serde_json::to_writer(&mut n, &ApiText::new(node));
    n.0
}

/// Mappings up to this size find a key's last entry by scanning.
const SCAN_KEYS: usize = 16;

impl serde::Serialize for ApiText<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match &self.node.value {
            Value::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(&ApiText::new(item))?;
                }
                seq.end()
            }
            Value::Map(entries) => {
                let keys: Vec<String> = entries
                    .iter()
                    .map(|(k, _)| k.scalar_text().unwrap_or_default())
                    .collect();
                let last: std::collections::HashMap<&str, usize> = if keys.len() > SCAN_KEYS {
                    keys.iter()
                        .enumerate()
                        .map(|(i, k)| (k.as_str(), i))
                        .collect()
                } else {
                    std::collections::HashMap::new()
                };
                let is_last = |i: usize, k: &str| match keys.len() > SCAN_KEYS {
                    true => last.get(k) == Some(&i),
                    false => !keys[i + 1..].iter().any(|later| later == k),
                };
                let mut map = s.serialize_map(None)?;
                for (i, ((_, v), k)) in entries.iter().zip(&keys).enumerate() {
                    if v.is_null() || !is_last(i, k) {
                        continue;
                    }
                    let strings_only = self.elide == Some(k.as_str())
                        && v.is_map()
                        && v.entries()
                            .all(|(_, x)| x.as_str().is_some() || x.is_null());
                    if strings_only {
                        map.serialize_entry(k, &serde_json::Map::new())?;
                    } else {
                        map.serialize_entry(k, &ApiText::new(v))?;
                    }
                }
                map.end()
            }
            Value::Str(text) => s.serialize_str(text),
            _ => self.node.to_json().serialize(s),
        }
    }
}

/// Every type error of one object (up to [`MAX_ERRORS`]), located in its tree. Empty for kinds
/// kexit does not decode.
pub fn type_errors<'n>(kind: &str, api_version: &str, node: &'n Node) -> Vec<TypeError<'n>> {
    let Some(decoder) = decoder(kind, api_version) else {
        return Vec::new();
    };
    // Most objects decode. Checked first from JSON text written straight from the tree: the
    // JSON value of a Pod of 190,000 `env` entries took 150 MB. Not for the kinds with base64
    // fields (Go's base64 rules are checked on the value) nor the ones with elided data.
    if !matches!(kind, "Secret" | "ConfigMap")
        && serde_json::to_string(&ApiText::new(node)).is_ok_and(|text| (decoder.text)(&text))
    {
        return Vec::new();
    }
    let decode = decoder.json;
    let mut json = api_json_checked(kind, node);
    let mut out = Vec::new();
    let mut base64_checked = false;
    for _ in 0..MAX_ERRORS + 4 {
        if !base64_checked {
            base64_checked = true;
            for path in base64_fields(kind, &json) {
                if let Some(e) = locate(
                    node,
                    &path,
                    "base64",
                    "[]byte",
                    "string",
                    "not valid base64",
                )
                .filter(|e| !is_placeholder(e.node))
                {
                    out.push(e);
                }
                patch(&mut json, &path, J::String(String::new()));
            }
        }
        let Some((path, msg)) = decode(&json) else {
            break;
        };
        let Some(rest) = msg
            .strip_prefix("invalid type: ")
            .or_else(|| msg.strip_prefix("invalid value: "))
        else {
            // Not a type error (a format k8s-openapi checks more strictly than Go): skip the
            // value and go on.
            if !patch(&mut json, &path, J::Null) {
                break;
            }
            continue;
        };
        let (got_serde, expected_serde) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let (expected, go_type, neutral) = describe(expected_serde);
        let got = json_kind(got_serde);
        let report = got != "null" && out.len() < MAX_ERRORS;
        let located = if report {
            locate(node, &path, &expected, &go_type, got, &msg)
                .filter(|e| !e.node.is_null())
                .map(|e| {
                    let (go_struct, go_field) = go_struct_of(decode, &json, kind, &path);
                    TypeError {
                        go_struct,
                        go_field,
                        ..e
                    }
                })
        } else {
            None
        };
        if !patch(&mut json, &path, neutral) {
            break;
        }
        if let Some(mut e) = located.filter(|e| !is_placeholder(e.node)) {
            if expected_serde == "a string"
                && e.node.is_plain()
                && matches!(
                    e.node.value,
                    Value::Bool(_) | Value::Int(_) | Value::Float(_)
                )
            {
                e.class = ErrorClass::UnquotedScalar;
            }
            out.push(e);
        }
    }
    out
}

/// A template placeholder, not a value meant to be applied as written: `${PORT}`, `{{ .Name }}`
/// (which YAML reads as a nested flow mapping), `<your value here>`, `PORT`, `...base64...`,
/// `__PORT__`. Files holding them are rendered by some tool first; their type errors are the
/// tool's business. (`$(VAR)` is Kubernetes syntax, not a placeholder.)
pub fn is_placeholder(n: &Node) -> bool {
    match &n.value {
        Value::Str(s) => {
            let t = s.trim();
            let b = t.as_bytes();
            t.contains("${")
                || t.contains("{{")
                || t.contains("%{")
                || t.contains("...")
                || (t.starts_with('<') && t.ends_with('>'))
                || (t.len() > 4 && t.starts_with("__") && t.ends_with("__"))
                || (b.len() >= 2
                    && b[0].is_ascii_uppercase()
                    && b.iter()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_'))
        }
        // `{{ x }}` unquoted: a mapping whose only key is a mapping, with no value.
        Value::Map(entries) => {
            entries.len() == 1 && entries[0].0.is_map() && entries[0].1.is_null()
        }
        _ => false,
    }
}

/// Where the error is: the node at `path` (or its deepest existing ancestor).
fn locate<'n>(
    root: &'n Node,
    path: &[PathSeg],
    expected: &str,
    go_type: &str,
    got: &'static str,
    detail: &str,
) -> Option<TypeError<'n>> {
    let mut node = root;
    let mut key = None;
    for seg in path {
        let next = match seg {
            PathSeg::Key(k) => node
                .entries()
                .filter(|(kn, _)| kn.scalar_text().as_deref() == Some(k.as_str()))
                .last(),
            PathSeg::Index(i) => node.items().get(*i).map(|n| (n, n)),
        };
        let Some((kn, vn)) = next else { break };
        key = match seg {
            PathSeg::Key(_) => Some(kn),
            PathSeg::Index(_) => None,
        };
        node = vn;
    }
    Some(TypeError {
        path: path.to_vec(),
        node,
        key,
        class: ErrorClass::Type,
        expected: expected.to_string(),
        go_type: go_type.to_string(),
        got,
        detail: detail.to_string(),
        go_struct: String::new(),
        go_field: String::new(),
    })
}

/// Find the Go struct holding the field at `path` (its nearest ancestor that decodes as a
/// struct) by making that ancestor a number and reading serde's "expected …".
fn go_struct_of(
    decode: fn(&J) -> Decoded,
    json: &J,
    kind: &str,
    path: &[PathSeg],
) -> (String, String) {
    for k in (0..path.len()).rev() {
        let prefix = &path[..k];
        let name = if prefix.is_empty() {
            Some(kind.to_string())
        } else {
            let mut probe = json.clone();
            if !patch(&mut probe, prefix, J::from(0)) {
                continue;
            }
            decode(&probe).and_then(|(p, msg)| {
                let exp = msg.rsplit_once(", expected ")?.1;
                (p == prefix && exp.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
                    .then(|| exp.to_string())
            })
        };
        if let Some(name) = name {
            let field: Vec<&str> = path[..(k + 1).min(path.len())]
                .iter()
                .filter_map(|s| match s {
                    PathSeg::Key(k) => Some(k.as_str()),
                    PathSeg::Index(_) => None,
                })
                .collect();
            return (name, field.join("."));
        }
    }
    (kind.to_string(), path_string(path))
}

/// Replace the value at `path` (`J::Null` removes a mapping entry). False if the path is not
/// there (the decode would fail the same way again).
fn patch(json: &mut J, path: &[PathSeg], with: J) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut cur = json;
    for seg in parents {
        cur = match (seg, cur) {
            (PathSeg::Key(k), J::Object(m)) => match m.get_mut(k) {
                Some(v) => v,
                None => return false,
            },
            (PathSeg::Index(i), J::Array(a)) => match a.get_mut(*i) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, cur) {
        (PathSeg::Key(k), J::Object(m)) => {
            if with.is_null() {
                m.remove(k).is_some()
            } else if let Some(v) = m.get_mut(k) {
                if *v == with {
                    return false;
                }
                *v = with;
                true
            } else {
                false
            }
        }
        (PathSeg::Index(i), J::Array(a)) => match a.get_mut(*i) {
            Some(v) => {
                let with = if with.is_null() {
                    J::String(String::new())
                } else {
                    with
                };
                if *v == with {
                    return false;
                }
                *v = with;
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// The JSON kind from serde's "unexpected" text (`string "x"`, `integer `1``, `map`, …).
fn json_kind(got: &str) -> &'static str {
    let word = got.split([' ', '`']).next().unwrap_or("");
    match word {
        "string" | "char" => "string",
        "integer" | "floating" => "number",
        "boolean" => "bool",
        "sequence" => "array",
        "map" => "object",
        "null" | "unit" => "null",
        _ => "value",
    }
}

/// Words, Go type and a neutral JSON value for serde's "expected" text.
fn describe(expected: &str) -> (String, String, J) {
    let s = |a: &str, b: &str, v: J| (a.to_string(), b.to_string(), v);
    match expected {
        "a string" => s("a string", "string", J::String(String::new())),
        "a boolean" => s("a boolean (true/false)", "bool", J::Bool(false)),
        "i32" => s("an integer (int32)", "int32", J::from(0)),
        "i64" => s("an integer (int64)", "int64", J::from(0)),
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" => s("an integer", expected, J::from(0)),
        "f32" | "f64" => s("a number", "float64", J::from(0)),
        "a sequence" => s("a list", "[]…", J::Array(Vec::new())),
        "a map" => s(
            "a mapping (key: value)",
            "map[string]…",
            J::Object(Default::default()),
        ),
        "IntOrString" => s("an integer or a string", "intstr.IntOrString", J::from(0)),
        "Quantity" => s(
            "a quantity (`512Mi`, `0.5`)",
            "resource.Quantity",
            J::String("0".into()),
        ),
        "Time" | "MicroTime" => s("a timestamp", "metav1.Time", J::Null),
        "a 32-bit integer" => s("an integer (int32)", "int32", J::from(0)),
        other if other.chars().next().is_some_and(|c| c.is_ascii_uppercase()) => (
            format!("a mapping ({other})"),
            format!("v1.{other}"),
            J::Object(Default::default()),
        ),
        other => (other.to_string(), other.to_string(), J::Null),
    }
}

/// Paths of `Secret.data` / `ConfigMap.binaryData` values that Go's base64 decoder rejects.
fn base64_fields(kind: &str, json: &J) -> Vec<Vec<PathSeg>> {
    let field = match kind {
        "Secret" => "data",
        "ConfigMap" => "binaryData",
        _ => return Vec::new(),
    };
    let Some(J::Object(m)) = json.get(field) else {
        return Vec::new();
    };
    m.iter()
        .filter(|(_, v)| matches!(v, J::String(s) if !go_base64_ok(s)))
        .map(|(k, _)| vec![PathSeg::Key(field.to_string()), PathSeg::Key(k.clone())])
        .collect()
}

/// Go's `base64.StdEncoding.DecodeString` (as encoding/json uses for `[]byte`): the standard
/// alphabet, `=` padding required, `\r` and `\n` ignored, trailing bits not checked.
pub fn go_base64_ok(s: &str) -> bool {
    let mut n = 0usize;
    let mut pad = 0usize;
    for b in s.bytes() {
        match b {
            b'\r' | b'\n' => continue,
            b'=' => pad += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if pad == 0 => {}
            _ => return false,
        }
        n += 1;
    }
    // At most two `=`, all at the end (checked above), in whole quanta of four.
    n & 3 == 0 && pad <= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn errors(text: &str) -> Vec<(String, ErrorClass, String)> {
        let f = yaml::parse(text);
        let root = &f.docs[0].root;
        let kind = root.get("kind").and_then(Node::as_str).unwrap_or("");
        let api = root.get("apiVersion").and_then(Node::as_str).unwrap_or("");
        type_errors(kind, api, root)
            .into_iter()
            .map(|e| (e.path_string(), e.class, text[e.node.span()].to_string()))
            .collect()
    }

    #[test]
    fn replicas_three() {
        let e = errors("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: three\n");
        assert_eq!(
            e,
            vec![("spec.replicas".into(), ErrorClass::Type, "three".into())]
        );
    }

    #[test]
    fn api_error_names_the_go_struct() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x, labels: {a: 1}}\nspec:\n  replicas: three\n  template:\n    spec:\n      containers:\n        - name: c\n          ports: [{containerPort: \"80\"}]\n";
        let f = yaml::parse(text);
        let root = &f.docs[0].root;
        let e = type_errors("Deployment", "apps/v1", root);
        let msgs: Vec<String> = e
            .iter()
            .map(|e| e.api_error("Deployment", "apps/v1"))
            .collect();
        assert_eq!(msgs, vec![
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32",
        ]);
    }

    #[test]
    fn every_error_of_an_object_is_found() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {a: yes, b: \"ok\"}\nspec:\n  containers:\n    - name: c\n      image: i\n      args: [\"--port\", 8080]\n      ports:\n        - containerPort: \"8080\"\n      env:\n        - {name: A, value: no}\n        - {name: B, value: 1.0}\n        - {name: C, value: }\n        - {name: D, value: \"0755\"}\n";
        let e = errors(text);
        let got: Vec<(&str, ErrorClass, &str)> = e
            .iter()
            .map(|(p, c, t)| (p.as_str(), *c, t.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("metadata.labels.a", ErrorClass::UnquotedScalar, "yes"),
                (
                    "spec.containers[0].args[1]",
                    ErrorClass::UnquotedScalar,
                    "8080"
                ),
                (
                    "spec.containers[0].env[0].value",
                    ErrorClass::UnquotedScalar,
                    "no"
                ),
                (
                    "spec.containers[0].env[1].value",
                    ErrorClass::UnquotedScalar,
                    "1.0"
                ),
                (
                    "spec.containers[0].ports[0].containerPort",
                    ErrorClass::Type,
                    "\"8080\""
                ),
            ]
        );
    }

    #[test]
    fn no_false_errors_for_go_tolerated_values() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  creationTimestamp: null\n  annotations:\nspec:\n  replicas: 1.0\n  strategy:\n    rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}\n  selector: ~\n  template:\n    spec:\n      containers:\n        - name: c\n          image: i\n          resources:\n            limits: {cpu: 1, memory: 512}\n            requests: {cpu: 0.5, memory: 1e3}\n          livenessProbe:\n            httpGet: {port: http, path: /}\n          readinessProbe:\n            tcpSocket: {port: 8080}\n          env:\n            - name: A\n              value:\n          volumeMounts:\n            - {name: v, mountPath: /x, readOnly: yes}\n      volumes:\n        - name: v\n          configMap: {name: c, defaultMode: 0644}\n        - name: e\n          emptyDir: {sizeLimit: 1Gi}\n";
        assert_eq!(errors(text), vec![]);
        assert_eq!(errors("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  a: aGVsbG8=\n  b: |\n    aGVs\n    bG8=\n  c: \"\"\n"), vec![]);
    }

    #[test]
    fn base64_checked_like_go() {
        let e = errors("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  a: hello world\n  b: aGVsbG8\n");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(go_base64_ok("aGk="));
        assert!(go_base64_ok("aGl="));
        assert!(go_base64_ok(""));
        assert!(!go_base64_ok("aGk"));
        assert!(!go_base64_ok("a==="));
        assert!(!go_base64_ok("===="));
        assert!(!go_base64_ok("aG=k"));
        assert!(!go_base64_ok("aGk =\n"));
    }

    #[test]
    fn placeholders_are_not_errors() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: {{ .Name }}}\nspec:\n  replicas: ${REPLICAS:-1}\n  template:\n    spec:\n      containers:\n        - name: c\n          ports: [{containerPort: PORT}, {containerPort: <port>}, {containerPort: __P__}]\n";
        assert_eq!(errors(text), vec![]);
        let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  a: \"...base64 encoded data...\"\n  b: {{config}}\n";
        assert_eq!(errors(secret), vec![]);
        // Lower-case words are not placeholders.
        assert_eq!(
            errors("apiVersion: apps/v1\nkind: Deployment\nspec: {replicas: three}\n").len(),
            1
        );
    }

    #[test]
    fn unknown_kinds_are_not_decoded() {
        assert!(
            errors("apiVersion: example.com/v1\nkind: Widget\nspec: {replicas: three}\n")
                .is_empty()
        );
        assert!(errors(
            "apiVersion: extensions/v1beta1\nkind: Deployment\nspec: {replicas: three}\n"
        )
        .is_empty());
    }

    #[test]
    fn structural_errors_point_at_the_value() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n    name: c\n    image: i\n";
        let e = errors(text);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, "spec.containers");
        assert_eq!(e[0].1, ErrorClass::Type);
    }
}
