//! Deployment units: the directory of a kustomization, a Helm chart (`Chart.yaml`), a skaffold
//! project or a Compose project, among the loaded files. A repository linted from its root
//! often holds several applications (examples repositories, monorepos); references that apply
//! without a by-name link (LimitRanges of a namespace) or whose contents matter (ConfigMap keys)
//! are resolved within the unit of the referring file first, and never taken from a unit that
//! is not the referring file's own or one enclosing it.

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
    matches!(
        name,
        "kustomization.yaml"
            | "kustomization.yml"
            | "Kustomization"
            | "Chart.yaml"
            | "skaffold.yaml"
            | "skaffold.yml"
    ) || crate::compose::is_compose_name(name)
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
    /// empty path (the linted tree as a whole).
    pub fn unit_of(&self, path: &str) -> PathBuf {
        let p = clean(Path::new(path));
        let mut dir = p.parent();
        while let Some(d) = dir {
            if self.roots.contains(d) {
                return d.to_path_buf();
            }
            dir = d.parent();
        }
        PathBuf::new()
    }

    /// Whether something defined in unit `def` applies to a file of unit `user`: the same unit,
    /// or one enclosing it (the tree as a whole encloses every unit).
    pub fn applies(def: &Path, user: &Path) -> bool {
        user.starts_with(def)
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
        assert_eq!(u.unit_of("apps/c/x.yaml"), PathBuf::new());
        assert!(Units::applies(Path::new(""), Path::new("apps/a")));
        assert!(Units::applies(Path::new("apps/a"), Path::new("apps/a")));
        assert!(!Units::applies(Path::new("apps/a"), Path::new("apps/b")));
        assert!(!Units::applies(Path::new("apps/a"), Path::new("")));
    }
}
