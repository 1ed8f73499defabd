//! Effective resources of a pod as the API server and kubelet see them: Pod defaulting (a limit
//! without a request gives request = limit), LimitRange defaults at admission, pod-level
//! `spec.resources` (with its own request defaulting), the QoS class (`qos.go`) and each
//! container's `oom_score_adj` (`pkg/kubelet/qos/policy.go`). See semantics.md §4.

use crate::k8s::quantity::Quantity;
use crate::k8s::{ContainerKind, Object, Workload};
use crate::model::{units, Model};
use crate::source::{FileId, Span};
use crate::yaml::Node;
use std::sync::Arc;

pub const CPU: &str = "cpu";
pub const MEMORY: &str = "memory";

/// Where an effective request or limit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Written in the container (or pod-level) `resources`.
    Declared,
    /// Request defaulted from the limit (`SetDefaults_Pod`).
    FromLimit,
    /// Filled in by a LimitRange of the namespace at admission.
    LimitRange,
    /// Pod-level request defaulted from the containers' requests or the pod-level limit.
    PodDefault,
}

/// One effective value, with the node it was read from.
#[derive(Debug, Clone, Copy)]
pub struct Amount<'p> {
    pub quantity: Quantity,
    pub node: &'p Node,
    /// The file holding `node` (a LimitRange may live in another file).
    pub file: FileId,
    pub origin: Origin,
    /// The LimitRange that provided the value.
    pub limit_range: Option<&'p str>,
}

impl Amount<'_> {
    pub fn span(&self) -> Span {
        Span::new(self.file, self.node.span())
    }
}

/// A resource list (`requests` or `limits`), name → value, in declaration order.
#[derive(Debug, Clone, Default)]
pub struct ResourceList<'p> {
    pub items: Vec<(&'p str, Amount<'p>)>,
}

impl<'p> ResourceList<'p> {
    pub fn get(&self, name: &str) -> Option<&Amount<'p>> {
        self.items.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }
    pub fn quantity(&self, name: &str) -> Option<Quantity> {
        self.get(name).map(|a| a.quantity)
    }
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
    pub fn set(&mut self, name: &'p str, amount: Amount<'p>) {
        match self.items.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = amount,
            None => self.items.push((name, amount)),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    /// Give back the spare capacity of a list that is complete (pushes grow it to 4 entries
    /// where most lists hold 1 or 2, and the model keeps four lists per container).
    fn compact(&mut self) {
        self.items.shrink_to_fit();
    }
    /// Read a `requests`/`limits` mapping; values that are not valid quantities are skipped
    /// (KX009 reports them). Duplicate keys: the last wins, as kubectl does.
    pub fn read(node: Option<&'p Node>, file: FileId, origin: Origin) -> ResourceList<'p> {
        let mut list = ResourceList::default();
        for (k, v) in node.map(|n| n.entries()).into_iter().flatten() {
            let Some(name) = k.as_str() else { continue };
            let Some(Ok(q)) = Quantity::from_node(v) else {
                continue;
            };
            list.set(
                name,
                Amount {
                    quantity: q,
                    node: v,
                    file,
                    origin,
                    limit_range: None,
                },
            );
        }
        list
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QosClass {
    BestEffort,
    Burstable,
    Guaranteed,
}

impl QosClass {
    pub fn as_str(self) -> &'static str {
        match self {
            QosClass::Guaranteed => "Guaranteed",
            QosClass::Burstable => "Burstable",
            QosClass::BestEffort => "BestEffort",
        }
    }
    pub fn parse(s: &str) -> Option<QosClass> {
        match s.trim().to_ascii_lowercase().as_str() {
            "guaranteed" => Some(QosClass::Guaranteed),
            "burstable" => Some(QosClass::Burstable),
            "besteffort" | "best-effort" => Some(QosClass::BestEffort),
            _ => None,
        }
    }
}

/// Effective resources of one container.
#[derive(Debug, Clone)]
pub struct ContainerResources<'p> {
    /// Index into [`Workload::containers`].
    pub container: usize,
    pub name: &'p str,
    pub kind: ContainerKind,
    /// The `resources` key and value nodes, when written.
    pub resources_key: Option<&'p Node>,
    pub resources: Option<&'p Node>,
    /// After Pod defaulting and LimitRange admission (what was written has
    /// [`Origin::Declared`]).
    pub requests: ResourceList<'p>,
    pub limits: ResourceList<'p>,
    /// `oom_score_adj` the kubelet gives the container's processes (for the configured node size).
    pub oom_score_adj: i64,
}

/// Pod-level `spec.resources`.
#[derive(Debug, Clone)]
pub struct PodLevel<'p> {
    pub key: &'p Node,
    pub node: &'p Node,
    pub requests: ResourceList<'p>,
    pub limits: ResourceList<'p>,
    /// Neither requests nor limits hold an entry (`resources: {}`).
    pub empty: bool,
}

