//! kexit: predicts which containers will die with exit 127 (command not found, and its cousins
//! 126/128) or 137 (SIGKILL) before deploy.
//!
//! Layers: `source`/`discover`/`project` read files once; `yaml` and `docker` parse them;
//! `k8s` and `image` model workloads and images; `model` ties them together; `rules` read the
//! model (never raw text); `lint` runs the rules; `output` renders findings.

// Every stderr message of the crate is escaped (src/text.rs): these shadow the standard
// macros in every module declared below.
macro_rules! eprintln {
    ($($t:tt)*) => {
        $crate::text::eprint(&format!("{}\n", format_args!($($t)*)))
    };
}
macro_rules! eprint {
    ($($t:tt)*) => {
        $crate::text::eprint(&format!($($t)*))
    };
}

pub mod budget;
pub mod build_context;
pub mod cli;
pub mod compose;
pub mod config;
pub mod context_cache;
pub mod discover;
pub mod docker;
pub mod explain;
pub mod finding;
pub mod git_index;
pub mod ignore_files;
pub mod image;
pub mod inspect;
pub mod k8s;
pub mod lint;
pub mod markdown;
pub mod memo;
pub mod meta;
pub mod model;
pub mod output;
pub mod project;
pub mod render;
pub mod repo_context;
pub mod rules;
pub mod shell;
pub mod source;
pub mod suppress;
pub mod template;
#[cfg(test)]
pub mod test_rand;
pub mod text;
pub mod timing;
pub mod yaml;
