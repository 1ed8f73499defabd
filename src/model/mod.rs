//! The whole-repository model that rules read: objects, workloads and the object index built once
//! from a loaded [`Project`], the processes every container starts ([`process`]) and what
//! happens when they are started ([`exec`]): facts computed once, knowing nothing of rules.

pub mod env;
pub mod exec;
pub mod facts;
pub mod heap;
pub mod kustomize;
pub mod process;
pub mod resources;
pub mod units;
pub mod volumes;

use crate::config::Config;
use crate::docker::Dockerfile;
use crate::k8s::{Object, ObjectIndex, Workload};
use crate::project::Project;
use crate::source::SourceFile;

pub struct Model<'p> {
    pub project: &'p Project,
    pub objects: Vec<Object<'p>>,
    pub workloads: Vec<Workload<'p>>,
    pub index: ObjectIndex<'p>,
    /// Modelled images: linked Dockerfiles, catalogue images, every Dockerfile stage.
    pub images: crate::image::link::Images,
    /// Positions in `objects` of the `Kustomization` objects (per-workload checks scan these,
    /// not every object).
    pub kustomizations: Vec<usize>,
    /// Deployment units (kustomization, chart, skaffold, compose directories).
    pub units: units::Units,
    /// Files a kustomization lists as patches (fragments, not objects).
    patch_files: std::collections::HashSet<crate::source::FileId>,
    /// The exec facts of every process (in [`process::all`] order), computed once.
    exec_facts: std::sync::OnceLock<Vec<Vec<exec::ExecFact>>>,
    /// The process groups of every container (see [`process::all`]), computed once.
    process_groups: std::sync::OnceLock<Vec<process::ProcessGroup<'p>>>,
    /// Effective resources of each workload (by position in `workloads`), computed on first use.
    resources: std::sync::OnceLock<Vec<crate::model::resources::PodResources<'p>>>,
    /// The objects too large to apply as they are: (position in `objects`, why), sorted by
    /// position (KX013). The types of those over the request limit are not checked.
    pub oversized: Vec<(usize, Oversize)>,
    /// The schema type errors of the objects that have any: (object position, errors), sorted by
    /// position (most objects have none: no empty list each).
    pub type_errors: std::sync::OnceLock<Vec<(usize, Vec<crate::k8s::schema::TypeError<'p>>)>>,
    /// Object placement facts (directories, namespaces, names), computed on first use.
    placement: std::sync::OnceLock<facts::Placement<'p>>,
    /// Images some pod runs (addresses), computed on first use.
    pod_images: std::sync::OnceLock<std::collections::HashSet<usize>>,
    /// Positions in `objects` of the `ResourceQuota` objects, by namespace (computed on first use).
    quotas: std::sync::OnceLock<std::collections::HashMap<&'p str, Vec<usize>>>,
    /// Referenced ConfigMaps/Secrets by (kind, namespace, name, directory of the reader),
    /// looked up once and shared ([`env::lookup_data`]).
    pub(crate) env_data: env::SharedData<'p>,
    /// The in-tree definitions of each referenced ConfigMap/Secret name, grouped by directory
    /// once ([`env::Definitions`]).
    pub(crate) env_defs: env::SharedDefinitions<'p>,
    /// The `.gitignore`s met behind Compose bind mounts, compiled once
    /// ([`process::compose::git_ignored`]).
    pub(crate) gitignores: process::compose::GitIgnores,
    /// `external_objects` of the config by (kind, name): positions, in order
    /// ([`env::lookup_data`]; a scan of the list per missing reference was 3.7 s for 20,000
    /// references × 30,000 external objects).
    pub(crate) external_objects: std::sync::OnceLock<env::ExternalIndex<'p>>,
    /// The directories [`facts::file_named_near`] searched, listed once ([`facts::NearDirs`]).
    pub(crate) near_dirs: facts::NearDirs,
    /// The files of ConfigMap/Secret volumes without `items`, shared by the pods that mount
    /// them ([`volumes::SharedFiles`]).
    pub(crate) volume_files: volumes::SharedFiles<'p>,
    /// LimitRange defaults by (namespace, unit, explicit namespace) ([`resources::SharedDefaults`]).
    pub(crate) limit_defaults: resources::SharedDefaults<'p>,
    /// Script texts (build-context files, heredocs) by where they are, and parsed scripts of
    /// more than [`crate::shell::SHARED_PARSE_KEY`] bytes by text ([`Model::script_text`],
    /// [`Model::parsed_script`]): 2,000 services running one 250 KB entrypoint copied and
    /// parsed it again for each (39 s, 536 MB).
    script_texts: crate::memo::RunMemo<crate::source::Span, std::sync::Arc<str>>,
    parsed_scripts: crate::memo::RunMemo<SameText, std::sync::Arc<crate::shell::Script>>,
    /// [`Model::unit_of`] and [`Model::in_marker_unit`] of every file.
    file_units: std::sync::OnceLock<Vec<(std::path::PathBuf, bool)>>,
    /// PATHs prepared for command lookups, by image (address; 0 for none) and PATH text
    /// ([`Model::path_search`]).
    path_searches: PathSearches,
    /// The first Dockerfile at each normalised path ([`Model::dockerfile_at`]): a scan of every
    /// Dockerfile per service lookup was O(services × Dockerfiles) (4,000 × 4,000: 14 s).
    dockerfiles_by_path: std::sync::OnceLock<std::collections::HashMap<std::path::PathBuf, usize>>,
}

