//! The whole-repository model that rules read: objects, workloads and the object index built once
//! from a loaded [`Project`].

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
    /// Findings of the shared command checks (KX103–KX111, KX116), computed once by whichever of
    /// those rules runs first.
    pub command_checks: std::sync::OnceLock<Vec<crate::finding::Finding>>,
}

impl<'p> Model<'p> {
    pub fn build(project: &'p Project) -> Model<'p> {
        let mut objects = Vec::new();
        for m in &project.manifests {
            for d in &m.yaml.docs {
                Object::collect(
                    m.file,
                    &d.root,
                    &project.config.default_namespace,
                    &mut objects,
                );
            }
        }
        let workloads: Vec<Workload<'p>> =
            objects.iter().filter_map(Workload::from_object).collect();
        let index = ObjectIndex::build(&objects);
        let images = crate::image::build_images(project, workloads.as_slice());
        let kustomizations = objects
            .iter()
            .enumerate()
            .filter(|(_, o)| o.kind == "Kustomization")
            .map(|(i, _)| i)
            .collect();
        Model {
            project,
            objects,
            workloads,
            index,
            images,
            kustomizations,
            command_checks: std::sync::OnceLock::new(),
        }
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

    pub fn config(&self) -> &'p Config {
        &self.project.config
    }

    pub fn file(&self, id: usize) -> &'p SourceFile {
        &self.project.files[id]
    }

    pub fn dockerfiles(&self) -> &'p [Dockerfile] {
        &self.project.dockerfiles
    }
}
