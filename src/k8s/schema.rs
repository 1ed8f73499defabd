//! Typed decoding with k8s-openapi through serde_path_to_error: a type error becomes a path,
//! which the caller turns into a span of the offending node.

/// Decode a known kind; returns the JSON path of the first type error and its message.
pub fn check(kind: &str, api_version: &str, json: &serde_json::Value) -> Option<(String, String)> {
    use k8s_openapi::api::{apps::v1 as apps, batch::v1 as batch, core::v1 as core};
    fn run<T: serde::de::DeserializeOwned>(json: &serde_json::Value) -> Option<(String, String)> {
        match serde_path_to_error::deserialize::<_, T>(json) {
            Ok(_) => None,
            Err(e) => Some((e.path().to_string(), e.inner().to_string())),
        }
    }
    match (kind, api_version) {
        ("Pod", "v1") => run::<core::Pod>(json),
        ("ConfigMap", "v1") => run::<core::ConfigMap>(json),
        ("Secret", "v1") => run::<core::Secret>(json),
        ("Service", "v1") => run::<core::Service>(json),
        ("LimitRange", "v1") => run::<core::LimitRange>(json),
        ("ServiceAccount", "v1") => run::<core::ServiceAccount>(json),
        ("ReplicationController", "v1") => run::<core::ReplicationController>(json),
        ("PodTemplate", "v1") => run::<core::PodTemplate>(json),
        ("Deployment", "apps/v1") => run::<apps::Deployment>(json),
        ("StatefulSet", "apps/v1") => run::<apps::StatefulSet>(json),
        ("DaemonSet", "apps/v1") => run::<apps::DaemonSet>(json),
        ("ReplicaSet", "apps/v1") => run::<apps::ReplicaSet>(json),
        ("Job", "batch/v1") => run::<batch::Job>(json),
        ("CronJob", "batch/v1") => run::<batch::CronJob>(json),
        _ => None,
    }
}