/// Everything resource-related about one pod template.
#[derive(Debug, Clone)]
pub struct PodResources<'p> {
    /// Regular, init and sidecar containers (ephemeral containers are excluded: they cannot
    /// set resources), in the workload's container order.
    pub containers: Vec<ContainerResources<'p>>,
    pub pod: Option<PodLevel<'p>>,
    pub qos: QosClass,
    /// `priorityClassName: system-node-critical`: −997 whatever the QoS.
    pub node_critical: bool,
    /// LimitRanges of the namespace that were applied.
    pub limit_ranges: std::sync::Arc<[&'p str]>,
}

impl<'p> PodResources<'p> {
    pub fn for_container(&self, index: usize) -> Option<&ContainerResources<'p>> {
        // `containers` is in container order (a Pod of 30,000 containers searched it linearly
        // for each of them).
        let i = self
            .containers
            .binary_search_by_key(&index, |c| c.container)
            .ok()?;
        self.containers.get(i)
    }
}

/// LimitRange container defaults of a namespace after `SetDefaults_LimitRangeItem`.
#[derive(Debug, Default)]
pub(crate) struct LimitDefaults<'p> {
    limits: ResourceList<'p>,
    requests: ResourceList<'p>,
    names: std::sync::Arc<[&'p str]>,
}

/// [`crate::model::Model`]'s tables of [`limit_defaults`]: the LimitRanges that apply to a
/// workload depend only on its namespace, its deployment unit and whether it names its
/// namespace (see [`crate::model::units::applicable`]), so workloads that share those share
/// the defaults (3,000 LimitRanges and 5,000 Deployments of one namespace were 15 million
/// checks and lists); and workloads of different units to which the same LimitRanges apply
/// share them too (each LimitRange grouped once per namespace: [`units::Grouped`]).
#[derive(Default)]
pub(crate) struct SharedDefaults<'p> {
    by_user: crate::memo::RunMemo<(String, std::path::PathBuf, bool), Arc<LimitDefaults<'p>>>,
    groups: crate::memo::RunMemo<String, Arc<units::Grouped>>,
    by_set: crate::memo::RunMemo<(String, units::Applies), Arc<LimitDefaults<'p>>>,
}

fn shared_limit_defaults<'p>(
    model: &Model<'p>,
    namespace: &str,
    user: &Object<'_>,
) -> Arc<LimitDefaults<'p>> {
    let key = (
        namespace.to_string(),
        model.unit_of(user.file).to_path_buf(),
        user.node.path(&["metadata", "namespace"]).is_some(),
    );
    let tables = &model.limit_defaults;
    tables.by_user.get_or_compute(&key, || {
        let groups = tables.groups.get_or_compute(namespace, || {
            let positions = model.index.all_positions_in("LimitRange", namespace);
            Arc::new(units::Grouped::new(model, positions))
        });
        let applies = groups.applies(model, user);
        let set = (namespace.to_string(), applies);
        tables.by_set.get_or_compute(&set, || {
            let ranges = groups
                .positions(&set.1)
                .into_iter()
                .filter_map(|i| model.objects.get(i))
                .collect();
            Arc::new(limit_defaults(ranges))
        })
    })
}

