//! KX124 no-command: neither the image nor the manifest sets a command.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX124,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        for c in &w.containers {
            if c.command().is_some_and(|v| !v.is_empty()) || c.args().is_some_and(|v| !v.is_empty())
            {
                continue;
            }
            let Some(img) = model.image_for(w, c) else {
                continue;
            };
            if !img.base_known || img.entrypoint.is_some() || img.cmd.is_some() {
                continue;
            }
            let Some(node) = c.get("image") else { continue };
            let mut f = Finding::new(
                &RULE,
                w.span(node),
                format!(
                    "container `{}` has no command: {} sets no ENTRYPOINT or CMD and the container sets no `command`/`args`, so it cannot be created (CreateContainerError, no exit code)",
                    c.name, img.description
                ),
            )
            .symptom("Error: failed to create containerd container: no command specified")
            .help("Set `command:` on the container, or add ENTRYPOINT/CMD (exec form) to the image")
            .object(Some(w.object.reference()))
            .container(c.name);
            if let Some(from) = img.from_span {
                f = f.label(from, "this image has no ENTRYPOINT or CMD");
            }
            out.push(f);
        }
    }
}
