//! The pipeline: load → model → rules (in parallel) → config filters → sorted findings.

use crate::finding::Finding;
use crate::model::Model;
use crate::project::{Input, Project};
use crate::rules::RULES;
use rayon::prelude::*;

pub struct Outcome {
    pub project: Project,
    pub findings: Vec<Finding>,
    /// Documents parsed.
    pub documents: usize,
}

pub fn lint(project: Project) -> Outcome {
    let (mut findings, documents) = {
        let model = Model::build(&project);
        let cfg = &project.config;
        let mut findings: Vec<Finding> = RULES
            .par_iter()
            .filter(|r| !cfg.disabled.iter().any(|d| d == r.code || d == r.name))
            .flat_map_iter(|r| {
                let mut out = Vec::new();
                (r.check)(&model, &mut out);
                out
            })
            .collect();
        findings.extend(project.front_findings.iter().cloned().filter(|f| {
            !cfg.disabled
                .iter()
                .any(|d| d == f.rule.code || d == f.rule.name)
        }));
        let documents = project.manifests.iter().map(|m| m.yaml.docs.len()).sum();
        (findings, documents)
    };
    for f in &mut findings {
        if let Some(s) = project.config.severity.get(f.rule.code) {
            f.severity = *s;
        }
    }
    findings.retain(|f| project.files.get(f.span.file).is_some_and(|s| s.report));
    sort(&project, &mut findings);
    Outcome {
        project,
        findings,
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
