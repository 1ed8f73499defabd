//! The pipeline: load → model → rules (in parallel) → config filters → sorted findings.

use crate::finding::Finding;
use crate::model::Model;
use crate::project::{Input, Project};
use crate::rules::RULES;
use crate::suppress::{self, Suppressed};
use rayon::prelude::*;

pub struct Outcome {
    pub project: Project,
    pub findings: Vec<Finding>,
    /// Findings silenced by a suppression, with its reason (`--show-suppressed`).
    pub suppressed: Vec<Suppressed>,
    /// Documents parsed.
    pub documents: usize,
}

pub fn lint(project: Project) -> Outcome {
    run(project, false)
}

/// [`lint`] for a process that exits right after writing its reports (the binary's lint path,
/// never library callers or tests): the model (millions of small allocations) is not freed one by
/// one, it is left to the process exit.
pub fn lint_before_exit(project: Project) -> Outcome {
    run(project, true)
}

fn run(mut project: Project, leak_model: bool) -> Outcome {
    // `ignore-paths` of the configuration: loaded as context, never reported.
    if !project.config.ignore_paths.is_empty() {
        let cfg = project.config.clone();
        let globs = suppress::PathGlobs::new(&cfg.ignore_paths);
        for f in &mut project.files {
            if globs.is_match(&suppress::relative_to_base(&cfg, &f.path)) {
                f.report = false;
            }
        }
    }
    let (mut findings, documents, mut index) = {
        let t = crate::timing::phase("model");
        let model = Model::build(&project);
        drop(t);
        let t = crate::timing::phase("rules");
        let cfg = &project.config;
        // The suppression index (serial) is built while the rules run.
        let (index, findings) = rayon::join(
            || suppress::Index::build(&model),
            || {
                RULES
                    .par_iter()
                    .filter(|r| !cfg.disabled.iter().any(|d| d == r.code || d == r.name))
                    .flat_map_iter(|r| {
                        let mut out = Vec::new();
                        (r.check)(&model, &mut out);
                        out
                    })
                    .collect::<Vec<Finding>>()
            },
        );
        drop(t);
        let documents = project.manifests.iter().map(|m| m.yaml.docs.len()).sum();
        if leak_model {
            std::mem::forget(model);
        }
        (findings, documents, index)
    };
    for f in &mut findings {
        if let Some(s) = project.config.severity.get(f.rule.code) {
            f.severity = *s;
        }
    }
    findings.retain(|f| project.files.get(f.span.file).is_some_and(|s| s.report));
    let (mut findings, mut suppressed) = index.apply(&project, findings);
    let unused = &crate::rules::kx008_unused_suppression::RULE;
    if !project.config.is_disabled(unused.code, unused.name) {
        for mut f in index.unused(&project) {
            if let Some(s) = project.config.severity.get(f.rule.code) {
                f.severity = *s;
            }
            findings.push(f);
        }
    }
    sort(&project, &mut findings);
    suppressed.sort_by(|a, b| {
        let pa = &project.files[a.finding.span.file].path;
        let pb = &project.files[b.finding.span.file].path;
        pa.cmp(pb)
            .then(a.finding.span.start.cmp(&b.finding.span.start))
    });
    Outcome {
        project,
        findings,
        suppressed,
        documents,
    }
}

/// Deterministic order: file, line, column, rule, message.
pub fn sort(project: &Project, findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let pa = &project.files[a.span.file].path;
        let pb = &project.files[b.span.file].path;
        pa.cmp(pb)
            .then(a.span.start.cmp(&b.span.start))
            .then(a.rule.code.cmp(b.rule.code))
            .then(a.message.cmp(&b.message))
    });
}

/// Convenience for tests and fuzzing: lint in-memory inputs with the default config.
pub fn lint_inputs(inputs: Vec<Input>) -> Outcome {
    lint(Project::load(inputs, Default::default()))
}
