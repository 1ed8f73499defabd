//! Deployment units: the directory of a kustomization, a Helm chart (`Chart.yaml`), a skaffold
//! project or a Compose project, among the loaded files (a file under none: its own directory). A repository linted from its root
//! often holds several applications (examples repositories, monorepos); references that apply
//! without a by-name link (LimitRanges of a namespace) or whose contents matter (ConfigMap keys)
//! are resolved within the unit of the referring file first, and never taken from a unit that
//! is not the referring file's own or one enclosing it.

use crate::k8s::Object;
use crate::model::Model;
use crate::source::SourceFile;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// A path as given, with `.` components dropped (`./k8s/a.yaml` → `k8s/a.yaml`).
fn clean(p: &Path) -> PathBuf {
    p.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// Whether a file name marks the directory holding it as a deployment unit.
pub fn is_marker(name: &str) -> bool {
    crate::k8s::is_kustomization_file(name)
        || matches!(name, "Chart.yaml" | "skaffold.yaml" | "skaffold.yml")
        || crate::compose::is_compose_name(name)
}

/// Whether two directories are the same once `.` components are left out.
pub fn same_dir(a: &Path, b: &Path) -> bool {
    clean(a) == clean(b)
}

#[derive(Debug, Default)]
pub struct Units {
    /// Directories holding a marker file.
    roots: HashSet<PathBuf>,
}

impl Units {
    pub fn build(files: &[SourceFile]) -> Units {
        let roots = files
            .iter()
            .filter_map(|f| {
                let p = Path::new(&f.path);
                let name = p.file_name()?.to_str()?;
                is_marker(name).then(|| clean(p.parent().unwrap_or(Path::new(""))))
            })
            .collect();
        Units { roots }
    }

    /// The unit of a file: the nearest directory at or above it that holds a marker, else the
    /// file's own directory (a tree without markers is no evidence that two directories deploy
    /// together; what a directory defines still applies to its subdirectories).
    pub fn unit_of(&self, path: &str) -> PathBuf {
        let p = clean(Path::new(path));
        self.marker_unit(path)
            .unwrap_or_else(|| p.parent().unwrap_or(Path::new("")).to_path_buf())
    }

    /// The nearest directory at or above the file that holds a marker, if any.
    pub fn marker_unit(&self, path: &str) -> Option<PathBuf> {
        let p = clean(Path::new(path));
        let mut dir = p.parent();
        while let Some(d) = dir {
            if self.roots.contains(d) {
                return Some(d.to_path_buf());
            }
            dir = d.parent();
        }
        None
    }

    /// Whether something defined in unit `def` applies to a file of unit `user`: the same unit,
    /// or one enclosing it (the root directory encloses every unit).
    pub fn applies(def: &Path, user: &Path) -> bool {
        user.starts_with(def)
    }
}

/// Whether a namespace-wide object `def` (a LimitRange, a ResourceQuota) of the workload's
/// namespace applies to the workload object `user`: it is in the workload's unit or a directory
/// enclosing it; or it is namespace set-up kept apart from the applications
/// (`namespaces/team/limitrange.yaml`): in no kustomization/chart/skaffold/compose project, and
/// both objects name the namespace explicitly in `metadata.namespace`.
pub fn namespace_object_applies(model: &Model<'_>, def: &Object<'_>, user: &Object<'_>) -> bool {
    if Units::applies(model.unit_of(def.file), model.unit_of(user.file)) {
        return true;
    }
    let explicit = |o: &Object<'_>| o.node.path(&["metadata", "namespace"]).is_some();
    explicit(def) && explicit(user) && !model.in_marker_unit(def.file)
}

/// The namespace-wide objects of `defs` that apply to `user`: those of its own unit when there
/// are any, else every one that applies ([`namespace_object_applies`]).
pub fn applicable<'a, 'p>(
    model: &Model<'p>,
    defs: impl IntoIterator<Item = &'a Object<'p>>,
    user: &Object<'_>,
) -> Vec<&'a Object<'p>>
where
    'p: 'a,
{
    let user_unit = model.unit_of(user.file);
    let all: Vec<(&'a Object<'p>, bool)> = defs
        .into_iter()
        .filter(|d| namespace_object_applies(model, d, user))
        .map(|d| (d, model.unit_of(d.file) == user_unit))
        .collect();
    let own = all.iter().any(|(_, same)| *same);
    all.into_iter()
        .filter(|(_, same)| !own || *same)
        .map(|(d, _)| d)
        .collect()
}

/// The namespace-wide objects of one kind and namespace (its LimitRanges) grouped as
/// [`applicable`] reads them: by the unit of their file, and the namespace set-up ones (named
/// namespace, in no project), so that a workload's share is found from its own unit and the
/// units enclosing it, not by checking every object (8,000 LimitRanges and 8,000 workloads each
/// in its own directory: 64 million checks and a list of 8,000 names per workload, 19.7 s and
/// 1.09 GB).
pub struct Grouped {
    by_unit: std::collections::HashMap<PathBuf, Vec<usize>>,
    setup: Vec<usize>,
    /// Units all of whose objects are set-up ones: to a workload that names its namespace
    /// they add nothing the set-up ones do not (left out of [`Applies`], so that such
    /// workloads share one answer).
    setup_only: HashSet<PathBuf>,
}

/// Which objects of a [`Grouped`] apply to a workload: those of its own unit when it has any,
/// else those of the units enclosing it (with the set-up ones when it names its namespace).
/// Workloads with equal answers share what is derived from the objects.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Applies {
    Own(PathBuf),
    Enclosing(Vec<PathBuf>, bool),
}

