//! KX122 entrypoint-not-created: ENTRYPOINT/CMD names an absolute path no instruction created in
//! an image whose contents are known (scratch, distroless, …).

use crate::finding::Finding;
use crate::image::{CommandForm, Tri};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX122,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (di, d) in model.dockerfiles().iter().enumerate() {
        for &si in d.leaf_stages() {
            let Some(img) = model.images.stage(di, si) else {
                continue;
            };
            // argv[0]: ENTRYPOINT's, else CMD's; only exec forms from this Dockerfile.
            let Some(cmd) = img.entrypoint.as_ref().or(img.cmd.as_ref()) else {
                continue;
            };
            let (CommandForm::Exec(argv), Some(span)) = (&cmd.form, cmd.span) else {
                continue;
            };
            let Some(argv0) = argv.first() else { continue };
            // Only where the image's file system is completely known (scratch, distroless, a
            // fully modelled stage); elsewhere absence is not certain.
            if !argv0.starts_with('/') || !img.complete_fs() || img.exists(argv0) != Tri::No {
                continue;
            }
            let at = cmd.arg_spans.first().copied().unwrap_or(span);
            // Under Kubernetes containerd reports StartError 128; `docker run` and Compose 127.
            let in_pod = model.runs_in_pod(img);
            let (how, exit) = if in_pod {
                ("(StartError, exit 128; `docker run` gives 127)", 128)
            } else {
                ("(`docker run` and `docker compose up` exit 127)", 127)
            };
            let mut f = Finding::new(
                &RULE,
                at,
                format!(
                    "`{argv0}` does not exist in the image: nothing in {} creates it, so the container cannot start {how}",
                    img.description
                ),
            )
            .exit_code(Some(exit))
            .symptom(format!(
                "exec: \"{argv0}\": stat {argv0}: no such file or directory"
            ))
            .help("COPY the file to this path (check the destination of COPY --from=…), or point ENTRYPOINT/CMD at where it is copied");
            if let Some(from) = img.from_span {
                f = f.label(
                    from,
                    "the base image's contents are known and do not include it",
                );
            }
            out.push(f);
        }
    }
}
