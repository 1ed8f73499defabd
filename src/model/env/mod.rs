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
mod span;
mod uses;

pub use data::{
    base64_decode, dir_of, is_optional, kustomize_vars_near, looks_like_patch, lookup_data,
    lookup_data_shared, ConfigData, DataKey, DataKind, DataLookup, SharedData,
};
pub use expand::{expand, expand_in, expand_with, Expanded, RefStatus, VarRef};
pub use kubelet::{container_env, is_service_link_name};
pub use span::value_span;
pub use uses::{object_uses, ObjectUse, UseSite};

use crate::budget::Budget;
use crate::source::Span;
use crate::yaml::Node;
use std::collections::HashMap;

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
    /// `env` names in declaration order, then `envFrom` names (for iteration).
    order: Vec<String>,
    open: Vec<OpenSource<'p>>,
    /// Names defined only when an optional reference resolves (optional `valueFrom` to an
    /// object outside the tree).
    maybe: Vec<String>,
    service_links: bool,
    /// Each literal `env[].value` and its expansion as the kubelet performed it (against the
    /// entries above it), in order.
    value_expansions: Vec<(&'p Node, Expanded)>,
    /// What the `env` values' expansions used of the container's budget.
    budget: Budget,
    /// The `envFrom` sources in order, when their known keys are many
    /// ([`kubelet::LAYERED_KEYS`]): looked up where they are rather than copied into `vars`,
    /// and shared by every container that reads them. Empty otherwise.
    layers: Vec<Layer<'p>>,
}

/// An `envFrom` source kept whole ([`Env::layers`]).
#[derive(Debug, Clone)]
struct Layer<'p> {
    item: &'p Node,
    prefix: String,
    /// None: its keys are not known (the source is also in [`Env::open`]).
    data: Option<std::sync::Arc<ConfigData<'p>>>,
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
        self.order.shrink_to_fit();
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

    /// The environment of a Compose service: its `environment` and `env_file` entries (a value
    /// of None is unknown: interpolation kexit cannot resolve, or a name without a value, taken
    /// from the shell running Compose, which may not set it). No service links.
    pub fn compose(
        entries: impl IntoIterator<Item = (String, Option<String>, bool, Span)>,
    ) -> Env<'p> {
        let mut env = Env::default();
        for (name, value, from_shell, span) in entries {
            if from_shell {
                env.vars.remove(&name);
                env.order.retain(|n| *n != name);
                if !env.maybe.contains(&name) {
                    env.maybe.push(name);
                }
                continue;
            }
            env.define(EnvVar {
                name,
                value,
                origin: Origin::Compose(span),
            });
        }
        env
    }

    pub fn get(&self, name: &str) -> Lookup<'_> {
        if let Some(v) = self.vars.get(name) {
            return match &v.value {
                Some(s) => Lookup::Defined(s),
                None => Lookup::DefinedUnknown,
            };
        }
        if let Some((_, k, unknown)) = self.layer_var(name) {
            return match &k.value {
                Some(s) if !unknown => Lookup::Defined(s),
                _ => Lookup::DefinedUnknown,
            };
        }
        if self.maybe.iter().any(|m| m == name) {
            return Lookup::MaybeDefined;
        }
        if self.open.iter().any(|o| name.starts_with(&o.prefix)) {
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
        let (layer, k, unknown) = self.layer_var(name)?;
        Some(std::borrow::Cow::Owned(EnvVar {
            name: name.to_string(),
            value: if unknown { None } else { k.value.clone() },
            origin: Origin::EnvFrom {
                item: layer.item,
                key_span: k.span,
            },
        }))
    }

    /// The last layer that defines `name`, its key, and whether a later source with unknown
    /// keys may have replaced its value.
    fn layer_var(&self, name: &str) -> Option<(&Layer<'p>, &DataKey, bool)> {
        let mut unknown = false;
        for l in self.layers.iter().rev() {
            let Some(key) = name.strip_prefix(l.prefix.as_str()) else {
                continue;
            };
            match &l.data {
                None => unknown = true,
                Some(d) => {
                    if let Some(k) = d.keys.get(key).filter(|k| k.in_data) {
                        return Some((l, k, unknown));
                    }
                }
            }
        }
        None
    }

    /// Defined variables (env + envFrom with known keys), `env` order first; without the
    /// variables of [`Env::layers`].
    pub fn vars(&self) -> impl Iterator<Item = &EnvVar<'p>> {
        self.order.iter().filter_map(|n| self.vars.get(n))
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

    /// `PATH` as the container's `env` sets it: Some(value) when set with a known value.
    pub fn path(&self) -> Option<&str> {
        match self.get("PATH") {
            Lookup::Defined(s) => Some(s),
            _ => None,
        }
    }

    fn define(&mut self, var: EnvVar<'p>) {
        if !self.vars.contains_key(&var.name) {
            self.order.push(var.name.clone());
        }
        self.maybe.retain(|m| *m != var.name);
        self.vars.insert(var.name.clone(), var);
    }
}

#[cfg(test)]
mod tests;