type PathSearches = std::sync::Mutex<
    std::collections::HashMap<
        usize,
        std::collections::HashMap<Box<str>, std::sync::Arc<process::PathSearch>>,
    >,
>;

impl<'p> Model<'p> {
    pub fn build(project: &'p Project) -> Model<'p> {
        use rayon::prelude::*;
        let objects: Vec<Object<'p>> = project
            .manifests
            .par_iter()
            .flat_map_iter(|m| {
                let mut objects = Vec::new();
                let path = project.files.get(m.file).map_or("", |f| f.path.as_str());
                for d in &m.yaml.docs {
                    Object::collect(
                        m.file,
                        &d.root,
                        &project.config.default_namespace,
                        &mut objects,
                    );
                }
                if objects.is_empty() {
                    // kustomize reads `kustomization.yaml` without `apiVersion`/`kind` (both
                    // optional): such a file is a Kustomization as much as one with them.
                    objects.extend(m.yaml.docs.first().and_then(|d| {
                        Object::headerless_kustomization(
                            m.file,
                            path,
                            &d.root,
                            &project.config.default_namespace,
                        )
                    }));
                }
                objects
            })
            .collect();
        let workloads: Vec<Workload<'p>> = objects
            .par_iter()
            .filter_map(Workload::from_object)
            .collect();
        // Independent serial builds: run them side by side.
        let t = crate::timing::phase("model: index and images");
        let (index, images) = rayon::join(
            || ObjectIndex::build(&objects),
            || crate::image::build_images(project, workloads.as_slice()),
        );
        drop(t);
        let kustomizations = objects
            .iter()
            .enumerate()
            .filter(|(_, o)| o.kind == "Kustomization")
            .map(|(i, _)| i)
            .collect::<Vec<_>>();
        let patch_files = kustomize::patch_files(&project.files, &objects, &kustomizations);
        let oversized = oversized(project, &objects);
        let model = Model {
            project,
            objects,
            workloads,
            index,
            images,
            kustomizations,
            patch_files,
            oversized,
            units: units::Units::build(&project.files),
            exec_facts: std::sync::OnceLock::new(),
            process_groups: std::sync::OnceLock::new(),
            resources: std::sync::OnceLock::new(),
            type_errors: std::sync::OnceLock::new(),
            placement: std::sync::OnceLock::new(),
            pod_images: std::sync::OnceLock::new(),
            quotas: std::sync::OnceLock::new(),
            env_data: Default::default(),
            env_defs: Default::default(),
            gitignores: Default::default(),
            external_objects: std::sync::OnceLock::new(),
            near_dirs: Default::default(),
            volume_files: Default::default(),
            file_units: std::sync::OnceLock::new(),
            limit_defaults: Default::default(),
            script_texts: Default::default(),
            parsed_scripts: Default::default(),
            path_searches: Default::default(),
            dockerfiles_by_path: std::sync::OnceLock::new(),
        };
        // Side tables several rules share, computed once and in parallel here (not lazily
        // inside rules: a rule blocked on a OnceLock holds a worker thread).
        let enabled = |codes: &[&crate::meta::Meta]| {
            codes
                .iter()
                .any(|r| !project.config.is_disabled(r.code, r.name))
        };
        let types = enabled(&[&crate::meta::KX005, &crate::meta::KX006]);
        let _t = crate::timing::phase("model: processes, resources and types");
        rayon::join(
            || {
                let _ = model
                    .process_groups
                    .set(process::compute_groups(&model, true));
                let _ = model.exec_facts.set(exec::compute(&model, true));
            },
            || {
                let _ = model.resources.set(
                    model
                        .workloads
                        .par_iter()
                        .map(|w| crate::model::resources::effective(&model, w))
                        .collect(),
                );
                if types {
                    let _ = model.type_errors.set(compute_type_errors(
                        &model.objects,
                        &model.oversized,
                        true,
                    ));
                }
            },
        );
        model
    }

    /// The process groups of every container (computed in [`Model::build`]).
    pub fn process_groups(&self) -> &[process::ProcessGroup<'p>] {
        self.process_groups
            .get_or_init(|| process::compute_groups(self, false))
    }

    /// The environment of `workloads[wi].containers[ci]` as the kubelet passes it: the process
    /// model's (computed once in [`Model::build`]; computed here only if the container has no
    /// process group, which does not happen). Rules read this, not [`env::container_env`]:
    /// an environment can be large (60,000 `$(VAR)` entries), and each rule computing its own
    /// held another copy.
    pub fn container_env(&self, wi: usize, ci: usize) -> std::borrow::Cow<'_, env::Env<'p>> {
        // The Kubernetes groups come first, in workload and container order.
        let groups = self.process_groups();
        let key = |g: &process::ProcessGroup<'_>| match g.site {
            process::Site::Kubernetes {
                workload,
                container,
            } => (workload, container),
            _ => (usize::MAX, usize::MAX),
        };
        let at = groups.partition_point(|g| key(g) < (wi, ci));
        match groups.get(at) {
            Some(g) if key(g) == (wi, ci) => std::borrow::Cow::Borrowed(&g.env),
            _ => {
                let w = self.workloads.get(wi);
                let c = w.and_then(|w| w.containers.get(ci));
                std::borrow::Cow::Owned(match (w, c) {
                    (Some(w), Some(c)) => env::container_env(self, w, c),
                    _ => env::Env::new(),
                })
            }
        }
    }

