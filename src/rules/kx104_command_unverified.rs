//! KX104 command-unverified: Command could not be verified against the image.

use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::rules::Rule;
use crate::model::exec::ExecFact;
use crate::rules::exec::{self, finding};

pub static RULE: Rule = Rule {
    code: "KX104",
    name: "command-unverified",
    severity: Severity::Warning,
    exit_code: Some(127),
    summary: "Command could not be verified against the image",
    doc: include_str!("../../rules/KX104.md"),
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    exec::report(model, out, |p, fact| {
        let ExecFact::Unverified { name, span } = fact else {
            return None;
        };
        let image = p.image_reference().unwrap_or("?");
        Some(
            finding(p, &RULE, *span, format!(
                "{} runs `{name}`, which could not be verified: kexit does not know what image `{image}` contains; if `{name}` is not on its PATH the container fails to start (StartError, exit 128)",
                p.who()
            ))
            .help("Link the image to its Dockerfile (skaffold.yaml, `imageLinks` in .kexit.yaml) or use an absolute path that you know exists")
            .symptom(format!("exec: \"{name}\": executable file not found in $PATH")),
        )
    });
}
