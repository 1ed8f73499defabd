//! A container's environment as the kubelet builds it (`makeEnvironmentVariables`), and the
//! kubelet's `$(VAR)` expansion (`third_party/forked/golang/expansion/expand.go`).
//!
//! The kubelet never sees the image's `ENV`: only `envFrom`, `env` (with `valueFrom`) and the
//! service-link variables. `envFrom` is applied first (in order, later sources overwrite earlier
//! ones), then `env` in order; an `env[].value` is expanded against everything defined so far
//! (a reference to a later entry stays literal). `command`/`args` are expanded against the
//! final environment.
//!
//! Also home of [`ConfigData`]: the keys (and, where the tree holds them, values) of a
//! ConfigMap/Secret referenced by a pod, from the linted tree or `external_objects` in the config.

mod data;
mod expand;
mod kubelet;
mod layers;
mod prefixes;
mod span;
mod uses;

pub use data::{
    base64_decode, dir_of, is_optional, kustomize_vars_near, looks_like_patch, lookup_data,
    lookup_data_shared, ConfigData, DataKey, DataKind, DataLookup, Definitions, ExternalIndex,
    SharedData, SharedDefinitions,
};
pub use expand::{expand, expand_in, expand_with, Expanded, RefStatus, VarRef};
pub use kubelet::{container_env, is_service_link_name, MAX_ENVFROM_LAYERS};
pub use span::{value_span, Placement};
pub use uses::{object_uses, ObjectUse, UseSite};

use crate::budget::Budget;
use crate::source::Span;
use crate::yaml::Node;
use layers::{Layer, Layers};
use std::collections::{HashMap, HashSet};

/// Where a variable came from.
#[derive(Debug, Clone)]
pub enum Origin<'p> {
    /// `env[i]`: the item node.
    Env(&'p Node),
    /// `envFrom[i]`: the item node, and the key's span in the ConfigMap/Secret when in the tree.
    EnvFrom {
        item: &'p Node,
        key_span: Option<Span>,
    },
    /// A service-link variable the kubelet always sets (`KUBERNETES_SERVICE_HOST` …).
    ServiceLink,
    /// A Compose service's `environment` entry or `env_file` line.
    Compose(Span),
}

/// One defined variable.
#[derive(Debug, Clone)]
pub struct EnvVar<'p> {
    pub name: String,
    /// The runtime value, when kexit can know it.
    pub value: Option<String>,
    pub origin: Origin<'p>,
}

/// An `envFrom` source whose keys kexit does not know (not in the tree, or external without
/// keys): any variable starting with its prefix may be defined.
#[derive(Debug, Clone)]
pub struct OpenSource<'p> {
    pub item: &'p Node,
    pub prefix: String,
    pub kind: DataKind,
    pub name: String,
    pub optional: bool,
}

/// The result of looking a name up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// Defined with a known value.
    Defined(&'a str),
    /// Defined, value unknown (fieldRef, secretKeyRef to an object outside the tree, …).
    DefinedUnknown,
    /// Possibly defined: an `envFrom` source outside the tree, a service-link variable, an
    /// optional reference.
    MaybeDefined,
    /// Certainly not defined: `$(NAME)` stays literal.
    Undefined,
}

impl Lookup<'_> {
    pub fn status(self) -> RefStatus {
        match self {
            Lookup::Defined(_) => RefStatus::Defined,
            Lookup::DefinedUnknown => RefStatus::DefinedUnknown,
            Lookup::MaybeDefined => RefStatus::MaybeDefined,
            Lookup::Undefined => RefStatus::Undefined,
        }
    }
}

/// A container's environment as the kubelet passes it to the runtime.
#[derive(Debug, Clone, Default)]
pub struct Env<'p> {
    vars: HashMap<String, EnvVar<'p>>,
    open: Vec<OpenSource<'p>>,
    /// The prefixes of `open`, searchable (a lookup does not try each source).
    open_prefixes: prefixes::PrefixSet,
    /// Names defined only when an optional reference resolves (optional `valueFrom` to an
    /// object outside the tree). A set: a container may have 40,000 such entries, and every
    /// definition after them removes its name (a list was searched on each).
    maybe: HashSet<String>,
    service_links: bool,
    /// Each literal `env[].value` and its expansion as the kubelet performed it (against the
    /// entries above it), in order.
    value_expansions: Vec<(&'p Node, Expanded)>,
    /// What the `env` values' expansions used of the container's budget.
    budget: Budget,
    /// The `envFrom` sources in order, when their known keys are many
    /// ([`kubelet::LAYERED_KEYS`]): looked up where they are rather than copied into `vars`,
    /// and shared by every container that reads them. Empty otherwise.
    layers: Layers<'p>,
    /// The first `envFrom` item past [`kubelet::MAX_ENVFROM_LAYERS`] (its keys, and those of
    /// the sources after it, not looked up).
    layers_capped: Option<&'p Node>,
}

