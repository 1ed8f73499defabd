//! KX002 invalid-dockerfile: Dockerfile syntax error; docker build fails.
//!
//! Parse errors come from the front end (`docker::parse`, kept on the parsed Dockerfile); the
//! check reports them, and adds build errors the parser accepts: a JSON array with a non-string element in
//! CMD/ENTRYPOINT/RUN/HEALTHCHECK (BuildKit fails the build; parse-dockerfile takes it as shell
//! form). BuildKit stops at the first error, so one error is reported per Dockerfile: the
//! first in the file. A Dockerfile whose first error is next to template markup (loading sets
//! `Dockerfile::template`) is a template: one info, nothing else.

use crate::docker::InstKind;
use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::source::Span;

pub static RULE: Rule = Rule {
    meta: &meta::KX002,
    check,
};

fn check(model: &Model, model_out: &mut Vec<Finding>) {
    for d in model.dockerfiles() {
        if let Some((span, what)) = &d.template {
            let line = model.file(d.file).line_col(span.start).0;
            model_out.push(super::template_not_linted(
                RULE.meta,
                Span::new(d.file, span.clone()),
                (what, line),
                "Dockerfile",
                "kexit lints what is built: lint the generated Dockerfile, or give the file a template extension (`Dockerfile.template`, `Dockerfile.j2`, …) so kexit skips it",
            ));
            continue;
        }
        let mut found: Vec<Finding> = Vec::new();
        let out = &mut found;
        for e in &d.errors {
            out.push(
                Finding::new(
                    &RULE,
                    Span::new(d.file, e.span.clone()),
                    format!("Dockerfile syntax error: {}", e.message),
                )
                .help("Fix the instruction; `docker build` fails on it, so no image is produced")
                .symptom("docker build: failed to solve: dockerfile parse error"),
            );
        }
        for s in &d.stages {
            for i in &s.instructions {
                let c = match &i.kind {
                    InstKind::Cmd(c) | InstKind::Entrypoint(c) => c,
                    InstKind::Run { command, .. } => command,
                    InstKind::Healthcheck(Some(c)) => c,
                    _ => continue,
                };
                if !c.non_string_json {
                    continue;
                }
                out.push(
                    Finding::new(
                        &RULE,
                        Span::new(d.file, c.span.clone()),
                        format!(
                            "{} is a JSON array with a non-string element: BuildKit rejects it and the build fails, so no image is produced",
                            i.keyword
                        ),
                    )
                    .help("Quote every element: [\"node\", \"1\"]")
                    .symptom("failed to process \"…\": cannot parse JSON: unexpected non-string element"),
                );
            }
        }
        if let Some(first) = found.into_iter().min_by_key(|f| f.span.start) {
            model_out.push(first);
        }
    }
}