    /// The exec facts of every process, in [`process::all`] order (computed in [`Model::build`]).
    pub fn exec_facts(&self) -> &[Vec<exec::ExecFact>] {
        self.exec_facts.get_or_init(|| exec::compute(self, false))
    }

    /// The effective resources of `workloads[i]`, computed once for all workloads.
    pub fn resources(&self, i: usize) -> Option<&crate::model::resources::PodResources<'p>> {
        self.resources
            .get_or_init(|| {
                self.workloads
                    .iter()
                    .map(|w| crate::model::resources::effective(self, w))
                    .collect()
            })
            .get(i)
    }

    /// Whether a workload is a kustomize patch, a fragment merged into an object of the base:
    /// its file is listed under `patches:`/`patchesStrategicMerge:`/`patchesJson6902:` of a
    /// kustomization in the tree, or it looks like one ([`env::looks_like_patch`]: a container
    /// without `image`, an `apps/v1` controller without `selector`). Rules about something
    /// absent (a volume, a limit, a probe, a port, a referenced object) skip it: the base has it.
    /// Whether a file belongs to a Helm chart: its deployment unit holds a `Chart.yaml`
    /// (Helm applies it, not `kubectl apply`). Scans the files: for rare questions only.
    pub fn in_helm_chart(&self, file: crate::source::FileId) -> bool {
        let Some(unit) = self
            .project
            .files
            .get(file)
            .and_then(|f| self.units.marker_unit(&f.path))
        else {
            return false;
        };
        self.project.files.iter().any(|f| {
            let p = std::path::Path::new(&f.path);
            p.file_name().is_some_and(|n| n == "Chart.yaml")
                && p.parent().is_some_and(|d| units::same_dir(d, &unit))
        })
    }

    /// A file a kustomization lists as a patch.
    pub fn is_patch_file(&self, file: crate::source::FileId) -> bool {
        self.patch_files.contains(&file)
    }

    pub fn is_patch(&self, w: &Workload<'_>) -> bool {
        self.patch_files.contains(&w.object.file) || env::looks_like_patch(w)
    }

    /// The deployment unit of a file ([`units::Units::unit_of`]), computed once per file.
    pub fn unit_of(&self, file: crate::source::FileId) -> &std::path::Path {
        self.file_units()
            .get(file)
            .map_or(std::path::Path::new(""), |(u, _)| u.as_path())
    }

    /// Whether a file is in a kustomization/chart/skaffold/compose project
    /// ([`units::Units::marker_unit`]), computed once per file.
    pub fn in_marker_unit(&self, file: crate::source::FileId) -> bool {
        self.file_units().get(file).is_some_and(|(_, m)| *m)
    }

    /// Per file: its unit and whether a marker makes it (namespace-wide objects are matched
    /// against every workload of their namespace: path work per pair was quadratic).
    fn file_units(&self) -> &[(std::path::PathBuf, bool)] {
        self.file_units.get_or_init(|| {
            self.project
                .files
                .iter()
                .map(|f| {
                    (
                        self.units.unit_of(&f.path),
                        self.units.marker_unit(&f.path).is_some(),
                    )
                })
                .collect()
        })
    }

    /// The schema type errors of `objects[i]` (KX005, KX006).
    pub fn type_errors(&self, i: usize) -> &[crate::k8s::schema::TypeError<'p>] {
        let all = self
            .type_errors
            .get_or_init(|| compute_type_errors(&self.objects, &self.oversized, false));
        all.binary_search_by_key(&i, |(k, _)| *k)
            .ok()
            .and_then(|k| all.get(k))
            .map_or(&[], |(_, e)| e.as_slice())
    }

    /// The modelled image of a container (its linked Dockerfile's target stage, else the
    /// catalogue entry for its reference); None when the container has no `image`.
    pub fn image_for(
        &self,
        w: &Workload<'_>,
        c: &crate::k8s::Container<'_>,
    ) -> Option<&crate::image::Image> {
        self.images.for_container(w, c)
    }

    /// Where objects live: kustomization directories, (kind, namespace, directory) and names
    /// (computed once, on first use).
    pub fn placement(&self) -> &facts::Placement<'p> {
        self.placement
            .get_or_init(|| facts::Placement::compute(self))
    }

    /// Whether some pod's container runs `img` (computed once for all images).
    pub fn runs_in_pod(&self, img: &crate::image::Image) -> bool {
        self.pod_images
            .get_or_init(|| facts::pod_images(self))
            .contains(&(std::ptr::from_ref(img) as usize))
    }

    /// The `ResourceQuota` objects of namespace `ns`, in `objects` order (grouped by namespace
    /// once for all workloads: a per-workload scan of every object was O(workloads × objects)).
    pub fn quotas_in<'m>(&'m self, ns: &str) -> impl Iterator<Item = &'m Object<'p>> + 'm {
        self.quotas
            .get_or_init(|| {
                let mut by_ns: std::collections::HashMap<&'p str, Vec<usize>> =
                    std::collections::HashMap::new();
                for (i, o) in self.objects.iter().enumerate() {
                    if o.kind == "ResourceQuota" {
                        by_ns.entry(o.namespace).or_default().push(i);
                    }
                }
                by_ns
            })
            .get(ns)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(|&i| self.objects.get(i))
    }

    pub fn config(&self) -> &'p Config {
        &self.project.config
    }

    /// How messages name `docker run` of an image. A Dockerfile's image has no name of its
    /// own: say which Dockerfile builds it (its FROM reference names the base, not the image).
    pub fn docker_run_name(&self, image: &crate::image::Image) -> String {
        let file = image
            .dockerfile
            .and_then(|d| self.project.dockerfiles.get(d))
            .and_then(|d| self.project.files.get(d.file));
        match file {
            Some(f) => format!("`docker run` of the image built from {}", f.path),
            None => format!("`docker run {}`", image.reference),
        }
    }

    /// A PATH prepared once per run and image for command lookups ([`process::PathSearch`]):
    /// 1,000 services on one image searched its PATH again for each of them.
    pub fn path_search(
        &self,
        image: Option<&crate::image::Image>,
        path: &str,
    ) -> std::sync::Arc<process::PathSearch> {
        let key = image.map_or(0, |i| i as *const crate::image::Image as usize);
        let Ok(mut all) = self.path_searches.lock() else {
            return std::sync::Arc::new(process::PathSearch::new(path));
        };
        let by_path = all.entry(key).or_default();
        if let Some(s) = by_path.get(path) {
            return s.clone();
        }
        let s = std::sync::Arc::new(process::PathSearch::new(path));
        by_path.insert(path.into(), s.clone());
        s
    }

    /// The text of a script at `at` (a whole build-context file, a heredoc), one shared copy per
    /// place however many processes run it.
    pub fn script_text(&self, at: crate::source::Span, text: &str) -> std::sync::Arc<str> {
        if at == crate::source::Span::default() {
            return std::sync::Arc::from(text);
        }
        self.script_texts
            .get_or_compute(&at, || std::sync::Arc::from(text))
    }

    /// A script parsed once per run: short texts by content ([`crate::shell::parse_shared`]),
    /// longer ones by the shared text they are ([`Model::script_text`], mounted file contents).
    pub fn parsed_script(
        &self,
        text: &std::sync::Arc<str>,
    ) -> std::sync::Arc<crate::shell::Script> {
        if text.len() <= crate::shell::SHARED_PARSE_KEY {
            return crate::shell::parse_shared(text);
        }
        self.parsed_scripts
            .get_or_compute(&SameText(text.clone()), || {
                std::sync::Arc::new(crate::shell::parse(text))
            })
    }

    pub fn file(&self, id: usize) -> &'p SourceFile {
        &self.project.files[id]
    }

    pub fn dockerfiles(&self) -> &'p [Dockerfile] {
        &self.project.dockerfiles
    }

    /// The index of the first Dockerfile whose file's normalised path is `want`.
    pub fn dockerfile_at(&self, want: &std::path::Path) -> Option<usize> {
        self.dockerfiles_by_path
            .get_or_init(|| {
                let mut by_path = std::collections::HashMap::new();
                for (i, d) in self.dockerfiles().iter().enumerate() {
                    if let Some(f) = self.project.files.get(d.file) {
                        let p = crate::compose::norm_path(std::path::Path::new(&f.path));
                        by_path.entry(p).or_insert(i);
                    }
                }
                by_path
            })
            .get(want)
            .copied()
    }
}

