//! KX012 compose-cycle: a Compose service that `extends` itself through a chain of services,
//! or a compose file that `include`s a file that includes it. Compose's loader refuses the
//! project ("Circular reference: …", "include cycle detected: …"), so `docker compose up`
//! starts nothing. The loader (src/compose) records each cycle on the entry that closes it.

use crate::compose::CycleKind;
use crate::finding::Finding;
use crate::meta;
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX012,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for pr in &model.project.compose {
        for c in &pr.cycles {
            let (what, says, help) = match c.kind {
                CycleKind::Include => (
                    "include",
                    "include cycle detected: …",
                    "Remove the `include` entry that points back to a file that includes this one (an included file's services join the project once)",
                ),
                CycleKind::Extends => (
                    "extends",
                    "Circular reference: …",
                    "Make the chain end at a service that extends nothing: move the shared settings into a base service that every other one extends",
                ),
            };
            out.push(
                Finding::new(
                    &RULE,
                    c.span,
                    format!(
                        "this `{what}` leads back to itself ({}): docker compose refuses to load the project, so no service of it starts (`docker compose up` exits 1 with \"{says}\")",
                        c.chain
                    ),
                )
                .help(help),
            );
        }
    }
}