impl Grouped {
    /// `positions`: the objects' positions in `model.objects`.
    pub fn new(model: &Model<'_>, positions: Vec<usize>) -> Grouped {
        let mut by_unit: std::collections::HashMap<PathBuf, Vec<usize>> = Default::default();
        let mut setup = Vec::new();
        for i in positions {
            let Some(d) = model.objects.get(i) else {
                continue;
            };
            by_unit
                .entry(model.unit_of(d.file).to_path_buf())
                .or_default()
                .push(i);
            if d.node.path(&["metadata", "namespace"]).is_some() && !model.in_marker_unit(d.file) {
                setup.push(i);
            }
        }
        let setup_set: HashSet<usize> = setup.iter().copied().collect();
        let setup_only = by_unit
            .iter()
            .filter(|(_, v)| v.iter().all(|i| setup_set.contains(i)))
            .map(|(u, _)| u.clone())
            .collect();
        Grouped {
            by_unit,
            setup,
            setup_only,
        }
    }

    /// What applies to `user` ([`namespace_object_applies`], narrowed as [`applicable`] does).
    pub fn applies(&self, model: &Model<'_>, user: &Object<'_>) -> Applies {
        let unit = model.unit_of(user.file);
        if self.by_unit.contains_key(unit) {
            return Applies::Own(unit.to_path_buf());
        }
        let named = user.node.path(&["metadata", "namespace"]).is_some();
        let enclosing = unit
            .ancestors()
            .filter(|a| self.by_unit.contains_key(*a) && !(named && self.setup_only.contains(*a)))
            .map(Path::to_path_buf)
            .collect();
        Applies::Enclosing(enclosing, named)
    }

    /// The positions of the objects that apply, in `model.objects` order.
    pub fn positions(&self, a: &Applies) -> Vec<usize> {
        let mut out: Vec<usize> = match a {
            Applies::Own(unit) => self.by_unit.get(unit).cloned().unwrap_or_default(),
            Applies::Enclosing(units, named) => units
                .iter()
                .filter_map(|u| self.by_unit.get(u))
                .flatten()
                .chain(self.setup.iter().filter(|_| *named))
                .copied()
                .collect(),
        };
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileKind;

    fn file(p: &str) -> SourceFile {
        SourceFile::new(p.to_string(), FileKind::Manifest, String::new())
    }

    #[test]
    fn nearest_marker_wins() {
        let u = Units::build(&[
            file("./apps/a/kustomization.yaml"),
            file("apps/b/skaffold.yaml"),
            file("apps/a/deploy.yaml"),
        ]);
        assert_eq!(u.unit_of("./apps/a/deploy.yaml"), PathBuf::from("apps/a"));
        assert_eq!(u.unit_of("apps/a/sub/x.yaml"), PathBuf::from("apps/a"));
        assert_eq!(u.unit_of("apps/b/k8s/x.yaml"), PathBuf::from("apps/b"));
        assert_eq!(u.unit_of("apps/c/x.yaml"), PathBuf::from("apps/c"));
        assert_eq!(u.unit_of("x.yaml"), PathBuf::new());
        assert!(Units::applies(Path::new(""), Path::new("apps/a")));
        assert!(Units::applies(Path::new("apps/a"), Path::new("apps/a")));
        assert!(!Units::applies(Path::new("apps/a"), Path::new("apps/b")));
        assert!(!Units::applies(Path::new("apps/a"), Path::new("")));
    }
}