fn compute_type_errors<'p>(
    objects: &[Object<'p>],
    oversized: &[(usize, Oversize)],
    parallel: bool,
) -> Vec<(usize, Vec<crate::k8s::schema::TypeError<'p>>)> {
    use rayon::prelude::*;
    let of = |(i, o): (usize, &Object<'p>)| {
        // The API server rejects it whole (KX013); decoding it would only cost memory (a Pod of
        // 190,000 `env` entries: 95 MB of typed values).
        if oversized
            .binary_search_by_key(&i, |(k, _)| *k)
            .is_ok_and(|k| matches!(oversized[k].1, Oversize::Request(_)))
        {
            return None;
        }
        let e = crate::k8s::schema::type_errors(o.kind, o.api_version, o.node);
        (!e.is_empty()).then_some((i, e))
    };
    // Both keep the objects' order: sorted by position.
    if parallel {
        objects.par_iter().enumerate().filter_map(of).collect()
    } else {
        objects.iter().enumerate().filter_map(of).collect()
    }
}

/// The most a write request to kube-apiserver may carry: 3 MiB, fixed in the API server
/// (`MaxRequestBodyBytes`, twice etcd's 1.5 MiB default to allow for JSON over protobuf).
/// A larger body gets 413 `Request entity too large: limit is 3145728`.
pub const MAX_REQUEST_BYTES: usize = 3 * 1024 * 1024;
/// The most a ConfigMap's `data` and `binaryData`, or a Secret's `data` (with `stringData`),
/// may hold: `MaxSecretSize`, 1 MiB of values (decoded bytes for base64 fields).
pub const MAX_DATA_BYTES: usize = 1024 * 1024;
/// The most an object's annotations may hold together (`TotalAnnotationSizeLimitB`, 256 KiB):
/// client-side `kubectl apply` stores the whole object as JSON in one of them.
pub const MAX_ANNOTATION_BYTES: usize = 256 * 1024;

