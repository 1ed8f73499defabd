//! Linking container images to Dockerfiles, and the set of modelled images the model holds.

use super::Image;
use crate::k8s::{Container, Workload};
use std::collections::HashMap;

/// Why an image repository was linked to a Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkReason {
    /// `image_links` in the config.
    Config,
    /// `skaffold.yaml` `build.artifacts[]` (file path).
    Skaffold(String),
    /// `docker-compose.yml` / `compose.yaml` `services.<name>` (file path, service).
    Compose(String, String),
    /// Last repository path component equals the Dockerfile's directory name.
    Convention,
}

/// An image repository linked to a Dockerfile in the linted tree.
#[derive(Debug, Clone)]
pub struct Link {
    /// Image repository (no tag, no digest).
    pub repository: String,
    /// Index into `Project::dockerfiles`.
    pub dockerfile: usize,
    /// Build context directory (file-system path as reached from the arguments).
    pub context: Option<String>,
    /// Target stage (None: the last stage).
    pub target: Option<String>,
    pub reason: LinkReason,
}

/// Build information computed at project load: links, and the build-context files read.
#[derive(Debug, Clone, Default)]
pub struct BuildInfo {
    pub links: Vec<Link>,
    /// Repositories that matched more than one Dockerfile by convention (not linked).
    pub ambiguous: Vec<(String, Vec<usize>)>,
    /// Per Dockerfile index: its build context listing (absent when it could not be read).
    pub contexts: HashMap<usize, super::context::Context>,
}

/// Every modelled image, built once in `Model::build`.
#[derive(Debug, Default)]
pub struct Images {
    pub images: Vec<Image>,
    /// Container `image` reference → index into `images`.
    by_reference: HashMap<String, usize>,
    /// (dockerfile index, stage index) → index into `images`.
    by_stage: HashMap<(usize, usize), usize>,
}

impl Images {
    /// The image a container reference resolves to (linked Dockerfile, else catalogue).
    pub fn by_reference(&self, reference: &str) -> Option<&Image> {
        self.by_reference
            .get(reference)
            .and_then(|i| self.images.get(*i))
    }

    /// The image of one Dockerfile stage (its state at the end of that stage).
    pub fn stage(&self, dockerfile: usize, stage: usize) -> Option<&Image> {
        self.by_stage
            .get(&(dockerfile, stage))
            .and_then(|i| self.images.get(*i))
    }

    pub(crate) fn insert_reference(&mut self, reference: &str, img: Image) -> usize {
        let i = self.images.len();
        self.images.push(img);
        self.by_reference.insert(reference.to_string(), i);
        i
    }

    pub(crate) fn alias_reference(&mut self, reference: &str, index: usize) {
        self.by_reference.insert(reference.to_string(), index);
    }

    pub(crate) fn insert_stage(&mut self, dockerfile: usize, stage: usize, img: Image) -> usize {
        let i = self.images.len();
        self.images.push(img);
        self.by_stage.insert((dockerfile, stage), i);
        i
    }

    pub(crate) fn stage_index(&self, dockerfile: usize, stage: usize) -> Option<usize> {
        self.by_stage.get(&(dockerfile, stage)).copied()
    }

    /// Image of a container of a workload.
    pub fn for_container(&self, _w: &Workload<'_>, c: &Container<'_>) -> Option<&Image> {
        self.by_reference(c.image()?)
    }
}
