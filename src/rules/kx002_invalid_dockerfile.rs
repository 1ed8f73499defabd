//! KX002 invalid-dockerfile: Dockerfile syntax error; docker build fails.
//!
//! Parse errors come from the front end (`docker::parse`, kept on the parsed Dockerfile); the
//! check reports them, and adds build errors the parser accepts: a JSON array with a non-string element in
//! CMD/ENTRYPOINT/RUN/HEALTHCHECK (BuildKit fails the build; parse-dockerfile takes it as shell
//! form).

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

fn check(model: &Model, out: &mut Vec<Finding>) {
    for d in model.dockerfiles() {
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
    }
}