/// The container defaults of `ranges`, the LimitRanges of a namespace that apply to a workload:
/// those of its own deployment unit when it has any, else those of the units enclosing it
/// (directories above it included); never those of another unit or of a sibling directory
/// (another application linted in the same run).
fn limit_defaults<'p>(mut ranges: Vec<&Object<'p>>) -> LimitDefaults<'p> {
    let mut out = LimitDefaults::default();
    let mut names = Vec::new();
    ranges.sort_by(|a, b| a.name.cmp(b.name));
    for lr in ranges {
        let file = lr.file;
        let mut used = false;
        for item in lr
            .node
            .path(&["spec", "limits"])
            .map(Node::items)
            .unwrap_or(&[])
        {
            if item.get("type").and_then(Node::as_str) != Some("Container") {
                continue;
            }
            let tag = |mut l: ResourceList<'p>| {
                for (_, a) in &mut l.items {
                    a.limit_range = Some(lr.name);
                }
                l
            };
            let max = tag(ResourceList::read(
                item.get("max"),
                file,
                Origin::LimitRange,
            ));
            let min = tag(ResourceList::read(
                item.get("min"),
                file,
                Origin::LimitRange,
            ));
            let mut default = tag(ResourceList::read(
                item.get("default"),
                file,
                Origin::LimitRange,
            ));
            let mut default_request = tag(ResourceList::read(
                item.get("defaultRequest"),
                file,
                Origin::LimitRange,
            ));
            for (k, v) in &max.items {
                if !default.contains(k) {
                    default.set(k, *v);
                }
            }
            for (k, v) in &default.items {
                if !default_request.contains(k) {
                    default_request.set(k, *v);
                }
            }
            for (k, v) in &min.items {
                if !default_request.contains(k) {
                    default_request.set(k, *v);
                }
            }
            used |= !default.is_empty() || !default_request.is_empty();
            for (k, v) in default.items {
                out.limits.set(k, v);
            }
            for (k, v) in default_request.items {
                out.requests.set(k, v);
            }
        }
        if used {
            names.push(lr.name);
        }
    }
    out.names = names.into();
    out
}

/// Compute the effective resources, QoS class and oom_score_adj of a workload's pods.
pub fn effective<'p>(model: &Model<'p>, w: &Workload<'p>) -> PodResources<'p> {
    let file = w.object.file;
    let defaults = shared_limit_defaults(model, w.object.namespace, &w.object);
    let mut containers = Vec::new();
    for (i, c) in w.containers.iter().enumerate() {
        if c.kind == ContainerKind::Ephemeral {
            continue;
        }
        let entry = c.node.entry("resources");
        let resources = entry.map(|(_, v)| v);
        let mut requests = ResourceList::read(
            resources.and_then(|r| r.get("requests")),
            file,
            Origin::Declared,
        );
        let mut limits = ResourceList::read(
            resources.and_then(|r| r.get("limits")),
            file,
            Origin::Declared,
        );
        // SetDefaults_Pod: request = limit where only the limit is set.
        for (k, v) in &limits.items {
            if !requests.contains(k) {
                requests.set(
                    k,
                    Amount {
                        origin: Origin::FromLimit,
                        ..*v
                    },
                );
            }
        }
        // LimitRanger admission: fill missing limits, then missing requests.
        for (k, v) in &defaults.limits.items {
            if !limits.contains(k) {
                limits.set(k, *v);
            }
        }
        for (k, v) in &defaults.requests.items {
            if !requests.contains(k) {
                requests.set(k, *v);
            }
        }
        containers.push(ContainerResources {
            container: i,
            name: c.name,
            kind: c.kind,
            resources_key: entry.map(|(k, _)| k),
            resources,
            requests,
            limits,
            oom_score_adj: 0,
        });
    }
    let pod = w.pod_spec.entry("resources").map(|(key, node)| {
        let requests = ResourceList::read(node.get("requests"), file, Origin::Declared);
        let limits = ResourceList::read(node.get("limits"), file, Origin::Declared);
        let empty = node
            .get("requests")
            .is_none_or(|r| r.entries().next().is_none())
            && node
                .get("limits")
                .is_none_or(|r| r.entries().next().is_none());
        PodLevel {
            key,
            node,
            requests,
            limits,
            empty,
        }
    });
    let mut pr = PodResources {
        containers,
        pod,
        qos: QosClass::BestEffort,
        node_critical: w.pod_spec.get("priorityClassName").and_then(Node::as_str)
            == Some("system-node-critical"),
        limit_ranges: defaults.names.clone(),
    };
    default_pod_requests(&mut pr);
    for c in &mut pr.containers {
        c.requests.compact();
        c.limits.compact();
    }
    if let Some(pod) = &mut pr.pod {
        pod.requests.compact();
        pod.limits.compact();
    }
    pr.containers.shrink_to_fit();
    pr.qos = compute_qos(&pr);
    let node_mem = i128::from(model.config().node_memory_bytes);
    let adjs: Vec<i64> = (0..pr.containers.len())
        .map(|i| oom_score_adj(&pr, i, node_mem))
        .collect();
    for (c, a) in pr.containers.iter_mut().zip(adjs) {
        c.oom_score_adj = a;
    }
    pr
}

