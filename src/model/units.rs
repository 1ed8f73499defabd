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