/// Names the kubelet always sets for the `kubernetes` service in `default` (port 443 assumed
/// for the per-port names, which are only "maybe").
const MASTER_SERVICE_VARS: [&str; 3] = [
    "KUBERNETES_SERVICE_HOST",
    "KUBERNETES_SERVICE_PORT",
    "KUBERNETES_PORT",
];

impl<'p> Env<'p> {
    /// Give back the spare capacity of a complete environment (the process model keeps one
    /// per container for the whole run).
    pub(crate) fn compact(&mut self) {
        self.vars.shrink_to_fit();
        self.open.shrink_to_fit();
        self.maybe.shrink_to_fit();
        self.value_expansions.shrink_to_fit();
        self.layers.shrink_to_fit();
    }

    /// An empty environment with service links enabled (tests, callers without a pod).
    pub fn new() -> Env<'p> {
        Env {
            service_links: true,
            ..Env::default()
        }
    }

    /// The environment of a Compose service: its `env_file`s in order, then its `environment`
    /// parts in merge order, which win over them (a value of None is unknown: interpolation
    /// kexit cannot resolve, or a name without a value, taken from the shell running Compose,
    /// which may not set it). Files and parts are shared, not copied. No service links.
    pub fn compose(
        files: &[std::sync::Arc<crate::compose::EnvFile>],
        environment: &crate::compose::Merged<crate::compose::EnvVar>,
    ) -> Env<'p> {
        let layers = files
            .iter()
            .cloned()
            .map(Layer::Dotenv)
            .chain(environment.parts().iter().cloned().map(Layer::Compose))
            .collect();
        Env {
            layers: Layers::new(layers),
            ..Env::default()
        }
    }

    pub fn get(&self, name: &str) -> Lookup<'_> {
        if let Some(v) = self.vars.get(name) {
            return match &v.value {
                Some(s) => Lookup::Defined(s),
                None => Lookup::DefinedUnknown,
            };
        }
        if let Some(hit) = self.layers.var(name) {
            return match hit.value {
                Some(s) => Lookup::Defined(s),
                None => Lookup::DefinedUnknown,
            };
        }
        if self.maybe.contains(name) {
            return Lookup::MaybeDefined;
        }
        if self.open_prefixes.matches(name) {
            return Lookup::MaybeDefined;
        }
        if MASTER_SERVICE_VARS.contains(&name) {
            return Lookup::DefinedUnknown;
        }
        if is_service_link_name(name) && (self.service_links || name.starts_with("KUBERNETES_")) {
            return Lookup::MaybeDefined;
        }
        Lookup::Undefined
    }

    /// The variable, when defined by `env`/`envFrom` (made up from its source when that is a
    /// layer).
    pub fn var(&self, name: &str) -> Option<std::borrow::Cow<'_, EnvVar<'p>>> {
        if let Some(v) = self.vars.get(name) {
            return Some(std::borrow::Cow::Borrowed(v));
        }
        let hit = self.layers.var(name)?;
        Some(std::borrow::Cow::Owned(EnvVar {
            name: name.to_string(),
            value: hit.value.map(str::to_string),
            origin: hit.origin,
        }))
    }

    /// `envFrom` sources with unknown keys.
    pub fn open_sources(&self) -> &[OpenSource<'p>] {
        &self.open
    }

    /// True when every variable is known: no `envFrom` source outside the tree.
    pub fn is_closed(&self) -> bool {
        self.open.is_empty()
    }

    /// Each literal `env[].value` node with its expansion against the variables defined before
    /// it (references to later entries are `Undefined` here: they stay literal).
    pub fn value_expansions(&self) -> &[(&'p Node, Expanded)] {
        &self.value_expansions
    }

    /// What the expansions of the `env` values used of the container's expansion budget
    /// (command and args are expanded against the rest).
    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// The first `envFrom` item whose keys were not looked up: past
    /// [`kubelet::MAX_ENVFROM_LAYERS`] sources it is taken as a source of unknown keys.
    pub fn layers_capped(&self) -> Option<&'p Node> {
        self.layers_capped
    }

    /// `PATH` as the container's `env` sets it: Some(value) when set with a known value.
    pub fn path(&self) -> Option<&str> {
        match self.get("PATH") {
            Lookup::Defined(s) => Some(s),
            _ => None,
        }
    }

    /// Add an `envFrom` source whose keys are not known.
    fn open_source(&mut self, source: OpenSource<'p>) {
        self.open_prefixes.insert(&source.prefix);
        self.open.push(source);
    }

    fn define(&mut self, var: EnvVar<'p>) {
        self.maybe.remove(&var.name);
        self.vars.insert(var.name.clone(), var);
    }
}

#[cfg(test)]
mod tests;