/// `defaultPodRequests`: with pod-level limits, missing pod-level requests default to the
/// containers' aggregated requests, else to the pod-level limit.
fn default_pod_requests(pr: &mut PodResources<'_>) {
    let Some(pod) = &pr.pod else { return };
    if pod.limits.is_empty() {
        return;
    }
    let mut reqs = pod.requests.clone();
    for name in [CPU, MEMORY] {
        if reqs.contains(name) {
            continue;
        }
        let aggr = aggregate_requests(&pr.containers, name);
        if let Some(q) = aggr {
            if let Some(lim) = pod.limits.get(name) {
                reqs.set(
                    name,
                    Amount {
                        quantity: q,
                        origin: Origin::PodDefault,
                        ..*lim
                    },
                );
                continue;
            }
        }
        if let Some(lim) = pod.limits.get(name) {
            if aggr.is_none() {
                reqs.set(
                    name,
                    Amount {
                        origin: Origin::PodDefault,
                        ..*lim
                    },
                );
            }
        }
    }
    if let Some(pod) = &mut pr.pod {
        pod.requests = reqs;
    }
}

/// `AggregateContainerRequests` for one resource: max(sum of regular containers + sidecars,
/// the largest init container plus the sidecars started before it). None when no container
/// requests it.
pub fn aggregate_requests(containers: &[ContainerResources<'_>], name: &str) -> Option<Quantity> {
    let mut any = false;
    let mut regular = Quantity::ZERO;
    let mut sidecars = Quantity::ZERO;
    let mut init_max = Quantity::ZERO;
    for c in containers {
        let q = c.requests.quantity(name);
        any |= q.is_some();
        let q = q.unwrap_or(Quantity::ZERO);
        match c.kind {
            ContainerKind::Regular => regular = regular.saturating_add(q),
            ContainerKind::Sidecar => {
                sidecars = sidecars.saturating_add(q);
                init_max = init_max.max(sidecars);
            }
            ContainerKind::Init => init_max = init_max.max(q.saturating_add(sidecars)),
            ContainerKind::Ephemeral => {}
        }
    }
    any.then(|| regular.saturating_add(sidecars).max(init_max))
}

/// `ComputePodQOS` (pkg/apis/core/helper/qos/qos.go).
pub fn compute_qos(pr: &PodResources<'_>) -> QosClass {
    let mut req: [Option<Quantity>; 2] = [None, None];
    let mut lim: [Option<Quantity>; 2] = [None, None];
    let mut guaranteed = true;
    fn add(slot: &mut Option<Quantity>, q: Quantity) {
        *slot = Some(slot.unwrap_or(Quantity::ZERO).saturating_add(q));
    }
    let mut process = |requests: &ResourceList<'_>, limits: &ResourceList<'_>, check: bool| {
        for (i, name) in [CPU, MEMORY].iter().enumerate() {
            if let Some(q) = requests.quantity(name).filter(|q| q.is_positive()) {
                add(&mut req[i], q);
            }
        }
        let mut found = 0;
        for (i, name) in [CPU, MEMORY].iter().enumerate() {
            if let Some(q) = limits.quantity(name).filter(|q| q.is_positive()) {
                add(&mut lim[i], q);
                found += 1;
            }
        }
        if check && found < 2 {
            guaranteed = false;
        }
    };
    match &pr.pod {
        Some(pod) => process(&pod.requests, &pod.limits, !pod.limits.is_empty()),
        None => {
            for c in &pr.containers {
                process(&c.requests, &c.limits, true);
            }
        }
    }
    let nreq = req.iter().flatten().count();
    let nlim = lim.iter().flatten().count();
    if nreq == 0 && nlim == 0 {
        return QosClass::BestEffort;
    }
    if guaranteed {
        for i in 0..2 {
            if let Some(r) = req[i] {
                if lim[i] != Some(r) {
                    guaranteed = false;
                }
            }
        }
    }
    if guaranteed && nreq == nlim {
        QosClass::Guaranteed
    } else {
        QosClass::Burstable
    }
}

fn mem_request(c: &ContainerResources<'_>) -> i128 {
    c.requests.quantity(MEMORY).map_or(0, |q| q.ceil_units())
}

/// `GetContainerOOMScoreAdjust` for container `i` of `pr.containers`.
pub fn oom_score_adj(pr: &PodResources<'_>, i: usize, node_memory: i128) -> i64 {
    if pr.node_critical {
        return -997;
    }
    match pr.qos {
        QosClass::Guaranteed => return -997,
        QosClass::BestEffort => return 1000,
        QosClass::Burstable => {}
    }
    let Some(c) = pr.containers.get(i) else {
        return 1000;
    };
    let cap = node_memory.max(1);
    let pod_req = pr
        .pod
        .as_ref()
        .and_then(|p| p.requests.quantity(MEMORY))
        .filter(|q| !q.is_zero());
    let remaining = match pod_req {
        Some(p) => {
            let n = pr
                .containers
                .iter()
                .filter(|c| c.kind != ContainerKind::Ephemeral)
                .count()
                .max(1) as i128;
            let aggr = aggregate_requests(&pr.containers, MEMORY).map_or(0, |q| q.ceil_units());
            (p.ceil_units() - aggr) / n
        }
        None => 0,
    };
    let mut adj = 1000 - (1000 * (mem_request(c) + remaining)) / cap;
    if c.kind == ContainerKind::Sidecar {
        let min_regular = pr
            .containers
            .iter()
            .filter(|c| c.kind == ContainerKind::Regular)
            .map(mem_request)
            .min()
            .unwrap_or(0);
        let min_adj = 1000 - (1000 * (min_regular + remaining)) / cap;
        adj = adj.min(min_adj);
    }
    if adj < 3 {
        return 3;
    }
    if adj == 1000 {
        return 999;
    }
    adj.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// A quantity written in a workload: a container's or the pod's `requests`/`limits` entry.
#[derive(Debug, Clone, Copy)]
pub struct QuantitySite<'p> {
    /// Index into [`Workload::containers`]; None for pod-level `spec.resources`.
    pub container: Option<usize>,
    /// `requests` or `limits`.
    pub section: &'static str,
    pub resource: &'p str,
    pub key: &'p Node,
    pub node: &'p Node,
}

/// Every `requests`/`limits` entry of a workload (containers of every kind, and pod level).
pub fn quantity_sites<'p>(w: &Workload<'p>) -> Vec<QuantitySite<'p>> {
    let mut out = Vec::new();
    let mut add = |container: Option<usize>, res: Option<&'p Node>| {
        for section in ["requests", "limits"] {
            for (k, v) in res
                .and_then(|r| r.get(section))
                .map(|n| n.entries())
                .into_iter()
                .flatten()
            {
                if let Some(resource) = k.as_str() {
                    out.push(QuantitySite {
                        container,
                        section,
                        resource,
                        key: k,
                        node: v,
                    });
                }
            }
        }
    };
    for (i, c) in w.containers.iter().enumerate() {
        add(Some(i), c.get("resources"));
    }
    add(None, w.pod_spec.get("resources"));
    out
}

