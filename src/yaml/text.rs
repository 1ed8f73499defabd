//! Scalar text of the YAML tree: the frequent words of Kubernetes manifests (keys like
//! `apiVersion`, values like `IfNotPresent`) point to one static copy; every other scalar is an
//! exact-size boxed string. Every tree is kept until the end of the run, and a separate heap
//! allocation per key was most of its memory (a 32-byte malloc chunk for `name`).

use std::fmt;
use std::ops::Deref;

/// The text of a string scalar.
#[derive(Clone, Eq)]
pub enum Text {
    Static(&'static str),
    Owned(Box<str>),
}

impl Text {
    /// Intern `s` when it is a frequent word, else keep it (exact size).
    pub fn new(s: String) -> Text {
        match common(&s) {
            Some(w) => Text::Static(w),
            None => Text::Owned(s.into_boxed_str()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Text::Static(s) => s,
            Text::Owned(s) => s,
        }
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

// Hash and order by the text (a static and an owned copy of one word are equal).
impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::new(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s.to_string())
    }
}

/// Slots of the open-addressing table over [`COMMON`] (a power of two, about 3x the words).
const SLOTS: usize = 2048;

fn hash(s: &[u8]) -> usize {
    let mut h: u64 = s.len() as u64;
    for &b in s {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    (h >> 32) as usize
}

/// The static copy of `s` when it is a frequent word: one hash and usually one comparison (a
/// binary search over the list was 9 % of the 1x monorepo's CPU).
fn common(s: &str) -> Option<&'static str> {
    static TABLE: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
    static LONGEST: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let longest = *LONGEST.get_or_init(|| COMMON.iter().map(|w| w.len()).max().unwrap_or(0));
    if s.len() > longest {
        return None;
    }
    let table = TABLE.get_or_init(|| {
        let mut t = vec![0u16; SLOTS];
        for (i, w) in COMMON.iter().enumerate() {
            let mut at = hash(w.as_bytes()) % SLOTS;
            while t.get(at).is_some_and(|x| *x != 0) {
                at = (at + 1) % SLOTS;
            }
            if let Some(slot) = t.get_mut(at) {
                *slot = u16::try_from(i + 1).unwrap_or(0);
            }
        }
        t
    });
    let mut at = hash(s.as_bytes()) % SLOTS;
    loop {
        let k = usize::from(*table.get(at)?);
        let w = COMMON.get(k.checked_sub(1)?)?;
        if *w == s {
            return Some(w);
        }
        at = (at + 1) % SLOTS;
    }
}

/// Frequent scalars of real-world manifests (../shared/corpus/k8s, 15 uses or more), sorted.
static COMMON: &[&str] = &[
    "",
    "*",
    "--model=$(MODEL_ID)",
    "-c",
    "-m",
    "/",
    "/bin/sh",
    "/data",
    "/dev/shm",
    "/healthz",
    "/metrics",
    "/tmp",
    "/tmp/hello_world.txt",
    "/tmp/message",
    "0",
    "1",
    "1.15.1",
    "10",
    "1000m",
    "100Gi",
    "100Mi",
    "100m",
    "10Gi",
    "128Mi",
    "1Gi",
    "2",
    "200m",
    "2021-04-05T19:53:45Z",
    "20Gi",
    "250m",
    "25Gi",
    "2Gi",
    "30Gi",
    "4",
    "40Gi",
    "4Gi",
    "500m",
    "512Mi",
    "5Gi",
    "64Mi",
    "8",
    "8080",
    "8Gi",
    "A",
    "ALL",
    "Always",
    "B",
    "C",
    "ClusterIP",
    "ClusterRole",
    "ClusterRoleBinding",
    "ConfigMap",
    "CronJob",
    "D",
    "DaemonSet",
    "Deployment",
    "DeploymentConfig",
    "DoNotSchedule",
    "Egress",
    "Equal",
    "HTTP",
    "HUGGING_FACE_HUB_TOKEN",
    "HorizontalPodAutoscaler",
    "IfNotPresent",
    "In",
    "Ingress",
    "Job",
    "Kustomization",
    "LD_LIBRARY_PATH",
    "LoadBalancer",
    "MODEL_ID",
    "Memory",
    "NetworkPolicy",
    "Never",
    "NoSchedule",
    "None",
    "OnFailure",
    "OnWorkflowCompletion",
    "OnWorkflowDeletion",
    "POD_NAMESPACE",
    "PORT",
    "PersistentVolumeClaim",
    "Pod",
    "PodDisruptionBudget",
    "ReadWriteOnce",
    "ReplicationController",
    "Resource",
    "Role",
    "RoleBinding",
    "RuntimeDefault",
    "Secret",
    "Service",
    "ServiceAccount",
    "StatefulSet",
    "StorageClass",
    "TCP",
    "True",
    "User",
    "Utilization",
    "VirtualService",
    "Workflow",
    "WorkflowTemplate",
    "a",
    "accessKeySecret",
    "accessModes",
    "accesskey",
    "accountKeySecret",
    "action",
    "add",
    "additionalProperties",
    "addresses",
    "admission-webhook",
    "adservice",
    "affinity",
    "ai.gke.io/inference-server",
    "ai.gke.io/model",
    "all",
    "allowPrivilegeEscalation",
    "alpine:3.23",
    "annotations",
    "anyOf",
    "apiGroup",
    "apiGroups",
    "apiVersion",
    "app",
    "app.kubernetes.io/component",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/name",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/version",
    "app.stateful/component",
    "app1",
    "app2",
    "appProtocol",
    "apps.openshift.io/v1",
    "apps/v1",
    "archive",
    "archiveLogs",
    "argo",
    "argoproj.io",
    "argoproj.io/v1alpha1",
    "argoproj/argosay:v1",
    "argoproj/argosay:v2",
    "args",
    "arguments",
    "array",
    "artifactGC",
    "artifactory",
    "artifacts",
    "atomic",
    "auth",
    "automountServiceAccountToken",
    "autoscaling/v2",
    "averageUtilization",
    "averageValue",
    "azure",
    "backend",
    "bar",
    "bash",
    "basicAuth",
    "batch/v1",
    "blob",
    "boolean",
    "branch",
    "bucket",
    "bucketName",
    "busybox",
    "capabilities",
    "cartservice",
    "cat",
    "checkoutservice",
    "claimName",
    "client",
    "clientCert",
    "clientCertSecret",
    "clientIDSecret",
    "clientKeySecret",
    "clientSecretSecret",
    "cloud.google.com/gke-accelerator",
    "cloud.google.com/gke-tpu-accelerator",
    "cloud.google.com/gke-tpu-topology",
    "clusterIP",
    "clusterScope",
    "command",
    "component",
    "config",
    "configMap",
    "configMapKeyRef",
    "configmaps",
    "configuration",
    "consume",
    "container",
    "containerPort",
    "containers",
    "controller",
    "coordination.k8s.io",
    "cpu",
    "create",
    "createBucketIfNotPresent",
    "creationTimestamp",
    "csi",
    "currencyservice",
    "currentMetrics",
    "currentReplicas",
    "dag",
    "dashboard",
    "data",
    "database",
    "default",
    "defaultMode",
    "delete",
    "deletecollection",
    "dependencies",
    "depends",
    "depth",
    "description",
    "desiredReplicas",
    "destination",
    "details",
    "devicePath",
    "disableSubmodules",
    "dont-fire",
    "driver",
    "drop",
    "dshm",
    "echo",
    "effect",
    "elasticsearch",
    "emailservice",
    "emptyDir",
    "enabled",
    "endpoint",
    "endpointParams",
    "endpoints",
    "entrypoint",
    "enum",
    "env",
    "environment",
    "ephemeral-storage",
    "events",
    "examples.ai.gke.io/source",
    "exec",
    "exit",
    "expression",
    "fail",
    "failureThreshold",
    "false",
    "fetch",
    "fieldPath",
    "fieldRef",
    "fluentd-elasticsearch",
    "foo",
    "foo/bar:123",
    "foo/bar:latest",
    "foo:bar",
    "foobar",
    "force",
    "format",
    "from",
    "frontend",
    "fsGroup",
    "fsType",
    "gcs",
    "gcs-fuse-csi-ephemeral",
    "gcsfuse.csi.storage.gke.io",
    "gemma-server",
    "generate",
    "generateName",
    "get",
    "git",
    "gke-gcsfuse/volumes",
    "globalName",
    "google.com/tpu",
    "gradio",
    "grafana",
    "group",
    "groupName",
    "grpc",
    "guestbook",
    "hdfs",
    "hdfsUser",
    "headGroupSpec",
    "headers",
    "hello",
    "hello world",
    "hello-world",
    "helloworld",
    "helm.sh/chart",
    "hf-secret",
    "hf_api_token",
    "host",
    "hostPath",
    "hostPort",
    "hosts",
    "http",
    "httpGet",
    "httpHeaders",
    "httpbin",
    "https",
    "hubble-ui",
    "image",
    "imagePullPolicy",
    "inference-server",
    "ingress-nginx",
    "ingress-nginx-admission",
    "ingress-nginx-controller",
    "ingresses",
    "initContainers",
    "initialDelaySeconds",
    "inputs",
    "insecure",
    "int32",
    "int64",
    "integer",
    "interval",
    "istio-system",
    "items",
    "jobTemplate",
    "jobs",
    "jsonPath",
    "k8s-app",
    "kafka",
    "kafka-broker",
    "kafka.strimzi.io/v1beta2",
    "key",
    "kiali",
    "kind",
    "kube-system",
    "kubectl.kubernetes.io/last-applied-configuration",
    "kubernetes.io/hostname",
    "kubernetes.io/os",
    "kustomize.config.k8s.io/v1beta1",
    "labelSelector",
    "labels",
    "lastScaleTime",
    "lastTransitionTime",
    "leases",
    "lifecycle",
    "limit",
    "limits",
    "linux",
    "list",
    "listeners",
    "litmus",
    "livenessProbe",
    "llm",
    "llm-service",
    "loadgenerator",
    "loki",
    "main",
    "manifest",
    "map",
    "master",
    "matchExpressions",
    "matchLabels",
    "maxReplicas",
    "maxSkew",
    "medium",
    "memory",
    "message",
    "metadata",
    "metadata.namespace",
    "metrics",
    "minAvailable",
    "minReplicas",
    "minimum",
    "minio",
    "minio:9000",
    "mode",
    "mountOptions",
    "mountPath",
    "msg",
    "my-app",
    "my-cluster",
    "my-minio-cred",
    "mysql",
    "name",
    "namespace",
    "namespaceSelector",
    "namespaces",
    "networking.istio.io/v1",
    "networking.k8s.io",
    "networking.k8s.io/v1",
    "nginx",
    "nodeAffinity",
    "nodeSelector",
    "nodes",
    "nominalQuota",
    "none",
    "not-used",
    "num",
    "number",
    "nvidia-l4",
    "nvidia.com/gpu",
    "oauth2",
    "object",
    "operations",
    "operator",
    "optional",
    "oss",
    "outputs",
    "parallelism",
    "parameters",
    "pass",
    "password",
    "passwordSecret",
    "patch",
    "patches",
    "path",
    "pathType",
    "paths",
    "pattern",
    "paymentservice",
    "periodSeconds",
    "persistentVolumeClaim",
    "php-apache",
    "plugin",
    "pod",
    "pod-test-1",
    "podAffinityTerm",
    "podAntiAffinity",
    "podMetadata",
    "podSelector",
    "podTemplate",
    "pods",
    "pods/exec",
    "policy/v1",
    "policyTypes",
    "port",
    "ports",
    "postgres",
    "postgresql",
    "preStop",
    "preference",
    "preferredDuringSchedulingIgnoredDuringExecution",
    "premium-rwo",
    "print-message",
    "privileged",
    "productcatalogservice",
    "production",
    "productpage",
    "prometheus",
    "properties",
    "protocol",
    "provisioner",
    "python",
    "python3",
    "python:alpine3.23",
    "ratings",
    "raw",
    "ray-head",
    "ray.io/v1",
    "rayStartParams",
    "rbac.authorization.k8s.io",
    "rbac.authorization.k8s.io/v1",
    "readOnly",
    "readOnlyRootFilesystem",
    "readinessProbe",
    "reason",
    "recommendationservice",
    "redis",
    "redis-cart",
    "region",
    "replicas",
    "repo",
    "requests",
    "required",
    "requiredDuringSchedulingIgnoredDuringExecution",
    "resource",
    "resourceVersion",
    "resources",
    "restartPolicy",
    "result",
    "retryStrategy",
    "reviews",
    "revision",
    "role",
    "roleRef",
    "route",
    "rules",
    "run",
    "runAsGroup",
    "runAsNonRoot",
    "runAsUser",
    "s3",
    "scaleTargetRef",
    "scheme",
    "scopes",
    "script",
    "seccompProfile",
    "seconds",
    "secret",
    "secretKeyRef",
    "secretKeySecret",
    "secretName",
    "secretRef",
    "secretkey",
    "secrets",
    "securityContext",
    "selector",
    "selfLink",
    "server",
    "service",
    "serviceAccountKeySecret",
    "serviceAccountName",
    "serviceName",
    "services",
    "sh",
    "shippingservice",
    "size",
    "sleep",
    "source",
    "spec",
    "status",
    "steps",
    "storage",
    "storage.k8s.io/v1",
    "storageClass",
    "storageClassName",
    "strategy",
    "strimzi.io/cluster",
    "string",
    "subPath",
    "subjects",
    "subset",
    "successThreshold",
    "synchronization",
    "tag",
    "target",
    "targetPort",
    "tasks",
    "tcp-echo",
    "tcpSocket",
    "template",
    "templateRef",
    "templates",
    "terminationGracePeriodSeconds",
    "test",
    "test-pod",
    "testspace",
    "testuser",
    "tgi-gemma-deployment",
    "tier",
    "timeoutSeconds",
    "tls",
    "tmp",
    "tokenURLSecret",
    "tolerations",
    "topology.kubernetes.io/zone",
    "topologyKey",
    "topologySpreadConstraints",
    "true",
    "ttlSecondsAfterFinished",
    "type",
    "uid",
    "update",
    "url",
    "useSDKCreds",
    "user",
    "user-guide",
    "usernameSecret",
    "v1",
    "v2",
    "value",
    "valueFrom",
    "values",
    "verbs",
    "version",
    "vllm",
    "vllm-gemma-deployment",
    "volumeAttributes",
    "volumeClaimTemplates",
    "volumeMounts",
    "volumeName",
    "volumes",
    "watch",
    "web",
    "weight",
    "whalesay",
    "when",
    "whenUnsatisfiable",
    "whereami",
    "withItems",
    "withParam",
    "wordpress",
    "work",
    "workdir",
    "workerGroupSpecs",
    "workflowMetadata",
    "workflowTemplateRef",
    "workflows.argoproj.io/description",
    "workflows.argoproj.io/no-test",
    "workflows.argoproj.io/test",
    "x-kubernetes-int-or-string",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-list-type",
    "x-kubernetes-map-type",
    "zookeeper",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words_are_sorted_and_interned() {
        assert!(COMMON.windows(2).all(|w| w[0] < w[1]));
        assert!(matches!(Text::new("apiVersion".into()), Text::Static(_)));
        assert!(matches!(Text::new("svc-00001".into()), Text::Owned(_)));
        assert_eq!(Text::from("x"), *"x");
        for w in COMMON {
            assert_eq!(common(w), Some(*w));
        }
        assert!(SLOTS > COMMON.len() * 2);
    }
}
