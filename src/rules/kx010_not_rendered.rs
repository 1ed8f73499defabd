//! KX010 not-rendered: A Helm chart whose templates were not rendered, so not linted.
//!
//! The CLI's chart detection (src/render.rs) records each chart it did not render
//! (`Project::unrendered`), on its `Chart.yaml`.

use crate::finding::Finding;
use crate::meta;
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX010,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for u in &model.project.unrendered {
        let (shown, templates, why) = (&u.chart, u.templates, &u.why);
        let s = if templates == 1 { " was" } else { "s were" };
        out.push(
            Finding::new(
                &RULE,
                u.span,
                format!(
                    "Helm chart `{shown}` not rendered ({why}): its {templates} template{s} not linted"
                ),
            )
            .help(format!(
                "Run with --render (needs `helm` on PATH), or pipe the rendered chart in: `helm template {shown} | kexit lint -`"
            )),
        );
    }
}
