//! KX104 command-unverified: Command could not be verified against the image.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::model::exec::ExecFact;
use crate::rules::exec::{self, finding};

pub static RULE: Rule = Rule {
    meta: &meta::KX104,
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