/// Where to point for a container-wide resource finding: the `resources` key, else the
/// container's `name` value, else the container itself.
pub fn container_anchor<'p>(c: &crate::k8s::Container<'p>) -> &'p Node {
    c.node
        .entry("resources")
        .map(|(k, _)| k)
        .or_else(|| c.get("name"))
        .unwrap_or(c.node)
}

/// Where a QoS intent was declared.
#[derive(Debug, Clone)]
pub struct QosIntent<'p> {
    pub class: QosClass,
    /// The annotation value node (None when it comes from the config).
    pub node: Option<&'p Node>,
    /// For messages: `annotation kexit.io/qos` or `config qos_intent`.
    pub source: &'static str,
}

pub const QOS_ANNOTATION: &str = "kexit.io/qos";

/// The QoS class the user wants for a workload: the `kexit.io/qos` annotation of the pod
/// template, else of the workload, else the first matching `qos_intent` config entry.
pub fn qos_intent<'p>(model: &Model<'p>, w: &Workload<'p>) -> Option<QosIntent<'p>> {
    let ann = |meta: Option<&'p Node>| {
        meta.and_then(|m| m.get("annotations"))
            .and_then(|a| a.get(QOS_ANNOTATION))
    };
    let node = ann(w.pod_meta).or_else(|| ann(w.object.node.get("metadata")));
    if let Some(n) = node {
        return n.as_str().and_then(QosClass::parse).map(|class| QosIntent {
            class,
            node: Some(n),
            source: "annotation kexit.io/qos",
        });
    }
    model
        .config()
        .qos_intent
        .iter()
        .find(|i| {
            i.namespace
                .as_deref()
                .is_none_or(|ns| ns == w.object.namespace)
                && i.kind.as_deref().is_none_or(|k| k == w.object.kind)
        })
        .and_then(|i| QosClass::parse(&i.class))
        .map(|class| QosIntent {
            class,
            node: None,
            source: "config qos_intent",
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::Kind;
    use crate::project::{Input, Project};

    fn project(yaml: &str) -> Project {
        Project::load(
            vec![Input::Text {
                name: "pod.yaml".to_string(),
                kind: Kind::Manifest,
                text: yaml.to_string(),
            }],
            Default::default(),
        )
    }

    /// QoS and oom_score_adj of the first workload.
    fn qos(yaml: &str) -> (QosClass, Vec<i64>) {
        let p = project(yaml);
        let m = Model::build(&p);
        let Some(w) = m.workloads.first() else {
            return (QosClass::BestEffort, vec![]);
        };
        let r = effective(&m, w);
        (
            r.qos,
            r.containers.iter().map(|c| c.oom_score_adj).collect(),
        )
    }

    fn pod(containers: &str) -> String {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n{containers}")
    }

    #[test]
    fn best_effort_when_nothing_set() {
        let y = pod("  containers:\n  - name: a\n    image: x\n");
        assert_eq!(qos(&y), (QosClass::BestEffort, vec![1000]));
        // Zero values are ignored.
        let y = pod("  containers:\n  - name: a\n    resources:\n      requests: {cpu: 0, memory: 0}\n      limits: {memory: '0'}\n");
        assert_eq!(qos(&y).0, QosClass::BestEffort);
    }

    #[test]
    fn limits_only_is_guaranteed_by_defaulting() {
        let y = pod(
            "  containers:\n  - name: a\n    resources:\n      limits: {cpu: 500m, memory: 1Gi}\n",
        );
        assert_eq!(qos(&y), (QosClass::Guaranteed, vec![-997]));
        // Same values in different notations.
        let y = pod("  containers:\n  - name: a\n    resources:\n      requests: {cpu: '0.5', memory: 1073741824}\n      limits: {cpu: 500m, memory: 1Gi}\n");
        assert_eq!(qos(&y).0, QosClass::Guaranteed);
    }

    #[test]
    fn burstable_cases() {
        // Only a memory limit: cpu limit missing.
        let y = pod("  containers:\n  - name: a\n    resources:\n      limits: {memory: 1Gi}\n");
        assert_eq!(qos(&y).0, QosClass::Burstable);
        // Requests below limits.
        let y = pod("  containers:\n  - name: a\n    resources:\n      requests: {cpu: 100m, memory: 512Mi}\n      limits: {cpu: 500m, memory: 1Gi}\n");
        assert_eq!(qos(&y).0, QosClass::Burstable);
        // An explicit zero request with a limit: the request is ignored, sums differ.
        let y = pod("  containers:\n  - name: a\n    resources:\n      requests: {cpu: 0, memory: 1Gi}\n      limits: {cpu: 1, memory: 1Gi}\n");
        assert_eq!(qos(&y).0, QosClass::Burstable);
    }

    #[test]
    fn init_containers_and_sidecars_count() {
        let g = "resources:\n      limits: {cpu: 1, memory: 1Gi}\n";
        let y = pod(&format!(
            "  initContainers:\n  - name: init\n    image: x\n  containers:\n  - name: a\n    {g}"
        ));
        assert_eq!(qos(&y).0, QosClass::Burstable);
        let y = pod(&format!(
            "  initContainers:\n  - name: init\n    {g}  containers:\n  - name: a\n    {g}"
        ));
        assert_eq!(qos(&y).0, QosClass::Guaranteed);
        let y = pod(&format!("  initContainers:\n  - name: side\n    restartPolicy: Always\n    image: x\n  containers:\n  - name: a\n    {g}"));
        assert_eq!(qos(&y).0, QosClass::Burstable);
        // Ephemeral containers are ignored.
        let y = pod(&format!(
            "  containers:\n  - name: a\n    {g}  ephemeralContainers:\n  - name: dbg\n    image: busybox\n"
        ));
        assert_eq!(qos(&y).0, QosClass::Guaranteed);
    }

    #[test]
    fn pod_level_resources_win() {
        let y = pod("  resources:\n    limits: {cpu: 1, memory: 1Gi}\n  containers:\n  - name: a\n    image: x\n");
        assert_eq!(qos(&y).0, QosClass::Guaranteed);
        let y = pod("  resources:\n    requests: {memory: 1Gi}\n  containers:\n  - name: a\n    resources:\n      limits: {cpu: 1, memory: 1Gi}\n");
        assert_eq!(qos(&y).0, QosClass::Burstable);
        // Empty pod-level resources: BestEffort whatever the containers say (pre-fix kubelet).
        let y = pod("  resources: {}\n  containers:\n  - name: a\n    resources:\n      limits: {cpu: 1, memory: 1Gi}\n");
        assert_eq!(qos(&y).0, QosClass::BestEffort);
        // Pod-level limits with container requests: pod requests default to the aggregate.
        let y = pod("  resources:\n    limits: {cpu: 2, memory: 2Gi}\n  containers:\n  - name: a\n    resources:\n      requests: {cpu: 1, memory: 1Gi}\n");
        assert_eq!(qos(&y).0, QosClass::Burstable);
    }

    #[test]
    fn oom_score_adj_burstable_formula() {
        // Default node: 16 GiB. 1 GiB request → 1000 − 1000/16 = 938 (integer division: 62.5 → 62).
        let y = pod("  containers:\n  - name: a\n    resources:\n      requests: {memory: 1Gi}\n  - name: b\n    image: x\n");
        assert_eq!(qos(&y), (QosClass::Burstable, vec![938, 999]));
        // Request above the node size clamps to 3.
        let y = pod("  containers:\n  - name: a\n    resources:\n      requests: {memory: 64Gi}\n");
        assert_eq!(qos(&y).1, vec![3]);
        // Sidecar capped at the smallest regular container's value.
        let y = pod("  initContainers:\n  - name: s\n    restartPolicy: Always\n    resources:\n      requests: {memory: 64Mi}\n  containers:\n  - name: a\n    resources:\n      requests: {memory: 4Gi}\n");
        assert_eq!(qos(&y).1, vec![750, 750]);
        // Node-critical pods get −997.
        let y = pod(
            "  priorityClassName: system-node-critical\n  containers:\n  - name: a\n    image: x\n",
        );
        assert_eq!(qos(&y).1, vec![-997]);
    }

    #[test]
    fn limit_range_defaults_apply() {
        let y = "apiVersion: v1\nkind: LimitRange\nmetadata: {name: lr, namespace: team}\nspec:\n  limits:\n  - type: Container\n    default: {cpu: 500m, memory: 512Mi}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: team}\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: x\n";
        let p = project(y);
        let m = Model::build(&p);
        let Some(w) = m.workloads.first() else {
            panic!("no workload")
        };
        let r = effective(&m, w);
        assert_eq!(r.qos, QosClass::Guaranteed);
        assert_eq!(&*r.limit_ranges, &["lr"]);
        assert_eq!(
            r.containers[0].limits.get(MEMORY).map(|a| a.origin),
            Some(Origin::LimitRange)
        );
        // Another namespace: not applied.
        let y2 = y.replace(
            "namespace: team}\nspec:\n  template",
            "namespace: other}\nspec:\n  template",
        );
        let p = project(&y2);
        let m = Model::build(&p);
        let r = effective(&m, &m.workloads[0]);
        assert_eq!(r.qos, QosClass::BestEffort);
    }
}
