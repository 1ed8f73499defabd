//! KX121 copy-from-missing-path: COPY --from names a path the source stage does not produce.

use crate::docker::{CopySource, InstKind};
use crate::finding::Finding;
use crate::image::Tri;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::source::Span;

pub static RULE: Rule = Rule {
    meta: &meta::KX121,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (di, d) in model.dockerfiles().iter().enumerate() {
        for s in &d.stages {
            for i in &s.instructions {
                let InstKind::Copy { sources, .. } = &i.kind else {
                    continue;
                };
                let Some(from) = i.flag("from").and_then(|f| f.value.as_deref()) else {
                    continue;
                };
                let Some(src_stage) = d.stage_by_ref(from, s.index) else {
                    continue;
                };
                let Some(src_img) = model.images.stage(di, src_stage.index) else {
                    continue;
                };
                for src in sources {
                    let CopySource::Path(p) = src else { continue };
                    if p.value.contains(['*', '?', '[', '$']) {
                        continue;
                    }
                    // Absence is asserted only where the model is certain: the stage's file
                    // system is completely known (scratch, distroless, a fully modelled stage),
                    // or the official image's own data accounts for the directory (a top-level
                    // directory neither Debian nor the image creates, `/usr/local/bin` of a
                    // Debian image) and every write of the stage's steps is modelled (no python
                    // script or `npm run` that may write anywhere).
                    let certain = src_img.complete_fs() || src_img.writes_followed();
                    if !certain || src_img.exists(&p.value) != Tri::No {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            &RULE,
                            Span::new(d.file, p.span.clone()),
                            format!(
                                "`{}` does not exist in stage {}: nothing there creates it, so `docker build` fails and no image is produced",
                                p.value,
                                src_stage.label()
                            ),
                        )
                        .label(
                            Span::new(d.file, src_stage.from.span.clone()),
                            format!("stage {} starts here", src_stage.label()),
                        )
                        .symptom(format!(
                            "failed to compute cache key: \"{}\": not found",
                            p.value
                        ))
                        .help("Copy the path the stage actually writes (check its WORKDIR and the build's output path)"),
                    );
                }
            }
        }
    }
}
