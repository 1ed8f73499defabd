//! KX104 command-unverified: Command could not be verified against the image.
//!
//! An `info`: it says what kexit could not check, not that something is wrong. The exit code is
//! the one the runtime would give if the command really were missing (128 `StartError` in a Pod,
//! 127 from `docker run` / Compose), as for KX103.

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
        // A container without `image` (a patch or a broken object): say so, not "image `?`".
        let what = match p.image_reference() {
            Some(image) => format!("kexit does not know what image `{image}` contains"),
            None => "the container names no image".to_string(),
        };
        Some(
            finding(p, &RULE, *span, format!(
                "{} runs `{name}`, which could not be verified: {what}; if `{name}` is not on its PATH, {}",
                p.who(),
                p.start_failure()
            ))
            .exit_code(p.start_exit(false))
            .help("Link the image to its Dockerfile (skaffold.yaml, `imageLinks` in .kexit.yaml) or use an absolute path that you know exists")
            .symptom(format!("exec: \"{name}\": executable file not found in $PATH")),
        )
    });
}
