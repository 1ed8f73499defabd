//! KX119 multiple-cmd-entrypoint: More than one CMD/ENTRYPOINT/HEALTHCHECK in a stage; only the last counts.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::source::Span;

pub static RULE: Rule = Rule {
    meta: &meta::KX119,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for d in model.dockerfiles() {
        for s in &d.stages {
            for kw in ["CMD", "ENTRYPOINT", "HEALTHCHECK"] {
                let all: Vec<_> = s.instructions.iter().filter(|i| i.keyword == kw).collect();
                let Some((last, earlier)) = all.split_last() else {
                    continue;
                };
                for e in earlier {
                    let kw_span = Span::new(d.file, e.span.start..e.span.start + kw.len());
                    out.push(
                        Finding::new(
                            &RULE,
                            kw_span,
                            format!(
                                "this {kw} is ignored: stage {} sets {kw} again later and only the last one counts",
                                s.label()
                            ),
                        )
                        .label(Span::new(d.file, last.span.clone()), format!("this {kw} wins"))
                        .help(format!(
                            "Remove the earlier {kw}; to run several things, use one entrypoint script that ends in `exec \"$@\"`"
                        )),
                    );
                }
            }
        }
    }
}
