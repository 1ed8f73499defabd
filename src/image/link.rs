//! Linking container images to Dockerfiles, and the set of modelled images the model holds.

use super::Image;
use crate::k8s::{Container, Workload};
use std::collections::HashMap;

pub use crate::build_context::{BuildInfo, Link, LinkReason};

/// Every modelled image, built once in `Model::build`.
#[derive(Debug, Default)]
pub struct Images {
    pub images: Vec<Image>,
    /// Container `image` reference → index into `images`.
    by_reference: HashMap<String, usize>,
    /// (dockerfile index, stage index) → index into `images`.
    by_stage: HashMap<(usize, usize), usize>,
    /// Dockerfile index → the global ARG (before the first FROM) whose expansion ran out of
    /// the budget (KX011).
    pub global_arg_overruns: HashMap<usize, crate::source::Span>,
    /// Dockerfile index → the `FROM` where kexit stopped modelling stages: past
    /// [`crate::budget::MAX_STAGES`] stages, or [`crate::budget::MAX_STAGE_ENTRIES`] modelled
    /// paths in all (KX011). The stages from there on are unknown images.
    pub stage_overruns: HashMap<usize, crate::source::Span>,
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
        self.images.get(self.index_for_container(c)?)
    }

    /// Index into `images` of a container's image ([`Images::for_container`]).
    pub fn index_for_container(&self, c: &Container<'_>) -> Option<usize> {
        self.by_reference.get(c.image()?).copied()
    }
}
