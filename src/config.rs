//! Configuration (`.kexit.yaml`). The loader lives here; defaults apply without a file.

use crate::finding::Severity;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Config {
    /// Namespace for objects that set none.
    pub default_namespace: String,
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    pub fail_level: Severity,
    /// Rules switched off.
    pub disabled: Vec<String>,
    /// Per-rule severity overrides.
    pub severity: HashMap<String, Severity>,
    /// Inline suppressions are inert when set.
    pub strict: bool,
    /// Explicit image repository → Dockerfile links (checked before skaffold/compose/convention).
    pub image_links: Vec<ImageLink>,
    /// Declared QoS intent per namespace and/or kind (annotations `kexit.io/qos` win).
    pub qos_intent: Vec<QosIntent>,
    /// Liveness kill budget below which a container without startupProbe is flagged (seconds).
    pub liveness_threshold_seconds: u32,
    /// The same threshold for JVM images, which start slowly.
    pub liveness_threshold_jvm_seconds: u32,
    /// Node memory capacity used for oom_score_adj (bytes).
    pub node_memory_bytes: u64,
    /// Objects that exist in the cluster but not in the linted tree.
    pub external_objects: Vec<ExternalObject>,
}

#[derive(Debug, Clone, Default)]
pub struct ImageLink {
    /// Image repository without tag or digest (`registry.example.com/shop/checkout`).
    pub image: String,
    /// Path of the Dockerfile, relative to the config file's directory.
    pub dockerfile: String,
    /// Build context directory (default: the Dockerfile's directory).
    pub context: Option<String>,
    /// Target stage (default: the last stage).
    pub target: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct QosIntent {
    pub namespace: Option<String>,
    pub kind: Option<String>,
    /// `Guaranteed` or `Burstable`.
    pub class: String,
}

#[derive(Debug, Clone, Default)]
pub struct ExternalObject {
    /// `ConfigMap` or `Secret` (or any indexed kind).
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// Keys it is known to hold; empty means "unknown keys" (key checks are skipped).
    pub keys: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_namespace: "default".to_string(),
            max_file_size: 10 * 1024 * 1024,
            fail_level: Severity::Error,
            disabled: Vec::new(),
            severity: HashMap::new(),
            strict: false,
            image_links: Vec::new(),
            qos_intent: Vec::new(),
            liveness_threshold_seconds: 30,
            liveness_threshold_jvm_seconds: 60,
            node_memory_bytes: 16 * 1024 * 1024 * 1024,
            external_objects: Vec::new(),
        }
    }
}
