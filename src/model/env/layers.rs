//! Sources of variables kept whole rather than copied into each environment ([`super::Env`]'s
//! `layers`), indexed by prefix so that a lookup visits only the sources whose prefix starts
//! the name.

use super::{ConfigData, Origin};
use crate::compose::{EnvFile, EnvVar, Part};
use crate::yaml::Node;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A source of variables kept whole rather than copied into each environment.
#[derive(Debug, Clone)]
pub(super) enum Layer<'p> {
    /// An `envFrom` source with many keys.
    EnvFrom {
        item: &'p Node,
        prefix: String,
        /// None: its keys are not known (the source is also in `Env::open`).
        data: Option<Arc<ConfigData<'p>>>,
    },
    /// A Compose `env_file`.
    Dotenv(Arc<EnvFile>),
    /// One definition's `environment:` entries of a Compose service (its own, an override
    /// file's or an `extends` base's), shared by every service that merges it.
    Compose(Arc<Part<EnvVar>>),
}

impl Layer<'_> {
    fn prefix(&self) -> &str {
        match self {
            Layer::EnvFrom { prefix, .. } => prefix,
            Layer::Dotenv(_) | Layer::Compose(_) => "",
        }
    }

    /// What a later layer of the same prefix makes redundant when equal: the same object,
    /// or (keys unknown) any other source of unknown keys.
    fn identity(&self) -> (u8, usize) {
        match self {
            Layer::EnvFrom { data: None, .. } => (0, 0),
            Layer::EnvFrom { data: Some(d), .. } => (1, Arc::as_ptr(d) as usize),
            Layer::Dotenv(f) => (2, Arc::as_ptr(f) as usize),
            Layer::Compose(p) => (3, Arc::as_ptr(p) as usize),
        }
    }
}

/// A variable found in a layer: its value (None: unknown) and where it was defined.
pub(super) struct LayerHit<'a, 'p> {
    pub(super) value: Option<&'a str>,
    pub(super) origin: Origin<'p>,
}

/// The layers in order, and for each distinct prefix the positions of its layers. A layer
/// whose prefix is in a group along with a later layer of the same identity is left out of
/// the group: the later one answers every name first. A lookup visits the groups whose prefix
/// starts the name, not every layer (10,000 `envFrom` sources × 20,000 references: 2.4 s).
#[derive(Debug, Clone, Default)]
pub(super) struct Layers<'p> {
    list: Vec<Layer<'p>>,
    groups: HashMap<String, Vec<usize>>,
    /// The distinct lengths of the groups' prefixes, ascending.
    lens: Vec<usize>,
}

impl<'p> Layers<'p> {
    pub(super) fn new(list: Vec<Layer<'p>>) -> Layers<'p> {
        let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
        let mut seen: HashSet<(&str, (u8, usize))> = HashSet::new();
        for (i, l) in list.iter().enumerate().rev() {
            if seen.insert((l.prefix(), l.identity())) {
                groups.entry(l.prefix().to_string()).or_default().push(i);
            }
        }
        for g in groups.values_mut() {
            g.reverse();
            g.shrink_to_fit();
        }
        let mut lens: Vec<usize> = groups.keys().map(String::len).collect();
        lens.sort_unstable();
        lens.dedup();
        Layers { list, groups, lens }
    }

    pub(super) fn shrink_to_fit(&mut self) {
        self.list.shrink_to_fit();
        self.groups.shrink_to_fit();
        self.lens.shrink_to_fit();
    }

    /// The last layer that defines `name`: the value (None when unknown, or when a later
    /// source with unknown keys may have replaced it) and where it was defined.
    pub(super) fn var(&self, name: &str) -> Option<LayerHit<'_, 'p>> {
        // The winner so far (its position), and the last source of unknown keys seen.
        let mut best: Option<(usize, LayerHit<'_, 'p>)> = None;
        let mut last_open: Option<usize> = None;
        for &len in &self.lens {
            if len > name.len() {
                break;
            }
            let (Some(prefix), Some(key)) = (name.get(..len), name.get(len..)) else {
                continue;
            };
            let Some(group) = self.groups.get(prefix) else {
                continue;
            };
            for &i in group.iter().rev() {
                if best.as_ref().is_some_and(|(b, _)| *b > i) {
                    break;
                }
                let hit = match self.list.get(i) {
                    Some(Layer::EnvFrom { data: None, .. }) => {
                        last_open = last_open.max(Some(i));
                        None
                    }
                    Some(Layer::EnvFrom {
                        item,
                        data: Some(d),
                        ..
                    }) => d.keys.get(key).filter(|k| k.in_data).map(|k| LayerHit {
                        value: k.value.as_deref(),
                        origin: Origin::EnvFrom {
                            item,
                            key_span: k.span,
                        },
                    }),
                    Some(Layer::Dotenv(f)) => f.get(name).map(|line| LayerHit {
                        value: line.value.as_deref(),
                        origin: Origin::Compose(f.span(line)),
                    }),
                    Some(Layer::Compose(p)) => p.get(name).map(|e| LayerHit {
                        value: e.value.as_deref(),
                        origin: Origin::Compose(e.span),
                    }),
                    None => None,
                };
                if let Some(hit) = hit {
                    best = Some((i, hit));
                    break;
                }
            }
        }
        let (at, mut hit) = best?;
        if last_open.is_some_and(|o| o > at) {
            hit.value = None;
        }
        Some(hit)
    }
}

#[cfg(test)]
#[path = "layers_tests.rs"]
mod tests;