/// Why an object is too large to apply as it is (KX013).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversize {
    /// Its JSON (the bytes) is over [`MAX_REQUEST_BYTES`]: refused whole before it is decoded.
    Request(usize),
    /// A ConfigMap or Secret whose values (the bytes) are over [`MAX_DATA_BYTES`]: refused by
    /// validation.
    Data(usize),
    /// Its JSON (the bytes) is over [`MAX_ANNOTATION_BYTES`]: client-side `kubectl apply`
    /// fails, since its `last-applied-configuration` annotation would hold the whole object;
    /// `kubectl create`, server-side apply and Helm are not limited so.
    LastApplied(usize),
}

/// [`Model::oversized`]. Only objects that could be that large are measured: those whose text
/// is over a third of the smallest limit (JSON is at most about three times its YAML: `[~, ~]`
/// is `[null,null]`; a value is never longer than its text) and those of files where an alias
/// was expanded.
fn oversized(project: &Project, objects: &[Object<'_>]) -> Vec<(usize, Oversize)> {
    use rayon::prelude::*;
    let aliased: std::collections::HashSet<crate::source::FileId> = project
        .manifests
        .iter()
        .filter(|m| m.yaml.aliased)
        .map(|m| m.file)
        .collect();
    objects
        .par_iter()
        .enumerate()
        .filter(|(_, o)| {
            o.node.span().len() > MAX_ANNOTATION_BYTES / 3 || aliased.contains(&o.file)
        })
        .filter_map(|(i, o)| {
            let json = crate::k8s::schema::request_bytes(o.node);
            if json > MAX_REQUEST_BYTES {
                return Some((i, Oversize::Request(json)));
            }
            if let Some(data) = data_bytes(o).filter(|&n| n > MAX_DATA_BYTES) {
                return Some((i, Oversize::Data(data)));
            }
            (json > MAX_ANNOTATION_BYTES).then_some((i, Oversize::LastApplied(json)))
        })
        .collect()
}

/// The bytes of a ConfigMap's or Secret's values as the API server's validation counts them:
/// ConfigMap `data` strings and decoded `binaryData`; Secret decoded `data` with `stringData`
/// merged over it (the API server merges it before it validates). The last of repeated keys
/// counts; a value of another type or not base64 counts nothing (KX005 reports it).
fn data_bytes(o: &Object<'_>) -> Option<usize> {
    use crate::yaml::Node;
    let fields: &[(&str, bool)] = match (o.kind, o.api_version) {
        ("ConfigMap", "v1") => &[("data", false), ("binaryData", true)],
        ("Secret", "v1") => &[("data", true), ("stringData", false)],
        _ => return None,
    };
    // ConfigMap keys may not repeat across its fields (validation); Secret's `stringData`
    // replaces `data` of the same key: one map either way.
    let mut sizes: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for &(field, base64) in fields {
        for (k, v) in o.node.get(field).map(Node::entries).into_iter().flatten() {
            let (Some(k), Some(v)) = (k.as_str(), v.as_str()) else {
                continue;
            };
            let n = if base64 { base64_len(v) } else { Some(v.len()) };
            sizes.insert(k, n.unwrap_or(0));
        }
    }
    Some(sizes.values().sum())
}

/// The decoded length of standard base64 (line breaks ignored, as Go's decoder does); None when
/// it is not whole base64.
fn base64_len(s: &str) -> Option<usize> {
    let n = s.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).count();
    if n % 4 != 0 {
        return None;
    }
    let pad = s
        .trim_end_matches(['\r', '\n'])
        .bytes()
        .rev()
        .take_while(|&b| b == b'=')
        .count();
    Some(n / 4 * 3 - pad.min(2))
}

/// A shared text compared by identity (the same allocation), for memos keyed by large texts:
/// hashing or comparing 250 KB per lookup is what the memo saves. Holding the `Arc` keeps the
/// allocation (and so its address) alive while it is a key.
#[derive(Clone)]
pub(crate) struct SameText(std::sync::Arc<str>);

impl PartialEq for SameText {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}
impl Eq for SameText {}
impl std::hash::Hash for SameText {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        std::sync::Arc::as_ptr(&self.0).cast::<u8>().hash(h);
    }
}
