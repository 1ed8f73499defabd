//! Rendered input: Helm charts and kustomizations.
//!
//! * Helm charts (a directory holding `Chart.yaml`) are detected: the files under `templates/`
//!   are Go templates, never parsed as YAML. With `--render` and `helm` on PATH each chart is
//!   rendered with `helm template`; otherwise one KX010 info per chart says it was not linted.
//! * `helm template` output on stdin is split by its `# Source:` comments.
//! * Kustomization directories named on the command line are rendered with `--render`.
//!
//! Findings in rendered text point at the template file the text came from (see [`note`]).

mod helm;
mod kustomize;
mod relocate;
mod run;

pub use helm::{
    chart_of_template, helm_template, is_chart, note_unrendered, split_chart, split_helm,
    take_chart_templates, Charts,
};
pub use kustomize::{
    is_kustomization, kustomize, kustomize_bounded, kustomize_with_origins, map_kustomize,
    remote_entries,
};
pub use relocate::{relocate, Origin};
pub use run::{run_bounded, Limits, RunError};

/// One virtual file made of rendered documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The template (helm) or resource file (kustomize) the documents came from.
    pub name: String,
    pub text: String,
}

/// Which renderer produced a file, for the note appended to findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    Helm,
    Kustomize,
}

/// The note appended to the message of findings in rendered files. `mapped`: the finding is
/// moved back to its source file ([`relocate`]), at the source line or without a line.
pub fn note(r: Renderer, mapped: bool) -> &'static str {
    match (r, mapped) {
        (Renderer::Helm, false) => " (rendered by helm; line refers to the rendered output)",
        (Renderer::Kustomize, false) => {
            " (rendered by kustomize; line refers to the rendered output)"
        }
        (Renderer::Helm, true) => " (in the output of `helm template`)",
        (Renderer::Kustomize, true) => " (in the output of kustomize)",
    }
}

/// Whether a `--values` argument or a kustomize resource names something remote.
pub fn is_remote(s: &str) -> bool {
    let s = s.trim();
    s.contains("://")
        || s.starts_with("git@")
        || s.starts_with("git::")
        || s.starts_with("github.com/")
        || s.starts_with("gitlab.com/")
        || s.starts_with("bitbucket.org/")
        || s.contains("?ref=")
        || (s.contains("//") && !s.starts_with('/') && !s.starts_with('.'))
}
